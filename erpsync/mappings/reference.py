"""Steps 1-9: reference data from Sage 100 to the platform (seed 003 field lists)."""

from __future__ import annotations

import pandas as pd

from erpsync.mappings.core import EntityMapping, MapContext, computed
from erpsync.mappings.sage import division_number, flag, number, text

__all__ = [
    "COUNTRIES",
    "GL_ACCOUNTS",
    "LOCATIONS",
    "PRODUCT_CATEGORIES",
    "SALES_PEOPLE",
    "SHIP_VIAS",
    "TAX_CODES",
    "TAX_SCHEDULES",
    "TERMS",
]

_ACCOUNT_STATUS = {"A": "active", "I": "inactive", "D": "deleted"}
_FREIGHT_METHOD = {"A": "amount", "P": "product_line", "W": "weight"}


@computed("StateCodeRequired")
def state_required(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return flag(frame["StateCodeRequired"])


COUNTRIES = EntityMapping(
    entity="countries",
    table="SY_Country",
    key=("CountryCode",),
    fields={
        "country_code": "CountryCode",
        "name": "CountryName",
        "iso_code": "ISOCountryCode",
        "alternate_code": "AlternateCountryCode",
        "phone_code": "PhoneCode",
        "state_required": state_required,
    },
)


@computed("Status")
def account_status(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return frame["Status"].map(_ACCOUNT_STATUS)


GL_ACCOUNTS = EntityMapping(
    entity="gl_accounts",
    table="GL_Account",
    key=("AccountKey",),
    fields={
        "account_key": "AccountKey",
        "account": "Account",
        "description": "AccountDesc",
        "main_account": "MainAccountCode",
        "account_type": "AccountType",
        "account_group": "AccountGroup",
        "status": account_status,
    },
)


@computed()
def tax_rates(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # "rates" is added by the step from SY_SalesTaxCodeDetail (class -> percent).
    return frame["rates"]


TAX_CODES = EntityMapping(
    entity="tax_codes",
    table="SY_SalesTaxCode",
    key=("TaxCode",),
    fields={"tax_code": "TaxCode", "description": "TaxCodeDesc", "rates": tax_rates},
    enriched=("rates",),
)


@computed()
def schedule_tax_codes(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    # "tax_codes" is added by the step from SY_SalesTaxScheduleDetail, in schedule order;
    # the first is the primary code.
    return frame["tax_codes"]


TAX_SCHEDULES = EntityMapping(
    entity="tax_schedules",
    table="SY_SalesTaxSchedule",
    key=("TaxSchedule",),
    fields={
        "tax_schedule": "TaxSchedule",
        "description": "TaxScheduleDesc",
        "tax_codes": schedule_tax_codes,
    },
    enriched=("tax_codes",),
)


@computed("FreightCalculationMethod")
def freight_method(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return frame["FreightCalculationMethod"].map(_FREIGHT_METHOD)


SHIP_VIAS = EntityMapping(
    entity="ship_vias",
    table="SO_ShippingRateHeader",
    key=("ShippingCode",),
    fields={
        "ship_via": "ShippingCode",
        "description": "ShippingCodeDesc",
        "freight_method": freight_method,
    },
)


@computed("DaysBeforeDue")
def days_before_due(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return number(frame["DaysBeforeDue"])


@computed("DaysBeforeDiscountDue")
def discount_days(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return number(frame["DaysBeforeDiscountDue"])


@computed("DiscountRate")
def discount_rate(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return number(frame["DiscountRate"])


TERMS = EntityMapping(
    entity="terms",
    table="AR_TermsCode",
    key=("TermsCode",),
    fields={
        "terms_code": "TermsCode",
        "description": "TermsCodeDesc",
        "days_before_due": days_before_due,
        "discount_days": discount_days,
        "discount_rate": discount_rate,
    },
)


@computed("SalespersonDivisionNo", "SalespersonNo")
def sales_person_no(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return division_number(frame["SalespersonDivisionNo"], frame["SalespersonNo"])


@computed("SalesManagerDivisionNo", "SalesManagerNo")
def sales_manager_no(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return division_number(frame["SalesManagerDivisionNo"], frame["SalesManagerNo"])


@computed("CommissionRate")
def commission_rate(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return number(frame["CommissionRate"])


SALES_PEOPLE = EntityMapping(
    entity="sales_people",
    table="AR_Salesperson",
    key=("SalespersonDivisionNo", "SalespersonNo"),
    fields={
        "sales_person_no": sales_person_no,
        "name": "SalespersonName",
        "email": "EmailAddress",
        "phone": "TelephoneNo",
        "phone_extension": "TelephoneExt",
        "address1": "AddressLine1",
        "address2": "AddressLine2",
        "address3": "AddressLine3",
        "city": "City",
        "state": "State",
        "zip": "ZipCode",
        "country": "CountryCode",
        "sales_manager_no": sales_manager_no,
        "commission_rate": commission_rate,
    },
)


@computed("EmailAddress")
def location_email(frame: pd.DataFrame, ctx: MapContext) -> pd.Series:
    return text(frame["EmailAddress"])


LOCATIONS = EntityMapping(
    entity="locations",
    table="IM_Warehouse",
    key=("WarehouseCode",),
    fields={
        "location_code": "WarehouseCode",
        "description": "WarehouseDesc",
        "name": "WarehouseName",
        "address1": "WarehouseAddress1",
        "address2": "WarehouseAddress2",
        "city": "WarehouseCity",
        "state": "WarehouseState",
        "zip": "WarehouseZipCode",
        "country": "WarehouseCountryCode",
        "email": location_email,
    },
)

PRODUCT_CATEGORIES = EntityMapping(
    entity="product_categories",
    table="IM_ProductLine",
    key=("ProductLine",),
    fields={
        "category_code": "ProductLine",
        "description": "ProductLineDesc",
        "product_type": "ProductType",
    },
)
