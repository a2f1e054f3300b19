"""The ERP's reference data that uploads are checked against, as plain value sets.

The engine reads these from Sage (SY_Country, SO_ShippingRateHeader, AR_TermsCode, ...)
once per run and hands them to the suite builders. Codes are compared exactly as Sage stores
them once its padding is stripped: upper case, no surrounding spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from connectors.sage100.tables import Table

__all__ = ["ReferenceCodes"]


@dataclass(frozen=True)
class ReferenceCodes:
    countries: frozenset[str] = frozenset()
    ship_vias: frozenset[str] = frozenset()
    terms: frozenset[str] = frozenset()
    tax_schedules: frozenset[str] = frozenset()
    # "DD-NNNN": SalespersonDivisionNo, a dash, SalespersonNo.
    salespeople: frozenset[str] = frozenset()
    warehouses: frozenset[str] = frozenset()
    # "DD-NNNNNNN": the platform's customer_no form.
    customers: frozenset[str] = frozenset()
    customers_on_credit_hold: frozenset[str] = frozenset()
    active_items: frozenset[str] = frozenset()
    # Kept apart from unknown items so the message can say "inactive".
    inactive_items: frozenset[str] = frozenset()
    payment_types: frozenset[str] = frozenset()
    # customer_no -> {InvoiceNo: open balance}, from AR_OpenInvoice.
    open_invoices: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    reject_credit_hold: bool = True
    order_date_window_days: int = 366
    # The live company's tables the batch is written to: widths and UDFs of the company.
    tables: Mapping[str, Table] = field(default_factory=lambda: MappingProxyType({}), hash=False)

    def __post_init__(self) -> None:
        # Callers pass whatever iterable they read; freeze them so a suite cannot drift.
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "frozenset[str]" and not isinstance(value, frozenset):
                object.__setattr__(self, f.name, _codes(f.name, value))
        invoices = {
            str(customer): MappingProxyType(
                {str(no): float(balance) for no, balance in by_invoice.items()}
            )
            for customer, by_invoice in self.open_invoices.items()
        }
        object.__setattr__(self, "open_invoices", MappingProxyType(invoices))
        if self.order_date_window_days < 0:
            raise ValueError(
                f"order_date_window_days must be 0 or more, not {self.order_date_window_days}"
            )

    def open_balances(self) -> dict[str, float]:
        """Open balance per (customer_no, InvoiceNo), keyed "customer_no<US>InvoiceNo"."""
        return {
            f"{customer}\x1f{invoice}": balance
            for customer, by_invoice in self.open_invoices.items()
            for invoice, balance in by_invoice.items()
        }


def _codes(name: str, values: Iterable[object]) -> frozenset[str]:
    if isinstance(values, str):
        raise TypeError(f"ReferenceCodes.{name} must be a collection of codes, not a string")
    return frozenset(str(v) for v in values)
