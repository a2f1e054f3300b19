"""Payments, open invoices and the customer balances they add up to.

Each invoice is paid in full some days after it falls due (late for a few, and for
customers on credit hold). Posted cash goes to AR_TransactionPaymentHistory (TransactionType
P; an applied credit memo is a C row); what is still unpaid on as_of stays in
AR_OpenInvoice, aged into the customer's CurrentBalance and AgingCategory1-4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.sage100.catalog import CustomerCatalog
from sandbox.sage100.common import DAY, SECOND, Frame, business_seconds, stamp_columns, text
from sandbox.sage100.invoices import Receivables
from sandbox.sage100.orders import OrderChunk

__all__ = ["CustomerTotals", "pay_days", "settle"]

_NAT = np.datetime64("NaT", "D")


def pay_days(rng: np.random.Generator, rec: Receivables, hold: np.ndarray) -> np.ndarray:
    """When each invoice is paid: around its due date, late for slow payers."""
    n = len(rec.day)
    delay = np.rint(rng.normal(4, 8, n)).astype(np.int64)
    late = (rng.random(n) < 0.005) * rng.integers(60, 200, n) + hold * rng.integers(30, 120, n)
    return np.maximum(rec.due + (delay + late) * DAY, rec.day)


@dataclass
class CustomerTotals:
    """Running per-customer figures (cents and day numbers), indexed like the catalogue."""

    aging: np.ndarray  # (n, 5): current, 1-30, 31-60, 61-90, over 90 days past due
    last_pay_day: np.ndarray
    last_pay_cents: np.ndarray
    last_activity: np.ndarray
    highest: np.ndarray
    open_orders: np.ndarray

    @classmethod
    def empty(cls, n: int) -> CustomerTotals:
        never = np.full(n, -1, dtype=np.int64)
        zero = np.zeros(n, dtype=np.int64)
        return cls(
            np.zeros((n, 5), dtype=np.int64),
            never,
            zero.copy(),
            never.copy(),
            zero.copy(),
            zero.copy(),
        )

    def add_open_orders(self, chunk: OrderChunk) -> None:
        open_ = (chunk.open_status != "") & np.isin(chunk.header["OrderType"], ["S", "B"])
        amount = chunk.taxable_cents + chunk.nontaxable_cents
        np.add.at(self.open_orders, chunk.customer[open_], amount[open_])

    def record_payments(self, customer: np.ndarray, day: np.ndarray, cents: np.ndarray) -> None:
        order = np.lexsort((day, customer))
        last = np.r_[customer[order][1:] != customer[order][:-1], True]
        who, when, amount = customer[order][last], day[order][last], cents[order][last]
        newer = when >= self.last_pay_day[who]
        self.last_pay_day[who[newer]] = when[newer]
        self.last_pay_cents[who[newer]] = amount[newer]

    def frame(self, customers: CustomerCatalog) -> Frame:
        """The AR_Customer balance columns, keyed by ARDivisionNo + CustomerNo."""
        epoch = np.datetime64(0, "D")

        def day(values: np.ndarray) -> np.ndarray:
            return np.where(values >= 0, epoch + values * DAY, _NAT)

        balance = self.aging.sum(axis=1)
        return {
            "ARDivisionNo": customers.division,
            "CustomerNo": customers.number,
            "CurrentBalance": self.aging[:, 0] / 100,
            **{f"AgingCategory{k}": self.aging[:, k] / 100 for k in range(1, 5)},
            "LastPaymentAmt": self.last_pay_cents / 100,
            "DateLastPayment": day(self.last_pay_day),
            "DateLastActivity": day(self.last_activity),
            "HighestStmntBalance": np.maximum(self.highest, balance) / 100,
            "OpenOrderAmt": self.open_orders / 100,
        }


def settle(
    rng: np.random.Generator,
    rec: Receivables,
    paid_on: np.ndarray,
    credit: np.ndarray,
    credit_day: np.ndarray,
    credit_no: np.ndarray,
    customers: CustomerCatalog,
    totals: CustomerTotals,
    first_day: np.datetime64,
    as_of: np.datetime64,
) -> tuple[Frame, Frame]:
    """(AR_TransactionPaymentHistory, AR_OpenInvoice) rows for invoices `rec`.

    `credit` is the credit memo (cents) applied to each invoice on `credit_day`, 0 if none.
    """
    today = as_of.astype("datetime64[D]")
    cust = rec.customer
    owed = rec.total_cents - credit
    paid = paid_on < today
    has_credit = credit > 0
    c_rows, p_rows = np.nonzero(has_credit)[0], np.nonzero(paid)[0]
    rows = np.r_[c_rows, p_rows]
    m = len(rows)
    is_payment = np.r_[np.zeros(len(c_rows), bool), np.ones(len(p_rows), bool)]
    when = np.where(is_payment, paid_on[rows], credit_day[rows])
    payment_type = customers.payment_type[cust[rows]]
    deposit = ((when - first_day) // DAY + 1) % 100_000
    check = rng.integers(1_000, 99_999, m).astype(str).astype(object)
    history: Frame = {
        "ARDivisionNo": customers.division[cust[rows]],
        "CustomerNo": customers.number[cust[rows]],
        "InvoiceNo": rec.invoice_no[rows],
        "InvoiceType": text(m, "IN"),
        "TransactionDate": when,
        "SequenceNo": np.where(is_payment & has_credit[rows], "000002", "000001").astype(object),
        "TransactionType": np.where(is_payment, "P", "C").astype(object),
        "TransactionAmt": np.where(is_payment, owed[rows], credit[rows]) / 100,
        "PaymentDate": np.where(is_payment, when, _NAT),
        "CheckNo": np.where(is_payment, check, "").astype(object),
        "PaymentReference": np.where(
            is_payment, np.where(payment_type == "CHECK", "Remittance", ""), "CM " + credit_no[rows]
        ).astype(object),
        "PaymentType": np.where(is_payment, payment_type, "").astype(object),
        "DepositNo": np.where(is_payment, [f"{d:05d}" for d in deposit], "").astype(object),
    }
    posted = np.minimum(when + business_seconds(rng, m) * SECOND, as_of)
    history |= stamp_columns(rng, posted)
    unpaid = np.nonzero(~paid)[0]
    k = len(unpaid)
    changed = np.where(
        has_credit[unpaid], credit_day[unpaid] + 14 * 3600 * SECOND, rec.created[unpaid]
    )
    open_invoices: Frame = {
        "ARDivisionNo": customers.division[cust[unpaid]],
        "CustomerNo": customers.number[cust[unpaid]],
        "InvoiceNo": rec.invoice_no[unpaid],
        "InvoiceType": text(k, "IN"),
        "InvoiceDate": rec.day[unpaid],
        "InvoiceDueDate": rec.due[unpaid],
        "InvoiceDiscountDate": rec.discount_due[unpaid],
        "InvoiceHistoryHeaderSeqNo": text(k, "000000"),
        "TermsCode": rec.terms[unpaid],
        "CustomerPONo": rec.po[unpaid],
        "Balance": owed[unpaid] / 100,
        "PaymentsToday": np.zeros(k),
        "TaxableAmt": rec.taxable_cents[unpaid] / 100,
        "SalesTaxAmt": rec.tax_cents[unpaid] / 100,
        "FreightAmt": rec.freight_cents[unpaid] / 100,
        "DiscountAmt": np.zeros(k),
    }
    open_invoices |= stamp_columns(rng, rec.created[unpaid], np.minimum(changed, as_of))
    _accumulate(totals, rec, owed, paid, paid_on, today)
    return history, open_invoices


def _accumulate(
    totals: CustomerTotals,
    rec: Receivables,
    owed: np.ndarray,
    paid: np.ndarray,
    paid_on: np.ndarray,
    today: np.datetime64,
) -> None:
    epoch = np.datetime64(0, "D")
    cust = rec.customer
    past_due = (today - rec.due).astype("timedelta64[D]").astype(np.int64)
    bucket = np.digitize(past_due, [1, 31, 61, 91])
    np.add.at(totals.aging, (cust[~paid], bucket[~paid]), owed[~paid])
    np.maximum.at(totals.highest, cust, rec.total_cents)
    activity = np.where(paid, np.maximum(paid_on, rec.day), rec.day)
    np.maximum.at(totals.last_activity, cust, (activity - epoch) // DAY)
    if paid.any():
        totals.record_payments(cust[paid], (paid_on[paid] - epoch) // DAY, owed[paid])
