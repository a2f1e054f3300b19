"""Steps 13-19: customers, ship-tos, bill-to links and contacts, both ways (seed 003).

Download mappings (Sage -> platform) are EntityMappings like steps 1-12. Upload mappings
(platform -> Sage) turn platform records into frames with Sage column names, which the
data-quality gate checks and the write path sends through the Business Object Interface.

Rules from seed 003:
  * customer and salesperson numbers are "{division}-{number}" on the platform;
  * Price Level -> customer type, the connector's default type when Price Level is blank;
  * the tax-exempt number comes from the first ship-to exemption when A/R sales-tax
    reporting is on (added by the step), else from the customer;
  * Ship Method -> ship via; a National Accounts bill-to is the platform parent customer;
  * a contact downloaded gets a relationship to its customer starting on its creation date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from erpsync.mappings.core import EntityMapping, MapContext, computed
from erpsync.mappings.sage import division_number, flag, number
from erpsync.mappings.upload import UploadMapping

__all__ = [
    "CONTACTS_DOWN",
    "CONTACTS_UP",
    "CUSTOMERS_DOWN",
    "CUSTOMERS_UP",
    "CUSTOMER_LINKS_DOWN",
    "SHIP_TOS_DOWN",
    "SHIP_TOS_UP",
]


@computed("ARDivisionNo", "CustomerNo")
def customer_no(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return division_number(frame["ARDivisionNo"], frame["CustomerNo"])


@computed("SalespersonDivisionNo", "SalespersonNo")
def sales_person_no(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return division_number(frame["SalespersonDivisionNo"], frame["SalespersonNo"])


@computed("BillToDivisionNo", "BillToCustomerNo")
def parent_customer_no(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return division_number(frame["BillToDivisionNo"], frame["BillToCustomerNo"])


@computed("PriceLevel")
def customer_type(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    level = frame["PriceLevel"].astype("string").fillna("")
    return level.where(level != "", ctx.default_customer_type)


@computed("CreditHold")
def credit_hold(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return flag(frame["CreditHold"])


@computed("TaxExemptNo")
def tax_exempt_no(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # With sales-tax reporting on, the step has put the first ship-to exemption here.
    source = "ShipToTaxExemptNo" if "ShipToTaxExemptNo" in frame else "TaxExemptNo"
    value = frame[source].astype("string")
    return value.where(value != "", None)


@computed("ResidentialAddress")
def residential(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return flag(frame["ResidentialAddress"])


@computed()
def synced(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # A record written from the ERP is in sync (seed 004 status).
    return pd.Series("synced", index=frame.index, dtype="string")


@computed()
def no_error(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return pd.Series(None, index=frame.index, dtype=object)


def _amount(column: str) -> object:
    @computed(column)
    def convert(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
        return number(frame[column])

    convert.__name__ = f"amount_{column}"
    return convert


_BUCKETS = ("CurrentBalance", "AgingCategory1", "AgingCategory2", "AgingCategory3",
            "AgingCategory4")  # fmt: skip


@computed(*_BUCKETS)
def balance(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # Sage splits what a customer owes into not-yet-due and four aging buckets.
    return frame[list(_BUCKETS)].apply(pd.to_numeric, errors="coerce").fillna(0).sum(axis=1)


CUSTOMERS_DOWN = EntityMapping(
    entity="customers",
    table="AR_Customer",
    key=("ARDivisionNo", "CustomerNo"),
    fields={
        "customer_no": customer_no,
        "name": "CustomerName",
        "address1": "AddressLine1",
        "address2": "AddressLine2",
        "address3": "AddressLine3",
        "city": "City",
        "state": "State",
        "zip": "ZipCode",
        "country": "CountryCode",
        "phone": "TelephoneNo",
        "phone_extension": "TelephoneExt",
        "fax": "FaxNo",
        "email": "EmailAddress",
        "ship_via": "ShipMethod",
        "tax_schedule": "TaxSchedule",
        "tax_exempt_no": tax_exempt_no,
        "terms_code": "TermsCode",
        "sales_person_no": sales_person_no,
        "customer_type": customer_type,
        "credit_hold": credit_hold,
        "credit_limit": _amount("CreditLimit"),  # type: ignore[dict-item]
        "last_payment_amount": _amount("LastPaymentAmt"),  # type: ignore[dict-item]
        "highest_balance": _amount("HighestStmntBalance"),  # type: ignore[dict-item]
        "balance": balance,
        "aging_1": _amount("AgingCategory1"),  # type: ignore[dict-item]
        "aging_2": _amount("AgingCategory2"),  # type: ignore[dict-item]
        "aging_3": _amount("AgingCategory3"),  # type: ignore[dict-item]
        "aging_4": _amount("AgingCategory4"),  # type: ignore[dict-item]
        "parent_customer_no": parent_customer_no,
        "erp_status": synced,
        "erp_error": no_error,
    },
    enriched=("ShipToTaxExemptNo",),
)


@computed("BillToDivisionNo", "BillToCustomerNo")
def relationship(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    has_parent = frame["BillToCustomerNo"].astype("string").fillna("") != ""
    return pd.Series(np.where(has_parent, "bill_to", "none"), index=frame.index)


# Step 18: every customer has one link record; "none" once a bill-to is removed in Sage,
# so the platform never keeps a stale parent.
CUSTOMER_LINKS_DOWN = EntityMapping(
    entity="customer_links",
    table="AR_Customer",
    key=("ARDivisionNo", "CustomerNo"),
    fields={
        "customer_no": customer_no,
        "parent_customer_no": parent_customer_no,
        "relationship": relationship,
    },
)

SHIP_TOS_DOWN = EntityMapping(
    entity="ship_tos",
    table="SO_ShipToAddress",
    key=("ARDivisionNo", "CustomerNo", "ShipToCode"),
    fields={
        "customer_no": customer_no,
        "ship_to_code": "ShipToCode",
        "name": "ShipToName",
        "address1": "ShipToAddress1",
        "address2": "ShipToAddress2",
        "address3": "ShipToAddress3",
        "city": "ShipToCity",
        "state": "ShipToState",
        "zip": "ShipToZipCode",
        "country": "ShipToCountryCode",
        "phone": "TelephoneNo",
        "phone_extension": "TelephoneExt",
        "email": "EmailAddress",
        "sales_person_no": sales_person_no,
        "ship_via": "ShipVia",
        "location_code": "WarehouseCode",
        "tax_schedule": "TaxSchedule",
        "residential": residential,
        "erp_status": synced,
        "erp_error": no_error,
    },
)


@computed("DateCreated")
def relationship_start(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # Seed 003: a contact downloaded is related to its customer from the day it was created.
    return frame["DateCreated"].astype("string")


CONTACTS_DOWN = EntityMapping(
    entity="contacts",
    table="AR_CustomerContact",
    key=("ARDivisionNo", "CustomerNo", "ContactCode"),
    fields={
        "customer_no": customer_no,
        "contact_code": "ContactCode",
        "name": "ContactName",
        "address1": "AddressLine1",
        "address2": "AddressLine2",
        "address3": "AddressLine3",
        "city": "City",
        "state": "State",
        "zip": "ZipCode",
        "country": "CountryCode",
        "salutation": "Salutation",
        "title": "ContactTitle",
        "phone": "TelephoneNo1",
        "phone_extension": "TelephoneExt1",
        "email": "EmailAddress",
        "relationship_start": relationship_start,
        "erp_status": synced,
        "erp_error": no_error,
    },
)

# --- platform -> Sage -----------------------------------------------------------------------
# Sage column -> platform field. ARDivisionNo/CustomerNo come from customer_no, salesperson
# division/number from sales_person_no (split by the upload pipeline).

CUSTOMERS_UP = UploadMapping(
    entity="customers",
    table="AR_Customer",
    fields={
        "CustomerName": "name",
        "AddressLine1": "address1",
        "AddressLine2": "address2",
        "AddressLine3": "address3",
        "City": "city",
        "State": "state",
        "ZipCode": "zip",
        "CountryCode": "country",
        "TelephoneNo": "phone",
        "TelephoneExt": "phone_extension",
        "FaxNo": "fax",
        "EmailAddress": "email",
        "ShipMethod": "ship_via",
        "TaxSchedule": "tax_schedule",
        "TaxExemptNo": "tax_exempt_no",
        "TermsCode": "terms_code",
    },
    salesperson="sales_person_no",
)

SHIP_TOS_UP = UploadMapping(
    entity="ship_tos",
    table="SO_ShipToAddress",
    code="ship_to_code",
    code_column="ShipToCode",
    fields={
        "ShipToName": "name",
        "ShipToAddress1": "address1",
        "ShipToAddress2": "address2",
        "ShipToAddress3": "address3",
        "ShipToCity": "city",
        "ShipToState": "state",
        "ShipToZipCode": "zip",
        "ShipToCountryCode": "country",
        "TelephoneNo": "phone",
        "TelephoneExt": "phone_extension",
        "EmailAddress": "email",
        "ShipVia": "ship_via",
        "WarehouseCode": "location_code",
        "TaxSchedule": "tax_schedule",
        "ResidentialAddress": "residential",
    },
    salesperson="sales_person_no",
)

CONTACTS_UP = UploadMapping(
    entity="contacts",
    table="AR_CustomerContact",
    code="contact_code",
    code_column="ContactCode",
    fields={
        "ContactName": "name",
        "AddressLine1": "address1",
        "AddressLine2": "address2",
        "AddressLine3": "address3",
        "City": "city",
        "State": "state",
        "ZipCode": "zip",
        "CountryCode": "country",
        "Salutation": "salutation",
        "ContactTitle": "title",
        "TelephoneNo1": "phone",
        "TelephoneExt1": "phone_extension",
        "EmailAddress": "email",
    },
)
