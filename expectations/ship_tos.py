"""The suite for customer ship-to addresses going into SO_ShipToAddress."""

from __future__ import annotations

from expectations.checks import Suite, catalogue_checks, required
from expectations.common import (
    CREATE,
    address_checks,
    code_exists,
    customer_checks,
    email_check,
    operation_checks,
    pair_key,
    salesperson_check,
    salesperson_derived,
    telephone_checks,
    unique_key,
)
from expectations.reference import ReferenceCodes

__all__ = ["SHIP_TO_COLUMNS", "ship_to_suite"]

SHIP_TO_COLUMNS: tuple[str, ...] = (
    "record_key",
    "operation",
    "customer_no",
    "ShipToCode",
    "ShipToName",
    "ShipToAddress1",
    "ShipToAddress2",
    "ShipToAddress3",
    "ShipToCity",
    "ShipToState",
    "ShipToZipCode",
    "ShipToCountryCode",
    "TelephoneNo",
    "TelephoneExt",
    "EmailAddress",
    "SalespersonDivisionNo",
    "SalespersonNo",
    "ShipVia",
    "WarehouseCode",
    "TaxSchedule",
    "ResidentialAddress",
)


def ship_to_suite(ref: ReferenceCodes) -> Suite:
    checks = (
        *operation_checks(),
        unique_key("record_key", "ship-to addresses"),
        # A ship-to always hangs off a customer Sage already has.
        *customer_checks(ref),
        required("ShipToName", "to create a ship-to address", when=CREATE),
        pair_key("ship_to_code_unique_per_customer", ("customer_no", "ShipToCode"), "ShipToCode"),
        *catalogue_checks("SO_ShipToAddress", SHIP_TO_COLUMNS, ref.tables),
        *address_checks(
            ref, state="ShipToState", zip_code="ShipToZipCode", country="ShipToCountryCode"
        ),
        *telephone_checks("TelephoneNo", "TelephoneExt"),
        email_check("EmailAddress"),
        code_exists(
            "ship_via_exists", "ShipVia", ref.ship_vias, "a ship via (SO_ShippingRateHeader)"
        ),
        code_exists(
            "warehouse_exists", "WarehouseCode", ref.warehouses, "a warehouse (IM_Warehouse)"
        ),
        code_exists(
            "tax_schedule_exists",
            "TaxSchedule",
            ref.tax_schedules,
            "a tax schedule (SY_SalesTaxSchedule)",
        ),
        salesperson_check(ref),
    )
    return Suite(
        "so_ship_to_address_upload",
        "record_key",
        checks,
        entity="ship-to addresses",
        derived=(salesperson_derived(),),
    )
