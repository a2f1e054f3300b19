"""The data-quality gate before every upload into Sage 100, built on Great Expectations 1.x.

Importing this package does not import great_expectations (~5 s); the gate does that on its
first validation.

    ref = ReferenceCodes(countries={"USA", "CAN"}, ship_vias={"UPS GROUND"}, ...)
    result = validate(customer_suite(ref), frame)
    if result.systemic: fail the step, write nothing
    else: send result.passed(frame), quarantine result.quarantined(frame)
"""

from __future__ import annotations

from expectations.checks import Check, Derived, Severity, Suite, When
from expectations.contacts import contact_suite
from expectations.customers import customer_suite
from expectations.gate import INDEX_LIMIT, Failure, GateResult, merge, validate
from expectations.payments import payment_suite
from expectations.reference import ReferenceCodes
from expectations.sales_orders import order_header_suite, order_line_suite
from expectations.ship_tos import ship_to_suite

__all__ = [
    "INDEX_LIMIT",
    "Check",
    "Derived",
    "Failure",
    "GateResult",
    "ReferenceCodes",
    "Severity",
    "Suite",
    "When",
    "contact_suite",
    "customer_suite",
    "merge",
    "order_header_suite",
    "order_line_suite",
    "payment_suite",
    "ship_to_suite",
    "validate",
]
