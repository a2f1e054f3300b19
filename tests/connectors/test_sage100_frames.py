"""Frame normalisation, max_stamp, the key-query plan and the ODBC helpers (no database)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa
from pydantic import SecretStr

import connectors.sage100 as sage100
from connectors.sage100 import TABLES, SageStamp, max_stamp
from connectors.sage100.models import build_frame, key_batches, stamp_mask
from connectors.sage100.odbc import (
    Sage100OdbcDialect,
    odbc_connection_string,
    odbc_engine,
    odbc_error_text,
    odbc_passwords,
    redact_odbc,
)

ITEM = TABLES["CI_Item"]


def test_the_public_surface_is_pinned() -> None:
    assert sorted(sage100.__all__) == sorted(
        [
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
    )
    for name in sage100.__all__:
        assert getattr(sage100, name) is not None


def test_dates_from_any_driver_become_iso_strings() -> None:
    rows = [
        ("A", date(2026, 1, 2)),
        ("B", datetime(2026, 1, 3, 17, 45)),
        ("C", None),
    ]
    frame = build_frame(ITEM, ["ItemCode", "LastSoldDate"], rows)
    assert frame["LastSoldDate"].tolist()[:2] == ["2026-01-02", "2026-01-03"]
    assert pd.isna(frame["LastSoldDate"].iloc[2])
    text = build_frame(
        ITEM, ["ItemCode", "LastSoldDate"], [("D", "2026-01-04 "), ("E", "20260105"), ("F", "")]
    )
    assert text["LastSoldDate"].tolist()[:2] == ["2026-01-04", "2026-01-05"]
    assert pd.isna(text["LastSoldDate"].iloc[2])


def test_numbers_from_any_driver_become_float64() -> None:
    frame = build_frame(
        ITEM,
        ["ItemCode", "StandardUnitPrice", "TotalQuantityOnHand", "Volume"],
        [("A", Decimal("12.50"), 3, " 1.25 "), ("B", None, None, None)],
    )
    assert [str(frame[c].dtype) for c in frame.columns[1:]] == ["float64"] * 3
    assert frame.iloc[0, 1:].tolist() == [12.5, 3.0, 1.25]
    assert frame.iloc[1, 1:].isna().all()


def test_strings_are_right_trimmed_and_null_stays_missing() -> None:
    frame = build_frame(
        ITEM,
        ["ItemCode", "ItemCodeDesc", "TimeUpdated", "ShipWeight"],
        [("A   ", "  lead space kept   ", "14.53333", 12), ("B", None, None, None)],
    )
    assert frame.iloc[0].tolist() == ["A", "  lead space kept", "14.53333", "12"]
    assert frame.iloc[1, 1:].isna().all()


def test_a_bad_number_names_the_record_and_the_column() -> None:
    with pytest.raises(ValueError) as caught:
        build_frame(ITEM, ["ItemCode", "StandardUnitPrice"], [("A", 1.0), ("WIDGET-9", "abc")])
    assert (
        str(caught.value) == "CI_Item ItemCode='WIDGET-9': StandardUnitPrice is not a number: 'abc'"
    )


def test_a_bad_date_names_the_record_and_the_column() -> None:
    with pytest.raises(ValueError) as caught:
        build_frame(ITEM, ["ItemCode", "LastSoldDate"], [("WIDGET-3", "2026-13-45")])
    assert "CI_Item ItemCode='WIDGET-3': LastSoldDate is not a date" in str(caught.value)


def test_an_empty_chunk_keeps_its_columns() -> None:
    frame = build_frame(ITEM, ["ItemCode", "StandardUnitPrice"], [])
    assert list(frame.columns) == ["ItemCode", "StandardUnitPrice"]
    assert frame.empty


def _stamped(*rows: tuple[str | None, str | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["DateUpdated", "TimeUpdated"])


def test_max_stamp_compares_times_as_numbers() -> None:
    frame = _stamped(("2026-03-10", "9.50000"), ("2026-03-10", "14.53333"), (None, "23.0"))
    assert max_stamp(frame) == SageStamp(date(2026, 3, 10), 14.53333)


def test_max_stamp_prefers_a_later_day_over_a_later_time() -> None:
    frame = _stamped(("2026-03-10", "23.90000"), ("2026-03-11", "1.00000"), ("2026-03-11", " "))
    assert max_stamp(frame) == SageStamp(date(2026, 3, 11), 1.0)


def test_max_stamp_of_nothing_is_none() -> None:
    assert max_stamp(_stamped()) is None
    assert max_stamp(_stamped((None, "1.0"))) is None
    assert max_stamp(pd.DataFrame({"ItemCode": ["A"]})) is None
    dates = pd.DataFrame({"DateUpdated": [date(2026, 1, 2)], "TimeUpdated": ["3.5"]})
    assert max_stamp(dates) == SageStamp(date(2026, 1, 2), 3.5)


def test_stamp_mask_window() -> None:
    frame = _stamped(
        ("2026-03-10", "9.50000"),
        ("2026-03-10", "14.53333"),
        ("2026-03-11", "1.00000"),
        ("2026-03-11", "2.00000"),
    )
    keep = stamp_mask(frame, SageStamp(date(2026, 3, 10), 10.0), SageStamp(date(2026, 3, 11), 2.0))
    assert keep.tolist() == [False, True, True, False]


def test_key_plan_equality_then_in_for_customers() -> None:
    customer = TABLES["AR_Customer"]
    keys = [("01", f"C{n}") for n in range(250)] + [("02", "C1")]
    plan = list(key_batches(customer, ["ARDivisionNo", "CustomerNo"], keys, 100))
    assert [(b.fixed, b.in_column, len(b.values)) for b in plan] == [
        ({"ARDivisionNo": "01"}, "CustomerNo", 100),
        ({"ARDivisionNo": "01"}, "CustomerNo", 100),
        ({"ARDivisionNo": "01"}, "CustomerNo", 50),
        ({"ARDivisionNo": "02"}, "CustomerNo", 1),
    ]
    assert all(b.wanted is None for b in plan)  # the SQL filter is already exact


def test_key_plan_falls_back_to_in_on_the_first_column() -> None:
    lines = TABLES["SO_SalesOrderDetail"]
    keys = [(f"{n:07d}", "000001") for n in range(300)]  # one line per order
    plan = list(key_batches(lines, ["SalesOrderNo", "LineKey"], keys, 200))
    assert [(b.fixed, b.in_column, len(b.values)) for b in plan] == [
        ({}, "SalesOrderNo", 200),
        ({}, "SalesOrderNo", 100),
    ]
    assert plan[0].wanted is not None and len(plan[0].wanted) == 300


def test_key_values_are_normalised_and_deduplicated() -> None:
    history = TABLES["AR_TransactionPaymentHistory"]
    cols = [
        "ARDivisionNo",
        "CustomerNo",
        "InvoiceNo",
        "InvoiceType",
        "TransactionDate",
        "SequenceNo",
    ]
    keys = [
        ("01", "C1  ", "INV1", "IN", date(2026, 1, 2), "000001"),
        ("01", "C1", "INV1", "IN", "2026-01-02", "000001"),
    ]
    plan = list(key_batches(history, cols, keys, 200))
    assert sum(len(b.values) for b in plan) == 1
    with pytest.raises(ValueError, match=r"AR_TransactionPaymentHistory.*TransactionDate"):
        list(key_batches(history, cols, [("01", "C1", "INV1", "IN", "not a date", "1")], 200))


def test_odbc_dsn_names_and_connection_strings() -> None:
    assert odbc_connection_string("SOTAMAS90") == "DSN=SOTAMAS90"
    text = "Driver={MAS 90 4.0 ODBC Driver};Company=ABC;UID=JSMITH;PWD=s3cr;et"
    assert odbc_connection_string(text) == text
    with pytest.raises(ValueError):
        odbc_connection_string("  ")


def test_odbc_passwords_are_redacted() -> None:
    text = "DSN=X;UID=a;PWD={p;w}}d};Company=ABC;password=two"
    assert redact_odbc(text) == "DSN=X;UID=a;PWD=***;Company=ABC;password=***"
    assert odbc_passwords(text) == ["p;w}}d", "two"]
    assert (
        odbc_error_text(
            "IM002",
            "[IM002] [unixODBC][Driver Manager]Data source name not found (0) (SQLDriverConnect)",
        )
        == "[IM002] Data source name not found"
    )


def test_the_odbc_dialect_never_quotes_plain_names() -> None:
    preparer = Sage100OdbcDialect().identifier_preparer
    assert preparer.quote("CI_Item") == "CI_Item"
    assert preparer.quote("Comment") == "Comment"
    assert preparer.quote("UDF_WEB_ITEM") == "UDF_WEB_ITEM"
    assert preparer.quote("bad name") == '"bad name"'


def test_the_odbc_engine_binds_question_marks(odbc_drivers: list[str]) -> None:
    # Building the engine loads pyodbc, which needs the unixODBC library: the fixture sets
    # that up or skips (fails under ERPSYNC_REQUIRE_EXTERNAL=1) with the reason.
    stmt = sa.text("SELECT ItemCode FROM CI_Item WHERE ItemCode IN :k").bindparams(
        sa.bindparam("k", ["A", "B"], expanding=True)
    )
    dialect = odbc_engine(SecretStr("DSN=NotOpened")).dialect  # nothing is connected
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    assert str(compiled) == "SELECT ItemCode FROM CI_Item WHERE ItemCode IN (?, ?)"
