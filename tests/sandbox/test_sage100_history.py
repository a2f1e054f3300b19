"""Sales orders, invoices and receivables: four years of history that adds up."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from tests.sandbox.conftest import AS_OF, Reader

TODAY = AS_OF.date()


def _line_totals(lines: pd.DataFrame, key: str, column: str = "ExtensionAmt") -> pd.Series:
    return lines.groupby(key)[column].sum()


def test_history_spans_four_full_years(tiny_read: Reader, small_read: Reader) -> None:
    for read in (tiny_read, small_read):
        dates = read("SO_SalesOrderHistoryHeader")["OrderDate"]
        four_years_back = date(TODAY.year - 4, TODAY.month, TODAY.day)
        assert min(dates) <= four_years_back
        assert max(dates) < TODAY and max(dates) >= TODAY - timedelta(days=7)


def test_order_statuses_and_lines_are_realistic(small_read: Reader) -> None:
    orders = small_read("SO_SalesOrderHistoryHeader")
    share = orders["OrderStatus"].value_counts(normalize=True)
    assert 0.94 <= share["C"] <= 0.99
    assert 0.003 <= share["X"] <= 0.02
    assert 0.005 <= share["A"] <= 0.04
    assert share["Q"] > 0
    assert (orders["UDF_SEND_TO_SERVICE_PRO"] == "N").any()
    lines = small_read("SO_SalesOrderHistoryDetail")
    per_order = lines.groupby("SalesOrderNo").size()
    assert 4.5 <= per_order.mean() <= 5.5 and per_order.min() >= 1 and per_order.max() <= 12
    assert len(per_order) == len(orders)
    assert (lines["ItemType"] == "1").mean() > 0.9
    comments = lines[lines["ItemType"] == "4"]
    assert len(comments) and comments["CommentText"].ne("").all()
    amounts = ["QuantityOrderedOriginal", "QuantityOrderedRevised", "LastUnitPrice"]
    assert comments[[*amounts, "LastExtensionAmt"]].eq(0).all().all()
    assert set(lines["ItemType"]) == {"1", "3", "4", "5"}
    # History lines are keyed by SequenceNo, in entry order
    first = (
        lines.sort_values(["SalesOrderNo", "SequenceNo"]).groupby("SalesOrderNo")["LineKey"].first()
    )
    assert (first == "000001").all()
    assert (lines["QuantityOrderedOriginal"] == lines["QuantityOrderedRevised"]).all()


def test_order_headers_agree_with_their_lines_and_tax_rate(small_read: Reader) -> None:
    orders = small_read("SO_SalesOrderHistoryHeader").set_index("SalesOrderNo")
    totals = _line_totals(
        small_read("SO_SalesOrderHistoryDetail"), "SalesOrderNo", "LastExtensionAmt"
    )
    gap = (orders["TaxableAmt"] + orders["NonTaxableAmt"] - totals.loc[orders.index]).abs()
    assert gap.max() < 0.005
    schedules = small_read("SY_SalesTaxScheduleDetail")
    primary = schedules[schedules["ScheduleSeqNo"] == "000001"].set_index("TaxSchedule")["TaxCode"]
    rates = small_read("SY_SalesTaxCodeDetail")
    tx_rate = rates[rates["TaxClass"] == "TX"].set_index("TaxCode")["TaxRate"]
    rate = orders["TaxSchedule"].map(primary).map(tx_rate)
    expected = (orders["TaxableAmt"] * rate / 100).round(2)
    assert (orders["SalesTaxAmt"] - expected).abs().max() < 0.011
    assert orders["SalesTaxAmt"].gt(0).any() and orders["FreightAmt"].gt(0).any()


def test_open_orders_live_in_the_order_tables(small_read: Reader) -> None:
    history = small_read("SO_SalesOrderHistoryHeader").set_index("SalesOrderNo")
    current = small_read("SO_SalesOrderHeader").set_index("SalesOrderNo")
    assert set(current["OrderStatus"]) <= {"N", "O", "H"}
    assert {"S", "B", "Q", "M", "R", "P"} <= set(current["OrderType"])
    assert set(history.loc[current.index, "OrderStatus"]) <= {"A", "Q"}
    assert set(history.index[history["OrderStatus"].isin(["A", "Q"])]) == set(current.index)
    lines = small_read("SO_SalesOrderDetail")
    assert set(lines["SalesOrderNo"]) == set(current.index)
    old_lines = small_read("SO_SalesOrderHistoryDetail")
    same = old_lines[old_lines["SalesOrderNo"].isin(current.index)]
    key = ["SalesOrderNo", "LineKey"]
    # the same lines, in the history's layout
    as_history = lines.rename(
        columns={"LineSeqNo": "SequenceNo", "QuantityOrdered": "QuantityOrderedRevised",
                 "UnitPrice": "LastUnitPrice", "ExtensionAmt": "LastExtensionAmt"}
    )  # fmt: skip
    shared = [c for c in as_history.columns if c in same.columns]
    pd.testing.assert_frame_equal(
        as_history[shared].sort_values(key, ignore_index=True),
        same[shared].sort_values(key, ignore_index=True),
    )


def test_completed_orders_become_invoices_that_add_up(small_read: Reader) -> None:
    orders = small_read("SO_SalesOrderHistoryHeader")
    invoices = small_read("AR_InvoiceHistoryHeader")
    detail = small_read("AR_InvoiceHistoryDetail")
    so = invoices[(invoices["ModuleCode"] == "S/O") & (invoices["InvoiceType"] == "IN")]
    completed = orders[orders["OrderStatus"] == "C"]
    assert sorted(so["SalesOrderNo"]) == sorted(completed["SalesOrderNo"])
    by_order = completed.set_index("SalesOrderNo")
    assert (
        so.set_index("SalesOrderNo")["InvoiceNo"]
        == by_order.loc[so["SalesOrderNo"], "LastInvoiceNo"]
    ).all()
    assert (so["ShipDate"] >= so["OrderDate"]).all() and (so["HeaderSeqNo"] == "000000").all()
    totals = _line_totals(detail, "InvoiceNo")
    head = invoices.set_index("InvoiceNo")
    gap = (head["TaxableSalesAmt"] + head["NonTaxableSalesAmt"] - totals.loc[head.index]).abs()
    assert gap.max() < 0.005
    applied = detail.merge(so[["InvoiceNo", "SalesOrderNo"]], on="InvoiceNo")
    assert (applied["AppliedSalesOrderNo"] == applied["SalesOrderNo"]).all()


def test_credit_memos_and_ar_invoices(small_read: Reader) -> None:
    invoices = small_read("AR_InvoiceHistoryHeader")
    memos = invoices[invoices["InvoiceType"] == "CM"]
    assert 0 < len(memos) < len(invoices) * 0.03
    originals = invoices.set_index("InvoiceNo").loc[memos["ApplyToInvoiceNo"]]
    assert (originals["InvoiceType"] == "IN").all()
    assert (originals["CustomerNo"].to_numpy() == memos["CustomerNo"].to_numpy()).all()
    assert (memos["InvoiceDate"].to_numpy() > originals["InvoiceDate"].to_numpy()).all()
    ar_only = invoices[invoices["ModuleCode"] == "A/R"]
    assert (
        len(ar_only)
        and (ar_only["SalesOrderNo"] == "").all()
        and (ar_only["InvoiceType"] == "IN").all()
    )
    # Some older rows were edited after they were entered.
    assert (invoices["DateUpdated"] > invoices["DateCreated"]).any()


def test_receivables_reconcile(small_read: Reader) -> None:
    invoices = small_read("AR_InvoiceHistoryHeader").set_index("InvoiceNo")
    open_ = small_read("AR_OpenInvoice")
    paid = small_read("AR_TransactionPaymentHistory")
    assert open_["Balance"].gt(0).all()
    assert set(open_["InvoiceNo"]) <= set(invoices.index[invoices["InvoiceType"] == "IN"])
    age = open_["InvoiceDate"].map(lambda d: (TODAY - d).days)
    assert age.median() <= 60 and (age <= 90).mean() >= 0.75
    payments = paid[paid["TransactionType"] == "P"]
    assert not set(payments["InvoiceNo"]) & set(open_["InvoiceNo"])
    in_invoices = invoices[invoices["InvoiceType"] == "IN"]
    assert set(payments["InvoiceNo"]) | set(open_["InvoiceNo"]) == set(in_invoices.index)
    total = in_invoices[["TaxableSalesAmt", "NonTaxableSalesAmt", "SalesTaxAmt", "FreightAmt"]].sum(
        axis=1
    )
    credits = paid[paid["TransactionType"] == "C"].groupby("InvoiceNo")["TransactionAmt"].sum()
    owed = total.sub(credits, fill_value=0)
    assert np.allclose(
        payments.set_index("InvoiceNo")["TransactionAmt"],
        owed.loc[payments["InvoiceNo"]],
        atol=0.005,
    )
    assert np.allclose(
        open_.set_index("InvoiceNo")["Balance"], owed.loc[open_["InvoiceNo"]], atol=0.005
    )
    customers = small_read("AR_Customer").set_index(["ARDivisionNo", "CustomerNo"])
    balance = customers[["CurrentBalance", *(f"AgingCategory{k}" for k in range(1, 5))]].sum(axis=1)
    expected = open_.groupby(["ARDivisionNo", "CustomerNo"])["Balance"].sum()
    assert np.allclose(balance.loc[expected.index], expected, atol=0.01)
    assert balance.drop(expected.index).eq(0).all()
    assert customers["AgingCategory1"].gt(0).any()
