"""A run killed between the BOI's write() and the linkage commit, with no platform-id UDF
configured, converges on the next run: no doubled order, receipt or customer.

The kill is a KeyboardInterrupt (what Ctrl-C or SIGINT raises) from the StateStore call
that would have recorded what the write did, in a real flow run: Sage has the record, the
state has only the write intent, the platform record is still `inprocess`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from connectors.platform.client import PlatformClient
from erpsync.config import Settings
from erpsync.state import StateStore
from erpsync.state.intents import DONE, RESERVED, WriteIntent
from flows import incremental_sync, initial_seed
from sandbox.platform import issue_token
from sandbox.platform.simulate import simulate_platform
from tests.flows.conftest import Project
from tests.flows.helpers import by_step, ensure_open_invoices, erp_count, run_flow


def _user(project: Project) -> SecretStr:
    return SecretStr(issue_token(project.settings.sandbox_platform_path, "shop", role="user"))


def _get(project: Project, resource: str, pid: int) -> dict[str, Any]:
    with PlatformClient(project.platform_url, SecretStr(project.token)) as client:
        found = client.get(resource, pid)
    assert found is not None
    return found


def _rows(settings: Settings, sql: str, **params: Any) -> list[Any]:
    engine = sa.create_engine(settings.erp_url)
    with engine.connect() as conn:
        rows = list(conn.execute(sa.text(sql), params))
    engine.dispose()
    return rows


def _intent(settings: Settings, entity: str, pid: int) -> WriteIntent:
    store = settings.state_store()
    try:
        return store.write_intents(entity, [str(pid)])[str(pid)]
    finally:
        store.close()


def _kill_at(
    monkeypatch: pytest.MonkeyPatch, method: str, entity: str, *, after: bool = False
) -> list[str]:
    """The first StateStore.<method> call for `entity` with rows to record kills the run:
    before it records them, or `after` it has."""
    original: Callable[..., Any] = getattr(StateStore, method)
    killed: list[str] = []

    def dying(self: StateStore, name: str, *args: Any) -> Any:
        rows = list(args[-1])
        if name != entity or not rows or killed:
            return original(self, name, *args[:-1], rows)
        killed.append(name)
        if after:
            original(self, name, *args[:-1], rows)
        raise KeyboardInterrupt(f"killed at {method}({entity})")

    monkeypatch.setattr(StateStore, method, dying)
    return killed


def _run_killed(settings: Settings, killed: list[str]) -> None:
    with pytest.raises(KeyboardInterrupt):
        incremental_sync()
    # A run torn down from outside silences logging (flows/runner.py): this process lives on.
    logging.disable(logging.NOTSET)
    assert killed, "the run was not killed where the test meant to"
    store = settings.state_store()
    (last,) = store.recent_runs(limit=1)
    store.close()
    assert last.state == "CRASHED"


def _orders(settings: Settings, po: str) -> tuple[list[Any], list[Any]]:
    """The Sage orders of a web order, by its (unique, simulated) PO number."""
    sql = "SELECT SalesOrderNo, UDF_PLATFORM_ORDER_ID FROM {} WHERE CustomerPONo = :po"
    return (
        _rows(settings, sql.format("SO_SalesOrderHeader"), po=po),
        _rows(settings, sql.format("SO_SalesOrderHistoryHeader"), po=po),
    )


@pytest.mark.parametrize("udf", ["", "UDF_PLATFORM_ORDER_ID"])
def test_an_order_sage_took_before_the_run_was_killed_is_linked_not_entered_again(
    project: Project, monkeypatch: pytest.MonkeyPatch, udf: str
) -> None:
    monkeypatch.setenv("ERPSYNC_ORDERS__PLATFORM_ID_UDF", udf)
    settings = project.reload()
    run_flow(initial_seed, settings)
    changes = simulate_platform(project.platform_url, _user(project), orders=1, seed=31)
    (pid,) = changes.valid["sales_orders"]
    po = _get(project, "sales_orders", pid)["customer_po_no"]
    orders_before = erp_count(settings, "SO_SalesOrderHistoryHeader")

    _run_killed(settings, _kill_at(monkeypatch, "link_uploads", "sales_orders"))
    header, history = _orders(settings, po)
    assert len(header) == len(history) == 1  # Sage took it ...
    assert _get(project, "sales_orders", pid)["erp_status"] == "inprocess"  # ... nobody knows
    intent = _intent(settings, "sales_orders", pid)
    assert (intent.state, intent.erp_key) == (RESERVED, header[0].SalesOrderNo)

    run = by_step(run_flow(incremental_sync, settings))
    assert _orders(settings, po) == (header, history)
    assert erp_count(settings, "SO_SalesOrderHistoryHeader") == orders_before + 1
    rec = _get(project, "sales_orders", pid)
    assert rec["erp_status"] == "synced" and rec["order_no"] == intent.erp_key
    assert (run[21].written, run[21].unchanged, run[21].failed) == (0, 1, 0)
    assert _intent(settings, "sales_orders", pid).state == DONE
    # The UDF is written only when the configuration names it.
    assert (header[0].UDF_PLATFORM_ORDER_ID or "") == (str(pid) if udf else "")
    again = by_step(run_flow(incremental_sync, settings))
    assert again[21].read == 0 and len(_orders(settings, po)[1]) == 1


def test_an_order_whose_run_died_before_the_write_gets_its_reserved_number(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = project.settings
    run_flow(initial_seed, settings)
    changes = simulate_platform(project.platform_url, _user(project), orders=1, seed=33)
    (pid,) = changes.valid["sales_orders"]
    po = _get(project, "sales_orders", pid)["customer_po_no"]

    _run_killed(settings, _kill_at(monkeypatch, "record_intents", "sales_orders", after=True))
    assert _orders(settings, po) == ([], [])
    reserved = _intent(settings, "sales_orders", pid).erp_key
    # Meanwhile a Sage user enters an order: Sage's counter has handed out the reserved
    # number, so theirs gets the next one (the sandbox's counter does not persist).
    _enter_order(settings, f"{int(reserved) + 1:07d}", _get(project, "sales_orders", pid))

    run = by_step(run_flow(incremental_sync, settings))
    header, history = _orders(settings, po)
    assert [r.SalesOrderNo for r in header] == [r.SalesOrderNo for r in history] == [reserved]
    assert run[21].written == 1
    assert _get(project, "sales_orders", pid)["order_no"] == reserved


def _enter_order(settings: Settings, number: str, like: dict[str, Any]) -> None:
    from sandbox.sage100.boi import open_session

    session = open_session(settings.erp_url)
    bus: Any = session.new_object("SO_SalesOrder_bus")
    bus.set_key_value("SalesOrderNo$", number)
    assert bus.set_key() == 2, bus.last_error_message
    division, customer = like["customer_no"].split("-")
    bus.set_value("ARDivisionNo$", division)
    bus.set_value("CustomerNo$", customer)
    line = like["lines"][0]
    bus.lines.add_line()
    bus.lines.set_value("ItemCode$", line["item_number"])
    bus.lines.set_value("QuantityOrdered", 1)
    bus.lines.write()
    assert bus.write() in (1, -1), bus.last_error_message
    session.close()


def _post_receipts(settings: Settings) -> None:
    """Sage's cash receipts posting, as far as the look-up sees it: each unposted receipt
    becomes a payment in AR_TransactionPaymentHistory and lowers its invoice's balance."""
    engine = sa.create_engine(settings.erp_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO AR_TransactionPaymentHistory (ARDivisionNo, CustomerNo, InvoiceNo,"
                " InvoiceType, TransactionDate, SequenceNo, TransactionType, TransactionAmt,"
                " PaymentDate, CheckNo, PaymentReference, PaymentType, DepositNo, DateUpdated,"
                " TimeUpdated)"
                " SELECT d.ARDivisionNo, d.CustomerNo, d.InvoiceNo, d.InvoiceType,"
                " h.TransactionDate, '999999', 'P', d.AmountPosted, h.TransactionDate, h.CheckNo,"
                " h.CheckNo, h.PaymentType, h.DepositNo, h.DateUpdated, h.TimeUpdated"
                " FROM AR_CashReceiptsDetail d JOIN AR_CashReceiptsHeader h"
                " ON h.DepositNo = d.DepositNo AND h.ARDivisionNo = d.ARDivisionNo"
                " AND h.CustomerNo = d.CustomerNo AND h.CheckNo = d.CheckNo"
            )
        )
        conn.execute(
            sa.text(
                "UPDATE AR_OpenInvoice SET Balance = Balance - PaymentsToday, PaymentsToday = 0"
                " WHERE PaymentsToday <> 0"
            )
        )
        for name in ("AR_CashReceiptsDetail", "AR_CashReceiptsHeader", "AR_CashReceiptsDeposit"):
            conn.execute(sa.text(f"DELETE FROM {name}"))
    engine.dispose()


@pytest.mark.parametrize("posted", [False, True], ids=["unposted", "posted"])
def test_a_receipt_entered_before_the_run_was_killed_is_not_entered_again(
    project: Project, monkeypatch: pytest.MonkeyPatch, posted: bool
) -> None:
    settings = project.settings
    ensure_open_invoices(settings, 1)
    run_flow(initial_seed, settings)
    paid = simulate_platform(project.platform_url, _user(project), payments=1, seed=32)
    (pid,) = paid.valid["payments"]
    payment = _get(project, "payments", pid)
    division, customer = payment["customer_no"].split("-")
    key = (settings.payments.deposit_no, division, customer, payment["reference"])
    receipts = (
        "SELECT PostingAmt, UDF_PLATFORM_PAYMENT_ID FROM AR_CashReceiptsHeader WHERE"
        " DepositNo = :d AND ARDivisionNo = :a AND CustomerNo = :c AND CheckNo = :n"
    )
    payments = (
        "SELECT TransactionAmt FROM AR_TransactionPaymentHistory WHERE TransactionType = 'P'"
        " AND DepositNo = :d AND ARDivisionNo = :a AND CustomerNo = :c AND CheckNo = :n"
    )
    where = dict(zip("dacn", key, strict=True))

    _run_killed(settings, _kill_at(monkeypatch, "link_uploads", "payments"))
    (receipt,) = _rows(settings, receipts, **where)
    assert receipt.PostingAmt == payment["amount"] and not receipt.UDF_PLATFORM_PAYMENT_ID
    assert _get(project, "payments", pid)["erp_status"] == "inprocess"
    assert _intent(settings, "payments", pid).erp_key == "|".join(key)
    if posted:
        _post_receipts(settings)

    run = by_step(run_flow(incremental_sync, settings))
    entered = (len(_rows(settings, receipts, **where)), len(_rows(settings, payments, **where)))
    assert entered == ((0, 1) if posted else (1, 0))
    assert erp_count(settings, "AR_CashReceiptsDetail") == (0 if posted else 1)
    rec = _get(project, "payments", pid)
    assert rec["erp_status"] == "synced" and rec["payment_no"] == "|".join(key)
    assert (run[23].written, run[23].unchanged, run[23].failed) == (0, 1, 0)
    assert _intent(settings, "payments", pid).state == DONE


def test_a_customer_created_before_the_run_was_killed_is_not_created_twice(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = project.settings
    run_flow(initial_seed, settings)
    changes = simulate_platform(project.platform_url, _user(project), customers=1, seed=34)
    (pid,) = changes.valid["customers"]
    name = _get(project, "customers", pid)["name"]
    customers_before = erp_count(settings, "AR_Customer")
    named = (
        "SELECT ARDivisionNo, CustomerNo, UDF_PLATFORM_ID FROM AR_Customer WHERE CustomerName = :n"
    )

    _run_killed(settings, _kill_at(monkeypatch, "link_uploads", "customers"))
    (row,) = _rows(settings, named, n=name)
    assert _get(project, "customers", pid)["erp_status"] == "inprocess"
    intent = _intent(settings, "customers", pid)
    assert (intent.state, intent.erp_key) == (RESERVED, f"{row.ARDivisionNo}|{row.CustomerNo}")

    run = by_step(run_flow(incremental_sync, settings))
    assert _rows(settings, named, n=name) == [row] and not row.UDF_PLATFORM_ID
    assert erp_count(settings, "AR_Customer") == customers_before + 1
    rec = _get(project, "customers", pid)
    assert rec["erp_status"] == "synced"
    assert rec["customer_no"] == f"{row.ARDivisionNo}-{row.CustomerNo}"
    assert (run[13].written, run[13].failed) == (1, 0)  # linked, with the ERP's view back
    assert _intent(settings, "customers", pid).state == DONE
    again = run_flow(incremental_sync, settings)
    assert sum(s.written for s in again.steps) == 0, [s.as_json() for s in again.steps]
