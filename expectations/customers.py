"""The suite for customers going into AR_Customer (platform -> ERP)."""

from __future__ import annotations

from expectations import formats
from expectations.checks import Suite, catalogue_checks, matches, required
from expectations.common import (
    CREATE,
    UPDATE,
    address_checks,
    code_exists,
    customer_checks,
    email_check,
    operation_checks,
    salesperson_check,
    salesperson_derived,
    telephone_checks,
    unique_key,
)
from expectations.reference import ReferenceCodes

__all__ = ["CUSTOMER_COLUMNS", "customer_suite"]

# The frame the engine maps platform customers into: its own columns, then AR_Customer's.
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "record_key",
    "operation",
    "customer_no",
    "ARDivisionNo",
    "CustomerNo",
    "CustomerName",
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "City",
    "State",
    "ZipCode",
    "CountryCode",
    "TelephoneNo",
    "TelephoneExt",
    "FaxNo",
    "EmailAddress",
    "ShipMethod",
    "TaxSchedule",
    "TaxExemptNo",
    "TermsCode",
    "SalespersonDivisionNo",
    "SalespersonNo",
    "CustomerType",
    "UDF_WEB_ACCOUNT",
    "UDF_INDUSTRY",
)


def customer_suite(ref: ReferenceCodes) -> Suite:
    checks = (
        *operation_checks(),
        unique_key("record_key", "customers"),
        required("CustomerName", "to create a customer", when=CREATE),
        # A new customer gets its number from Sage; an update must name an existing one.
        *customer_checks(ref, when=UPDATE),
        matches(
            "ar_division_no_format",
            "ARDivisionNo",
            formats.DIVISION_NO,
            "ARDivisionNo {value} must be two digits",
        ),
        *catalogue_checks("AR_Customer", CUSTOMER_COLUMNS, ref.tables),
        *address_checks(ref, state="State", zip_code="ZipCode", country="CountryCode"),
        *telephone_checks("TelephoneNo", "TelephoneExt"),
        # Fax numbers are rarely used downstream: report a bad one, still send the customer.
        *telephone_checks("FaxNo", severity="warning"),
        email_check("EmailAddress"),
        code_exists(
            "ship_via_exists", "ShipMethod", ref.ship_vias, "a ship via (SO_ShippingRateHeader)"
        ),
        code_exists("terms_code_exists", "TermsCode", ref.terms, "a terms code (AR_TermsCode)"),
        code_exists(
            "tax_schedule_exists",
            "TaxSchedule",
            ref.tax_schedules,
            "a tax schedule (SY_SalesTaxSchedule)",
        ),
        salesperson_check(ref),
    )
    return Suite(
        "ar_customer_upload",
        "record_key",
        checks,
        entity="customers",
        derived=(salesperson_derived(),),
    )
