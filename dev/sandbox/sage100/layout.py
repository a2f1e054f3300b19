"""The sandbox company's layout: Sage's standard tables plus the UDFs this company created.

A real company's UDFs are its own; erpsync's catalogue has none. The sandbox company was
"set up" with the UDFs below, as a distributor syncing with a platform would set up some,
and carries them as ordinary columns. `UDF_FIELDS` is the matching `[udf_fields]`
configuration, which erpsync uses on the embedded sandbox when none is configured.

The seed 003 UDFs (Send To Service Pro, Service Pro Order Status) are ones erpsync uses
when a company has them; the UDF_PLATFORM_* columns are there for tests of the
`platform_id_udf` settings, which use them only when configured.
"""

from __future__ import annotations

from dataclasses import replace

from connectors.sage100.tables import TABLES as STANDARD
from connectors.sage100.tables import Column, Table

__all__ = ["TABLES", "UDFS", "UDF_FIELDS", "table"]


def _s(name: str, width: int) -> Column:
    return Column(name, "str", width)


def _flag(name: str) -> Column:
    return Column(name, "flag", 1, codes=("Y", "N"))


_ORDER_UDFS = (
    _flag("UDF_SEND_TO_SERVICE_PRO"),
    _s("UDF_SERVICE_PRO_STATUS", 15),
    _s("UDF_PLATFORM_ORDER_ID", 30),
)

UDFS: dict[str, tuple[Column, ...]] = {
    "IM_Warehouse": (_s("UDF_REGION", 10),),
    "CI_Item": (_s("UDF_BRAND", 20), _flag("UDF_WEB_ITEM")),
    "AR_Customer": (_s("UDF_WEB_ACCOUNT", 30), _s("UDF_INDUSTRY", 20), _s("UDF_PLATFORM_ID", 30)),
    "SO_ShipToAddress": (_s("UDF_DELIVERY_NOTES", 30), _s("UDF_PLATFORM_ID", 30)),
    "AR_CustomerContact": (_s("UDF_ROLE", 20), _s("UDF_PLATFORM_ID", 30)),
    "SO_SalesOrderHeader": _ORDER_UDFS,
    "SO_SalesOrderHistoryHeader": _ORDER_UDFS,
    "AR_InvoiceHistoryHeader": (_s("UDF_PLATFORM_ORDER_ID", 30),),
    "AR_CashReceiptsHeader": (_s("UDF_PLATFORM_PAYMENT_ID", 30),),
}

TABLES: dict[str, Table] = {
    name: replace(spec, columns=spec.columns + UDFS.get(name, ()))
    for name, spec in STANDARD.items()
}

# The `[udf_fields]` of a company set up like the sandbox.
UDF_FIELDS: dict[str, dict[str, str]] = {
    "locations": {"UDF_REGION": "region"},
    "items": {"UDF_BRAND": "brand", "UDF_WEB_ITEM": "web_item"},
    "customers": {"UDF_WEB_ACCOUNT": "web_account", "UDF_INDUSTRY": "industry"},
    "ship_tos": {"UDF_DELIVERY_NOTES": "delivery_notes"},
    "contacts": {"UDF_ROLE": "role"},
}


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown Sage 100 table {name!r}") from None
