"""Checks several suites share: addresses, phones, e-mail, codes, the customer, the batch key.

Check names say the concept, not the column ("ship_via_exists" whether the column is
AR_Customer.ShipMethod or SO_ShipToAddress.ShipVia), so a report can count a fault across
entities; the failure's column says where it was found.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from expectations import formats
from expectations.checks import Check, Derived, Severity, When, matches, required, snake
from expectations.reference import ReferenceCodes
from expectations.rules import InSet, NotInSet, Unique

__all__ = [
    "CREATE",
    "SALESPERSON",
    "UPDATE",
    "address_checks",
    "code_exists",
    "credit_hold_check",
    "customer_checks",
    "email_check",
    "operation_checks",
    "pair_key",
    "salesperson_check",
    "salesperson_derived",
    "telephone_checks",
    "unique_key",
]

CREATE = When("operation", frozenset({"create"}))
UPDATE = When("operation", frozenset({"update"}))
SALESPERSON = "_salesperson"


def code_exists(name: str, column: str, values: Iterable[str], what: str) -> Check:
    """`column` holds one of the ERP's `what` (a ship via, a terms code ...)."""
    return Check(
        name, column, "error", f"{column} {{value}} is not {what} in Sage", InSet(frozenset(values))
    )


def operation_checks() -> tuple[Check, ...]:
    """The engine says what it will do with each record: create or update."""
    return (
        required("operation", "(create or update)"),
        Check(
            "operation_is_known",
            "operation",
            "error",
            "operation {value} is neither create nor update",
            InSet(frozenset({"create", "update"})),
        ),
    )


def unique_key(column: str, entity: str) -> Check:
    return Check(
        f"{snake(column)}_unique_in_batch",
        column,
        "error",
        f"{column} {{value}} appears more than once in this batch of {entity}",
        Unique(),
    )


def pair_key(name: str, columns: tuple[str, str], what: str) -> Check:
    first, second = columns
    return Check(
        name,
        columns,
        "error",
        f"{what} {{{second}}} appears more than once for customer {{{first}}} in this batch",
        Unique(),
    )


def customer_checks(ref: ReferenceCodes, *, when: When | None = None) -> tuple[Check, ...]:
    """customer_no is there (on the rows `when` selects), well formed, and a Sage customer."""
    return (
        required("customer_no", "to find the customer in Sage", when=when),
        matches(
            "customer_no_format",
            "customer_no",
            formats.CUSTOMER_NO,
            "customer_no {value} is not in the form DD-CUSTOMERNO (e.g. 01-0000042)",
        ),
        Check(
            "customer_exists",
            "customer_no",
            "error",
            "customer_no {value} is not a customer in Sage (AR_Customer)",
            InSet(ref.customers),
            when=when,
        ),
    )


def credit_hold_check(ref: ReferenceCodes) -> Check:
    # When the company lets held customers order, the hold is still worth a line in the report.
    severity: Severity = "error" if ref.reject_credit_hold else "warning"
    return Check(
        "customer_not_on_credit_hold",
        "customer_no",
        severity,
        "customer {value} is on credit hold in Sage",
        NotInSet(ref.customers_on_credit_hold),
    )


def email_check(column: str) -> Check:
    return matches(
        "email_address_format",
        column,
        formats.EMAIL_ADDRESS,
        f"{column} {{value}} is not a valid e-mail address",
    )


def telephone_checks(
    column: str, extension: str | None = None, *, severity: Severity = "error"
) -> tuple[Check, ...]:
    stem = snake(column)
    checks = [
        matches(
            f"{stem}_format",
            column,
            formats.TELEPHONE,
            f"{column} {{value}} is not a telephone number (digits, spaces, + ( ) - . "
            "and an optional extension)",
            severity=severity,
        ),
    ]
    if extension is not None:
        checks.append(
            matches(
                f"{snake(extension)}_format",
                extension,
                formats.DIGITS,
                f"{extension} {{value}} must be digits only",
                severity=severity,
            )
        )
    return tuple(checks)


def address_checks(
    ref: ReferenceCodes, *, state: str, zip_code: str, country: str
) -> tuple[Check, ...]:
    """State, ZIP and country: formats, and real codes for the US and Canada."""
    usa = When(country, frozenset({"USA"}))
    can = When(country, frozenset({"CAN"}))
    return (
        matches(
            "state_format",
            state,
            formats.STATE,
            f"{state} {{value}} must be two upper-case letters",
        ),
        Check(
            "state_is_a_us_state",
            state,
            "error",
            f"{state} {{value}} is not a US state code (the country is USA)",
            InSet(formats.US_STATES),
            when=usa,
        ),
        Check(
            "state_is_a_canadian_province",
            state,
            "error",
            f"{state} {{value}} is not a Canadian province code (the country is CAN)",
            InSet(formats.CANADIAN_PROVINCES),
            when=can,
        ),
        matches(
            "zip_code_us_format",
            zip_code,
            formats.US_ZIP_CODE,
            f"{zip_code} {{value}} is not a US ZIP code (12345 or 12345-6789)",
            when=usa,
        ),
        matches(
            "zip_code_canadian_format",
            zip_code,
            formats.CANADIAN_POSTAL_CODE,
            f"{zip_code} {{value}} is not a Canadian postal code (A1A 1A1)",
            when=can,
        ),
        code_exists("country_code_exists", country, ref.countries, "a country (SY_Country)"),
    )


def salesperson_derived() -> Derived:
    """ "DD-NNNN" from SalespersonDivisionNo and SalespersonNo, when a salesperson is given."""

    def compute(frame: pd.DataFrame) -> pd.Series:
        number = frame["SalespersonNo"]
        division = frame["SalespersonDivisionNo"].fillna("")
        joined = division.astype(str) + "-" + number.astype(str)
        return joined.where(number.notna(), None).astype(object)

    return Derived(SALESPERSON, ("SalespersonDivisionNo", "SalespersonNo"), compute)


def salesperson_check(ref: ReferenceCodes) -> Check:
    return Check(
        "salesperson_exists",
        ("SalespersonDivisionNo", "SalespersonNo"),
        "error",
        "salesperson {_salesperson} is not a salesperson in Sage (AR_Salesperson)",
        InSet(ref.salespeople),
        reads=(SALESPERSON,),
    )
