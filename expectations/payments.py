"""The suite for invoice payments going into AR_CashReceiptsHeader/AR_CashReceiptsDetail."""

from __future__ import annotations

from expectations.checks import Check, Suite, When, catalogue_checks, required
from expectations.common import code_exists, customer_checks, unique_key
from expectations.derived import applied_to_invoice, customer_invoice, date_derived, open_balance
from expectations.reference import ReferenceCodes
from expectations.rules import AtLeast, Between, InSet, NotMissing

__all__ = ["PAYMENT_COLUMNS", "payment_suite"]

PAYMENT_COLUMNS: tuple[str, ...] = (
    "record_key",
    "customer_no",
    "InvoiceNo",
    "AmountPosted",
    "PaymentType",
    "TransactionDate",
    "CheckNo",
)

_CUSTOMER_INVOICE = "_customer_invoice"
_OPEN_BALANCE = "_open_balance"
_APPLIED = "_applied_to_invoice"
_TRANSACTION_DAY = "_transaction_day"


def payment_suite(ref: ReferenceCodes) -> Suite:
    open_pairs = frozenset(ref.open_balances())
    checks = (
        required("record_key", "on every payment"),
        unique_key("record_key", "payments"),
        *customer_checks(ref),
        required("InvoiceNo", "to apply the payment"),
        Check(
            "invoice_open_for_customer",
            "InvoiceNo",
            "error",
            "InvoiceNo {value} is not an open invoice of customer {customer_no}",
            InSet(open_pairs),
            reads=(_CUSTOMER_INVOICE,),
        ),
        required("AmountPosted", "on a payment"),
        Check(
            "amount_posted_positive",
            "AmountPosted",
            "error",
            "AmountPosted {value} must be more than 0",
            Between(low=0, strict_low=True),
        ),
        Check(
            "amount_posted_within_open_balance",
            "AmountPosted",
            "error",
            "AmountPosted {value} brings this batch's payments to invoice {InvoiceNo} to "
            "{_applied_to_invoice}, more than its open balance {_open_balance}",
            AtLeast(),
            reads=(_OPEN_BALANCE, _APPLIED),
        ),
        code_exists(
            "payment_type_exists",
            "PaymentType",
            ref.payment_types,
            "a payment type (AR_PaymentType)",
        ),
        Check(
            "transaction_date_format",
            "TransactionDate",
            "error",
            "TransactionDate {value} is not a date in the form YYYY-MM-DD",
            NotMissing(),
            reads=(_TRANSACTION_DAY,),
            when=When("TransactionDate"),
        ),
        *catalogue_checks("AR_CashReceiptsDetail", ("InvoiceNo", "AmountPosted"), ref.tables),
        *catalogue_checks("AR_CashReceiptsHeader", ("PaymentType", "CheckNo"), ref.tables),
    )
    derived = (
        customer_invoice(_CUSTOMER_INVOICE),
        open_balance(_OPEN_BALANCE, ref),
        applied_to_invoice(_APPLIED, ref),
        date_derived(_TRANSACTION_DAY, "TransactionDate"),
    )
    return Suite("ar_cash_receipt_upload", "record_key", checks, entity="payments", derived=derived)
