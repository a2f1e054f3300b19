"""The generated company conforms to the catalogue: every table, width, code and stamp,
checked generically from connectors/sage100/tables.py on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from connectors.sage100.schema import company_metadata
from connectors.sage100.stamps import parse_sage_time
from connectors.sage100.tables import TABLES
from sandbox.sage100 import GenerationReport, generate
from tests.sandbox.conftest import AS_OF, Reader, read_table

# Unposted cash-receipt batches: the payments upload writes them, the generator does not.
ENTRY_TABLES = ("AR_CashReceiptsDeposit", "AR_CashReceiptsHeader", "AR_CashReceiptsDetail")


def assert_widths_codes_and_blanks(url: str) -> None:
    """Strings within width, coded columns within codes, blanks as '' (never NULL)."""
    metadata = company_metadata()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert set(TABLES) <= set(sa.inspect(conn).get_table_names())
            for spec in TABLES.values():
                table = metadata.tables[spec.name]
                for col in spec.columns:
                    c = table.c[col.name]
                    if col.kind in ("str", "flag", "time", "text"):
                        nulls = conn.execute(sa.select(sa.func.count()).where(c.is_(None))).scalar()
                        assert nulls == 0, (
                            f"{spec.name}.{col.name} has {nulls} NULLs (Sage blanks are '')"
                        )
                    if col.kind in ("str", "flag", "time") and col.width:
                        longest = conn.execute(sa.select(sa.func.max(sa.func.length(c)))).scalar()
                        assert (longest or 0) <= col.width, (
                            f"{spec.name}.{col.name}: {longest} > {col.width}"
                        )
                    if col.codes:
                        found = {r[0] for r in conn.execute(sa.select(c).distinct())}
                        assert found <= set(col.codes), (
                            f"{spec.name}.{col.name}: {found - set(col.codes)}"
                        )
                count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                if spec.name in ENTRY_TABLES:
                    assert count == 0, spec.name
                else:
                    assert count, f"{spec.name} is empty"
    finally:
        engine.dispose()


_USER_KEY = re.compile(r"^\d{10}$")
_TIME = re.compile(r"^\d{1,2}\.\d{5}$")


def stamp_hours(url: str, as_of: datetime) -> list[float]:
    """Checks every stamped table's stamps; returns all TimeUpdated values as hours."""
    hours: list[float] = []
    for spec in TABLES.values():
        if not spec.stamped:
            continue
        frame = read_table(url, spec.name)
        if frame.empty:
            continue
        for what in ("Created", "Updated"):
            assert frame[f"Date{what}"].notna().all(), spec.name
            assert frame[f"Time{what}"].str.match(_TIME).all(), (
                spec.name,
                frame[f"Time{what}"].head(),
            )
            assert frame[f"User{what}Key"].str.match(_USER_KEY).all(), spec.name
        updated_hours = frame["TimeUpdated"].map(parse_sage_time)
        created_hours = frame["TimeCreated"].map(parse_sage_time)
        assert (updated_hours < 24).all() and (created_hours < 24).all(), spec.name
        later_day = frame["DateUpdated"] > frame["DateCreated"]
        same_day = frame["DateUpdated"] == frame["DateCreated"]
        assert (later_day | (same_day & (updated_hours >= created_hours))).all(), spec.name
        today = as_of.date()
        now_hours = as_of.hour + as_of.minute / 60 + as_of.second / 3600
        before = (frame["DateUpdated"] < today) | (
            (frame["DateUpdated"] == today) & (updated_hours <= now_hours + 1e-9)
        )
        assert before.all(), f"{spec.name} has stamps after as_of"
        hours.extend(updated_hours.tolist())
    return hours


def test_every_table_conforms_to_the_catalogue_on_sqlite(tiny: GenerationReport) -> None:
    assert_widths_codes_and_blanks(tiny.url)


def test_stamps_are_sage_shaped_and_never_after_as_of(tiny: GenerationReport) -> None:
    hours = stamp_hours(tiny.url, AS_OF)
    # Both sides of 10:00, where a string comparison of TimeUpdated goes wrong.
    assert any(h < 10 for h in hours) and any(h >= 10 for h in hours)


def test_keys_blank_filled_per_price_record_kind(tiny_read: Reader) -> None:
    prices = tiny_read("IM_PriceCode")
    blank_parts = {
        "0": ("ItemCode", "ARDivisionNo", "CustomerNo"),
        "1": ("PriceCode", "ARDivisionNo", "CustomerNo"),
        "2": ("PriceCode", "CustomerPriceLevel"),
    }
    for record, columns in blank_parts.items():
        rows = prices[prices["PriceCodeRecord"] == record]
        assert len(rows), f"no price records of kind {record}"
        for column in columns:
            assert (rows[column] == "").all(), (record, column)


def test_dates_are_dates_and_weights_are_strings(tiny_read: Reader) -> None:
    items = tiny_read("CI_Item")
    assert all(isinstance(d, date) for d in items["DateCreated"])
    assert all(isinstance(w, str) for w in items["ShipWeight"])
    regular = items[items["ItemType"] == "1"]
    assert pd.to_numeric(regular["ShipWeight"]).gt(0).all()


def test_postgresql_company_conforms_and_equals_the_sqlite_one(
    tiny: GenerationReport, postgres_schema_url: str
) -> None:
    report = generate(postgres_schema_url, scale="tiny", seed=42, as_of=AS_OF)
    assert report.rows == tiny.rows
    assert "postgresql" in report.url
    assert_widths_codes_and_blanks(postgres_schema_url)
    for spec in TABLES.values():
        key = list(spec.primary_key)
        on_pg = read_table(postgres_schema_url, spec.name).sort_values(key, ignore_index=True)
        on_lite = read_table(tiny.url, spec.name).sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(on_pg, on_lite, check_dtype=False, obj=spec.name)
