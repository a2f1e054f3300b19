"""The suite for customer contacts going into AR_CustomerContact."""

from __future__ import annotations

from expectations.checks import Suite, catalogue_checks, required
from expectations.common import (
    CREATE,
    address_checks,
    customer_checks,
    email_check,
    operation_checks,
    pair_key,
    telephone_checks,
    unique_key,
)
from expectations.reference import ReferenceCodes

__all__ = ["CONTACT_COLUMNS", "contact_suite"]

CONTACT_COLUMNS: tuple[str, ...] = (
    "record_key",
    "operation",
    "customer_no",
    "ContactCode",
    "ContactName",
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "City",
    "State",
    "ZipCode",
    "CountryCode",
    "Salutation",
    "ContactTitle",
    "TelephoneNo1",
    "TelephoneExt1",
    "EmailAddress",
    "UDF_ROLE",
)


def contact_suite(ref: ReferenceCodes) -> Suite:
    checks = (
        *operation_checks(),
        unique_key("record_key", "contacts"),
        *customer_checks(ref),
        required("ContactName", "to create a contact", when=CREATE),
        pair_key("contact_code_unique_per_customer", ("customer_no", "ContactCode"), "ContactCode"),
        *catalogue_checks("AR_CustomerContact", CONTACT_COLUMNS, ref.tables),
        *address_checks(ref, state="State", zip_code="ZipCode", country="CountryCode"),
        *telephone_checks("TelephoneNo1", "TelephoneExt1"),
        email_check("EmailAddress"),
    )
    return Suite("ar_customer_contact_upload", "record_key", checks, entity="contacts")
