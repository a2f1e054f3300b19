"""Small helpers for flow tests: run a flow, read its ledger entry, count platform rows."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from erpsync.config import Settings
from erpsync.state import RunSummary


def run_flow(flow: Any, settings: Settings, **params: Any) -> RunSummary:
    state = flow(**params, return_state=True)
    store = settings.state_store()
    try:
        summary = store.run_summary(str(state.state_details.flow_run_id))
    finally:
        store.close()
    assert summary is not None, f"no ledger entry: {state.message}"
    assert (summary.state == "COMPLETED") == state.is_completed(), (summary.state, state)
    return summary


def by_step(summary: RunSummary) -> dict[int, Any]:
    return {s.step: s for s in summary.steps}


def erp_count(settings: Settings, table: str, where: str = "") -> int:
    engine = sa.create_engine(settings.erp_url)
    with engine.connect() as conn:
        n = conn.execute(sa.text(f"SELECT COUNT(*) FROM {table} {where}")).scalar_one()
    engine.dispose()
    return int(n)


def erp_execute(settings: Settings, sql: str, **params: Any) -> None:
    engine = sa.create_engine(settings.erp_url)
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)
    engine.dispose()


def platform_count(settings: Settings, resource: str) -> int:
    from sandbox.platform.store import PlatformStore

    store = PlatformStore(settings.sandbox_platform_path)
    try:
        return store.count(resource)
    finally:
        store.close()


def ensure_open_invoices(settings: Settings, at_least: int) -> int:
    """Reverse the payments of the latest fully paid invoices until `at_least` invoices are
    open, as a bounced check reopens one; returns how many were reopened.

    How many invoices the generated company still has open depends on the calendar of the
    day it was generated (on 2026-11-30 the tiny company had two): a test that needs some
    must not depend on that.
    """
    engine = sa.create_engine(settings.erp_url)
    with engine.begin() as conn:
        have = conn.execute(
            sa.text("SELECT COUNT(*) FROM AR_OpenInvoice WHERE InvoiceType = 'IN' AND Balance > 1")
        ).scalar_one()
        missing = max(0, at_least - int(have))
        paid = conn.execute(
            sa.text(
                "SELECT InvoiceNo, TransactionAmt FROM AR_TransactionPaymentHistory"
                " WHERE TransactionType = 'P' AND InvoiceType = 'IN' AND TransactionAmt > 1"
                " AND InvoiceNo NOT IN (SELECT InvoiceNo FROM AR_TransactionPaymentHistory"
                "   WHERE TransactionType = 'C')"
                " AND InvoiceNo NOT IN (SELECT InvoiceNo FROM AR_OpenInvoice)"
                " ORDER BY TransactionDate DESC, InvoiceNo DESC LIMIT :n"
            ),
            {"n": missing},
        ).all()
        for invoice_no, amount in paid:
            conn.execute(
                sa.text(
                    "DELETE FROM AR_TransactionPaymentHistory"
                    " WHERE InvoiceNo = :no AND TransactionType = 'P'"
                ),
                {"no": invoice_no},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO AR_OpenInvoice (ARDivisionNo, CustomerNo, InvoiceNo, InvoiceType,"
                    " InvoiceDate, InvoiceDueDate, InvoiceDiscountDate, InvoiceHistoryHeaderSeqNo,"
                    " TermsCode, CustomerPONo, Balance, PaymentsToday, TaxableAmt, SalesTaxAmt,"
                    " FreightAmt, DiscountAmt, DateCreated, TimeCreated, UserCreatedKey,"
                    " DateUpdated, TimeUpdated, UserUpdatedKey)"
                    " SELECT ARDivisionNo, CustomerNo, InvoiceNo, 'IN', InvoiceDate,"
                    " InvoiceDueDate, DiscountDueDate, HeaderSeqNo, TermsCode, CustomerPONo,"
                    " :amount, 0, TaxableSalesAmt, SalesTaxAmt, FreightAmt, 0, DateCreated,"
                    " TimeCreated, UserCreatedKey, DateUpdated, TimeUpdated, UserUpdatedKey"
                    " FROM AR_InvoiceHistoryHeader WHERE InvoiceNo = :no"
                ),
                {"no": invoice_no, "amount": amount},
            )
    engine.dispose()
    assert len(paid) == missing, f"only {len(paid)} paid invoices to reopen, {missing} needed"
    return len(paid)
