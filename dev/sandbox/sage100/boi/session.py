"""`open_session`: the sandbox's SY_Session, logged on to one company database.

The session owns the SQLAlchemy engine and the clock, hands out business objects, and
remembers the numbers it has issued (Sage's counters consume a number even when the
record is never written). Reads are single-row key lookups on a short-lived connection;
each business object's write() is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any, Literal, overload

import sqlalchemy as sa

from connectors.sage100.boi import (
    AR_CASH_RECEIPTS_BUS,
    AR_CUSTOMER_BUS,
    AR_CUSTOMER_CONTACT_BUS,
    BUSINESS_OBJECTS,
    SO_SALES_ORDER_BUS,
    SO_SHIP_TO_ADDRESS_BUS,
)
from connectors.sage100.discovery import company_table, inspect_columns
from connectors.sage100.schema import company_metadata
from connectors.sage100.stamps import format_sage_time
from connectors.sage100.tables import Table
from erpsync.errors import ConnectionFailed
from sandbox.sage100.boi.cash_receipts import CashReceiptsBusImpl
from sandbox.sage100.boi.contact import ContactBusImpl
from sandbox.sage100.boi.customer import CustomerBusImpl
from sandbox.sage100.boi.record import BusRecord
from sandbox.sage100.boi.sales_order import SalesOrderBusImpl
from sandbox.sage100.boi.ship_to import ShipToAddressBusImpl
from sandbox.sage100.layout import TABLES
from sandbox.sage100.writer import safe_url

__all__ = ["SandboxSession", "open_session"]

Row = dict[str, Any]


@cache
def _catalogue() -> sa.MetaData:
    """The catalogue's tables, built once: sessions only read them."""
    return company_metadata(tables=TABLES)


class SandboxSession:
    """SY_Session on the sandbox company: see connectors.sage100.boi.SageSession."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        company: str,
        user_key: str,
        now: Callable[[], datetime],
        specs: Mapping[str, Table] | None = None,
    ) -> None:
        self.company = company
        self.user_key = user_key
        self.engine = engine
        # The company's own layout: a company with no UDFs (or fewer) is written as it is.
        self.specs: Mapping[str, Table] = specs or TABLES
        self.metadata = _catalogue() if specs is None else company_metadata(tables=self.specs)
        self._now = now
        self._issued: dict[tuple[str, ...], int] = {}
        self._closed = False

    # --- SY_Session -----------------------------------------------------------------------
    @overload
    def new_object(self, name: Literal["AR_Customer_bus"]) -> CustomerBusImpl: ...
    @overload
    def new_object(self, name: Literal["AR_CustomerContact_bus"]) -> ContactBusImpl: ...
    @overload
    def new_object(self, name: Literal["SO_SalesOrder_bus"]) -> SalesOrderBusImpl: ...
    @overload
    def new_object(self, name: Literal["AR_CashReceipts_bus"]) -> CashReceiptsBusImpl: ...
    @overload
    def new_object(self, name: str) -> BusRecord: ...
    def new_object(self, name: str) -> BusRecord:
        if self._closed:
            raise RuntimeError("the Sage 100 sandbox session is closed")
        factories: dict[str, Callable[[SandboxSession], BusRecord]] = {
            AR_CUSTOMER_BUS: CustomerBusImpl,
            SO_SHIP_TO_ADDRESS_BUS: ShipToAddressBusImpl,
            AR_CUSTOMER_CONTACT_BUS: ContactBusImpl,
            SO_SALES_ORDER_BUS: SalesOrderBusImpl,
            AR_CASH_RECEIPTS_BUS: CashReceiptsBusImpl,
        }
        try:
            return factories[name](self)
        except KeyError:
            known = ", ".join(BUSINESS_OBJECTS)
            raise ValueError(f"unknown business object {name!r}; known: {known}") from None

    def close(self) -> None:
        self._closed = True
        self.engine.dispose()

    def __enter__(self) -> SandboxSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- helpers for the business objects -------------------------------------------------
    def table(self, name: str) -> sa.Table:
        return self.metadata.tables[name]

    def spec(self, name: str) -> Table:
        """The company's layout of `name`: the sandbox's columns it has, and its own."""
        return self.specs[name]

    def now(self) -> datetime:
        return self._now()

    def stamps(self, moment: datetime, *, created: bool) -> Row:
        """Sage's change stamps for a write at `moment` (created ones on insert only)."""
        labels = ("Created", "Updated") if created else ("Updated",)
        out: Row = {}
        for label in labels:
            out[f"Date{label}"] = moment.date()
            out[f"Time{label}"] = format_sage_time(moment)
            out[f"User{label}Key"] = self.user_key
        return out

    def fetch(
        self, name: str, key: Mapping[str, object], conn: sa.Connection | None = None
    ) -> Row | None:
        """The row of `name` with these key values, or None."""
        table = self.table(name)
        stmt = sa.select(table).where(*(table.c[c] == v for c, v in key.items()))
        if conn is not None:
            row = conn.execute(stmt).mappings().first()
        else:
            with self.engine.connect() as own:
                row = own.execute(stmt).mappings().first()
        return dict(row) if row is not None else None

    def fetch_all(
        self, name: str, key: Mapping[str, object], order_by: Iterable[str] = ()
    ) -> list[Row]:
        table = self.table(name)
        stmt = sa.select(table).where(*(table.c[c] == v for c, v in key.items()))
        stmt = stmt.order_by(*(table.c[c] for c in order_by))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def exists(self, name: str, key: Mapping[str, object]) -> bool:
        table = self.table(name)
        first = next(iter(key))
        stmt = sa.select(table.c[first]).where(*(table.c[c] == v for c, v in key.items()))
        with self.engine.connect() as conn:
            return conn.execute(stmt.limit(1)).first() is not None

    def issue(self, counter: tuple[str, ...], highest_in_use: int) -> int:
        """The next number of a counter: above everything in the database and everything
        this session has already handed out."""
        number = max(highest_in_use, self._issued.get(counter, 0)) + 1
        self._issued[counter] = number
        return number


def open_session(
    url: str,
    *,
    company: str = "ABC",
    user_key: str = "0000000099",
    now: Callable[[], datetime] = datetime.now,
) -> SandboxSession:
    """Log on to the sandbox company at `url` (any SQLAlchemy URL the generator wrote)."""
    if len(user_key) != 10 or not user_key.isdigit():
        raise ValueError(f"user_key must be 10 digits (Sage's zero-filled user key): {user_key!r}")
    shown = safe_url(url)
    args = {"timeout": 30} if url.startswith("sqlite") else {}
    engine = sa.create_engine(url, connect_args=args)
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise ConnectionFailed(
            f"cannot open the Sage 100 sandbox company at {shown}: {type(exc).__name__}"
        ) from None
    missing = sorted(set(_catalogue().tables) - present)
    if missing:
        engine.dispose()
        raise ConnectionFailed(
            f"{shown} is not a Sage 100 sandbox company: missing {', '.join(missing[:5])}"
        )
    with engine.connect() as conn:
        specs = {
            name: company_table(spec, inspect_columns(conn, name) or []).table
            for name, spec in TABLES.items()
        }
    return SandboxSession(engine, company=company, user_key=user_key, now=now, specs=specs)
