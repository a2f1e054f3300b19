"""Streaming, normalisation, key look-ups and the query counter, on every backend."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from connectors.sage100 import TABLES
from erpsync.errors import SchemaMismatch

from .conftest import Company


def test_a_large_table_streams_in_chunks_with_every_row_once(company: Company) -> None:
    company.create("CI_Item")
    codes = [f"ITEM{n:06d}" for n in range(25_000)]
    company.insert("CI_Item", [{"ItemCode": c, "StandardUnitPrice": 1.5} for c in codes])
    reader = company.reader(chunk_size=10_000)
    sizes = []
    seen: list[str] = []
    for frame in reader.read("CI_Item", ["ItemCode", "StandardUnitPrice"]):
        sizes.append(len(frame))
        seen.extend(frame["ItemCode"])
    assert sorted(sizes, reverse=True) == [10_000, 10_000, 5_000]
    assert len(seen) == len(set(seen)) == 25_000
    assert set(seen) == set(codes)
    assert reader.queries == 1
    # a per-call chunk size overrides the reader's
    assert [len(f) for f in reader.read("CI_Item", ["ItemCode"], chunk_size=12_000)] == [
        12_000,
        12_000,
        1_000,
    ]
    assert reader.queries == 2


def test_values_are_normalised_the_same_on_every_driver(company: Company) -> None:
    company.create("CI_Item")
    company.insert(
        "CI_Item",
        [
            {
                "ItemCode": "WIDGET-1  ",
                "ItemCodeDesc": "Blue widget       ",
                "InactiveItem": "N",
                "StandardUnitPrice": 12.25,
                "TotalQuantityOnHand": 3,
                "LastSoldDate": date(2026, 2, 28),
                "DateUpdated": date(2026, 3, 1),
                "TimeUpdated": "14.53333",
            },
            {"ItemCode": "WIDGET-2", "ItemCodeDesc": None, "StandardUnitPrice": None},
        ],
    )
    reader = company.reader()
    columns = [
        "ItemCode",
        "ItemCodeDesc",
        "InactiveItem",
        "StandardUnitPrice",
        "TotalQuantityOnHand",
        "LastSoldDate",
        "DateUpdated",
        "TimeUpdated",
    ]
    frame = pd.concat(list(reader.read("CI_Item", columns)), ignore_index=True)
    frame = frame.sort_values("ItemCode", ignore_index=True)
    assert list(frame.columns) == columns
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["ItemCode"] == "WIDGET-1"
    assert first["ItemCodeDesc"] == "Blue widget"
    assert first["LastSoldDate"] == "2026-02-28"
    assert first["DateUpdated"] == "2026-03-01"
    assert first["TimeUpdated"] == "14.53333"
    assert frame["StandardUnitPrice"].dtype == "float64"
    assert frame["TotalQuantityOnHand"].dtype == "float64"
    assert first["StandardUnitPrice"] == 12.25
    assert first["TotalQuantityOnHand"] == 3.0
    assert pd.isna(second["ItemCodeDesc"])
    assert pd.isna(second["StandardUnitPrice"])
    assert pd.isna(second["LastSoldDate"])


def test_all_columns_by_default_in_catalogue_order(company: Company) -> None:
    company.create("AR_Division")
    company.insert("AR_Division", [{"ARDivisionNo": "01", "DivisionDesc": "East"}])
    reader = company.reader()
    (frame,) = list(reader.read("AR_Division"))
    assert tuple(frame.columns) == TABLES["AR_Division"].column_names
    assert frame.loc[0, "DivisionDesc"] == "East"


def test_an_empty_result_yields_no_frames(company: Company) -> None:
    company.create("AR_Division")
    reader = company.reader()
    assert list(reader.read("AR_Division")) == []
    assert reader.queries == 1


def test_equals_filters_on_key_columns(company: Company) -> None:
    company.create("AR_Customer")
    company.insert(
        "AR_Customer",
        [
            {"ARDivisionNo": div, "CustomerNo": f"C{n:04d}", "CustomerName": f"Cust {n}"}
            for div in ("01", "02")
            for n in range(5)
        ],
    )
    reader = company.reader()
    frames = list(
        reader.read("AR_Customer", ["ARDivisionNo", "CustomerNo"], equals={"ARDivisionNo": "02"})
    )
    got = pd.concat(frames)
    assert set(got["ARDivisionNo"]) == {"02"}
    assert len(got) == 5
    one = list(
        reader.read(
            "AR_Customer",
            ["CustomerName"],
            equals={"ARDivisionNo": "01", "CustomerNo": "C0003"},
        )
    )
    assert [list(f["CustomerName"]) for f in one] == [["Cust 3"]]


def test_read_keys_single_column_in_batches(company: Company) -> None:
    company.create("CI_Item")
    company.insert(
        "CI_Item", [{"ItemCode": f"I{n:05d}", "ItemCodeDesc": f"d{n}"} for n in range(1_000)]
    )
    reader = company.reader()
    wanted = [(f"I{n:05d}",) for n in range(0, 1_000, 2)]  # 500 keys
    missing = [("NOPE-1",), ("NOPE-2",)]
    before = reader.queries
    frames = list(
        reader.read_keys("CI_Item", ["ItemCodeDesc"], ["ItemCode"], wanted + missing, batch=200)
    )
    got = pd.concat(frames, ignore_index=True)
    assert list(got.columns) == ["ItemCodeDesc"]
    assert sorted(got["ItemCodeDesc"]) == sorted(f"d{n}" for n in range(0, 1_000, 2))
    assert reader.queries - before == math.ceil(502 / 200)


def test_read_keys_composite_uses_equality_then_in(company: Company) -> None:
    company.create("AR_Customer")
    rows = [
        {"ARDivisionNo": div, "CustomerNo": f"C{n:04d}", "CustomerName": f"{div}-{n}"}
        for div, count in (("01", 300), ("02", 120))
        for n in range(count)
    ]
    company.insert("AR_Customer", rows)
    reader = company.reader()
    wanted = [("01", f"C{n:04d}") for n in range(0, 300, 2)] + [
        ("02", f"C{n:04d}") for n in range(0, 120, 3)
    ]
    # ("02", "C0299") exists only in division 01: a wrong pairing must not match
    frames = list(
        reader.read_keys(
            "AR_Customer",
            ["CustomerName"],
            ["ARDivisionNo", "CustomerNo"],
            [*wanted, ("02", "C0299")],
            batch=100,
        )
    )
    got = pd.concat(frames, ignore_index=True)
    assert sorted(got["CustomerName"]) == sorted(f"{d}-{int(c[1:])}" for d, c in wanted)
    # division 01: 150 keys -> 2 batches; division 02: 41 keys -> 1 batch
    assert reader.queries == 3


def test_read_keys_composite_filters_the_rest_in_pandas(company: Company) -> None:
    company.create("SO_ShipToAddress")
    company.insert(
        "SO_ShipToAddress",
        [
            {
                "ARDivisionNo": "01",
                "CustomerNo": f"C{n:04d}",
                "ShipToCode": code,
                "ShipToName": f"{n}/{code}",
            }
            for n in range(250)
            for code in ("0001", "0002", "0003")
        ],
    )
    reader = company.reader()
    keys = [("01", f"C{n:04d}", "0002") for n in range(250)]
    frames = list(
        reader.read_keys(
            "SO_ShipToAddress",
            None,
            ["ARDivisionNo", "CustomerNo", "ShipToCode"],
            keys,
            batch=100,
        )
    )
    got = pd.concat(frames, ignore_index=True)
    assert tuple(got.columns) == TABLES["SO_ShipToAddress"].column_names
    assert len(got) == 250
    assert set(got["ShipToCode"]) == {"0002"}
    assert sorted(got["ShipToName"]) == sorted(f"{n}/0002" for n in range(250))
    # one equality group per customer would be 250 queries; IN on CustomerNo needs 3
    assert reader.queries == 3


def test_read_keys_rejects_a_key_of_the_wrong_width(company: Company) -> None:
    company.create("AR_Customer")
    reader = company.reader()
    with pytest.raises(ValueError, match=r"AR_Customer.*'01'"):
        reader.read_keys("AR_Customer", None, ["ARDivisionNo", "CustomerNo"], [("01",)])
    assert list(reader.read_keys("AR_Customer", None, ["CustomerNo"], [])) == []
    assert reader.queries == 0


def test_unknown_table_or_column_is_named(company: Company) -> None:
    reader = company.reader()
    with pytest.raises(ValueError, match="AR_Nothing"):
        reader.read("AR_Nothing")  # not a table erpsync knows
    with pytest.raises(SchemaMismatch, match="the company has no table CI_Item"):
        reader.read("CI_Item", ["ItemCode"])
    company.create("CI_Item")
    with pytest.raises(SchemaMismatch, match="the company's CI_Item has no column Colour"):
        reader.read("CI_Item", ["ItemCode", "Colour"])


def test_at_least_keeps_rows_from_a_date_on(company: Company) -> None:
    company.create("AR_InvoiceHistoryHeader")
    company.insert(
        "AR_InvoiceHistoryHeader",
        [
            {"InvoiceNo": f"{n:07d}", "HeaderSeqNo": "000000", "InvoiceDate": day}
            for n, day in enumerate([date(2022, 12, 31), date(2023, 1, 1), date(2025, 6, 1)])
        ],
    )
    reader = company.reader()
    frames = list(
        reader.read(
            "AR_InvoiceHistoryHeader",
            ["InvoiceNo", "InvoiceDate"],
            at_least={"InvoiceDate": date(2023, 1, 1)},
        )
    )
    got = pd.concat(frames)
    assert sorted(got["InvoiceDate"]) == ["2023-01-01", "2025-06-01"]


def test_key_order_reads_in_a_sage_key_order(company: Company) -> None:
    """The seed reads invoices by customer so that each chunk's payments (keyed by
    customer) are read once, not once per chunk."""
    company.create("AR_InvoiceHistoryHeader")
    customers = ["0000300", "0000100", "0000200", "0000100", "0000300", "0000200"]
    company.insert(
        "AR_InvoiceHistoryHeader",
        [
            {
                "InvoiceNo": f"{n:07d}",
                "HeaderSeqNo": "000000",
                "ARDivisionNo": "00",
                "CustomerNo": c,
                "InvoiceDate": date(2025, 1, 1),
            }
            for n, c in enumerate(customers)
        ],
    )
    reader = company.reader(chunk_size=4)
    cols = ["InvoiceNo", "CustomerNo"]
    frames = list(reader.read("AR_InvoiceHistoryHeader", cols, key_order="KCUSTOMER"))
    got = pd.concat(frames)
    assert [len(f) for f in frames] == [4, 2]
    assert list(zip(got["CustomerNo"], got["InvoiceNo"], strict=True)) == [
        ("0000100", "0000001"),
        ("0000100", "0000003"),
        ("0000200", "0000002"),
        ("0000200", "0000005"),
        ("0000300", "0000000"),
        ("0000300", "0000004"),
    ]
    with pytest.raises(ValueError, match=r"no key .KNOPE.*KCUSTOMER"):
        list(reader.read("AR_InvoiceHistoryHeader", cols, key_order="KNOPE"))
