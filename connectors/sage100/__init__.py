"""The Sage 100 connector: the table catalogue, change stamps, settings and the reader."""

from __future__ import annotations

from connectors.sage100.client import Sage100Reader
from connectors.sage100.models import max_stamp
from connectors.sage100.settings import Sage100Settings
from connectors.sage100.stamps import SageStamp, format_sage_time, parse_sage_time
from connectors.sage100.tables import STAMP_COLUMNS, TABLES, Column, Table, table

__all__ = [
    "STAMP_COLUMNS",
    "TABLES",
    "Column",
    "Sage100Reader",
    "Sage100Settings",
    "SageStamp",
    "Table",
    "format_sage_time",
    "max_stamp",
    "parse_sage_time",
    "table",
]
