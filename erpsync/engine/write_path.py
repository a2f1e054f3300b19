"""Which Sage 100 write path a run uses.

Writes go through the Business Object Interface only. The sandbox implementation applies
the BOI's rules to a sandbox company database (SQLite or PostgreSQL). A real Sage 100 is
written by the BOI over COM on the Sage server; that implementation plugs in here, behind
the `connectors.sage100.boi.SageSession` protocol, and is not part of this build, so a
configuration that points at a real company (raw ODBC, SQL Server) refuses to write
rather than fall back to SQL.
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.sage100.boi import SageSession
from erpsync.config import Settings
from erpsync.devkit import require_sandbox
from erpsync.errors import ConfigError

__all__ = ["session_factory"]

_SANDBOX_DIALECTS = ("sqlite", "postgresql")


def session_factory(settings: Settings) -> Callable[[], SageSession]:
    def refuse() -> SageSession:
        raise ConfigError(
            "erp: writing into this Sage 100 company needs the Business Object Interface on "
            "the Sage server, which this installation does not include; reads work, uploads "
            "do not"
        )

    if settings.erp.odbc is not None:
        return refuse
    url = settings.erp_url
    if url.split(":", 1)[0].split("+", 1)[0] not in _SANDBOX_DIALECTS:
        return refuse

    def open_sandbox() -> SageSession:
        require_sandbox("writing into the sandbox company")
        from sandbox.sage100.boi import open_session

        return open_session(url, company=settings.erp.company)

    return open_sandbox
