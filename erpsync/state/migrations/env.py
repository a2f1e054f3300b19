"""Alembic environment for the engine state database.

erpsync runs the migrations itself (StateStore.migrate), on the connection it hands over
in `config.attributes["connection"]`; there is no alembic.ini. The company that rows
written before a migration belong to comes in `config.attributes["company"]`.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
# Batch mode: SQLite cannot ALTER constraints, so those migrations copy the table.
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
