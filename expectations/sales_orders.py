"""The suites for sales orders going into SO_SalesOrderHeader and SO_SalesOrderDetail.

An order is validated as two frames: its header (with the totals the engine computed from
its lines) and its lines, keyed by the order's record_key. A failing line quarantines the
whole order: Sage must never receive half of one.
"""

from __future__ import annotations

import datetime as dt

from expectations.checks import Check, Suite, When, catalogue_checks, is_number, required
from expectations.common import (
    code_exists,
    credit_hold_check,
    customer_checks,
    email_check,
    unique_key,
)
from expectations.derived import date_derived, day_number, difference
from expectations.reference import ReferenceCodes
from expectations.rules import AtLeast, Between, InSet, NotInSet, NotMissing

__all__ = ["ORDER_HEADER_COLUMNS", "ORDER_LINE_COLUMNS", "order_header_suite", "order_line_suite"]

ORDER_HEADER_COLUMNS: tuple[str, ...] = (
    "record_key",
    "customer_no",
    "ARDivisionNo",
    "CustomerNo",
    "OrderDate",
    "ShipExpireDate",
    "CustomerPONo",
    "ShipVia",
    "TaxSchedule",
    "WarehouseCode",
    "EmailAddress",
    "header_total",
    "lines_total",
    "line_count",
)
ORDER_LINE_COLUMNS: tuple[str, ...] = (
    "record_key",
    "line_no",
    "ItemCode",
    "WarehouseCode",
    "QuantityOrdered",
    "UnitPrice",
    "ExtensionAmt",
)

_ORDER_DAY = "_order_day"
_SHIP_EXPIRE_DAY = "_ship_expire_day"
_TOTAL_DIFFERENCE = "_total_difference"
# Totals are money with two decimals; half a cent absorbs rounding on either side.
TOTAL_TOLERANCE = 0.005


def _date_checks(ref: ReferenceCodes, today: dt.date) -> tuple[Check, ...]:
    window = ref.order_date_window_days
    center = day_number(today)
    return (
        required("OrderDate", "on a sales order"),
        Check(
            "order_date_format",
            "OrderDate",
            "error",
            "OrderDate {value} is not a date in the form YYYY-MM-DD",
            NotMissing(),
            reads=(_ORDER_DAY,),
            when=When("OrderDate"),
        ),
        Check(
            "order_date_within_window",
            "OrderDate",
            "error",
            f"OrderDate {{value}} is more than {window} days from {today.isoformat()}",
            Between(center - window, center + window),
            reads=(_ORDER_DAY,),
        ),
        Check(
            "ship_expire_date_format",
            "ShipExpireDate",
            "error",
            "ShipExpireDate {value} is not a date in the form YYYY-MM-DD",
            NotMissing(),
            reads=(_SHIP_EXPIRE_DAY,),
            when=When("ShipExpireDate"),
        ),
        Check(
            "ship_expire_date_not_before_order_date",
            "ShipExpireDate",
            "error",
            "ShipExpireDate {value} is before OrderDate {OrderDate}",
            AtLeast(),
            reads=(_SHIP_EXPIRE_DAY, _ORDER_DAY),
        ),
    )


def order_header_suite(ref: ReferenceCodes, today: dt.date) -> Suite:
    checks = (
        required("record_key", "on every order"),
        unique_key("record_key", "sales orders"),
        *customer_checks(ref),
        credit_hold_check(ref),
        *_date_checks(ref, today),
        required("header_total", "to check the order against its lines"),
        required("lines_total", "to check the order against its lines"),
        Check(
            "header_total_matches_lines",
            ("header_total", "lines_total"),
            "error",
            "header_total {header_total} does not equal the total of the lines {lines_total}",
            Between(high=TOTAL_TOLERANCE),
            reads=(_TOTAL_DIFFERENCE,),
        ),
        is_number("header_total"),
        is_number("lines_total"),
        required("line_count", "(the number of lines)"),
        is_number("line_count"),
        Check(
            "order_has_lines", "line_count", "error", "the order has {value} lines", Between(low=1)
        ),
        *catalogue_checks("SO_SalesOrderHeader", ORDER_HEADER_COLUMNS, ref.tables),
        email_check("EmailAddress"),
        code_exists(
            "ship_via_exists", "ShipVia", ref.ship_vias, "a ship via (SO_ShippingRateHeader)"
        ),
        code_exists(
            "tax_schedule_exists",
            "TaxSchedule",
            ref.tax_schedules,
            "a tax schedule (SY_SalesTaxSchedule)",
        ),
        code_exists(
            "warehouse_exists", "WarehouseCode", ref.warehouses, "a warehouse (IM_Warehouse)"
        ),
    )
    derived = (
        date_derived(_ORDER_DAY, "OrderDate"),
        date_derived(_SHIP_EXPIRE_DAY, "ShipExpireDate"),
        difference(_TOTAL_DIFFERENCE, "header_total", "lines_total"),
    )
    return Suite(
        "so_sales_order_header_upload", "record_key", checks, entity="sales orders", derived=derived
    )


def order_line_suite(ref: ReferenceCodes) -> Suite:
    checks = (
        required("record_key", "on every order line"),
        required("ItemCode", "on an order line"),
        # Two checks so the message can tell "inactive" from "unknown".
        Check(
            "item_exists",
            "ItemCode",
            "error",
            "ItemCode {value} is unknown in Sage (CI_Item)",
            InSet(ref.active_items | ref.inactive_items),
        ),
        Check(
            "item_is_active",
            "ItemCode",
            "error",
            "ItemCode {value} is inactive in Sage",
            NotInSet(ref.inactive_items),
        ),
        Check(
            "warehouse_exists",
            "WarehouseCode",
            "error",
            "WarehouseCode {value} is not a warehouse in Sage (IM_Warehouse)",
            InSet(ref.warehouses),
        ),
        required("QuantityOrdered", "on an order line"),
        Check(
            "quantity_ordered_positive",
            "QuantityOrdered",
            "error",
            "QuantityOrdered {value} must be more than 0",
            Between(low=0, strict_low=True),
        ),
        Check(
            "unit_price_not_negative",
            "UnitPrice",
            "error",
            "UnitPrice {value} is negative",
            Between(low=0),
        ),
        Check(
            "extension_amt_not_negative",
            "ExtensionAmt",
            "error",
            "ExtensionAmt {value} is negative",
            Between(low=0),
        ),
        *catalogue_checks("SO_SalesOrderDetail", ORDER_LINE_COLUMNS, ref.tables),
    )
    return Suite(
        "so_sales_order_line_upload",
        "record_key",
        checks,
        entity="sales orders",
        context="line {line_no}: ",
    )
