"""AR_CustomerContact_bus: a customer's contacts, coded by erpsync's "1000 or the first
free number after it" rule (seed 003)."""

from __future__ import annotations

import sqlalchemy as sa

from connectors.sage100.boi import AR_CUSTOMER_CONTACT_BUS
from sandbox.sage100.boi.numbers import first_free_code
from sandbox.sage100.boi.record import BusRecord

__all__ = ["ContactBusImpl"]


class ContactBusImpl(BusRecord):
    name = AR_CUSTOMER_CONTACT_BUS
    table_name = "AR_CustomerContact"
    required = ("ContactName",)
    needs_customer = True

    def get_next_contact_code(self, division: str, customer_no: str) -> str:
        table = self._session.table("AR_CustomerContact")
        stmt = sa.select(table.c.ContactCode).where(
            table.c.ARDivisionNo == division, table.c.CustomerNo == customer_no
        )
        with self._session.engine.connect() as conn:
            return first_free_code(conn.execute(stmt).scalars())
