"""SO_SalesOrder_bus.oLines: the lines of the pending order.

As in Sage, ItemCode is set first on a new line: it loads the item's defaults (type,
description, price, cost, tax class, G/L accounts, unit of measure, warehouse), which
the caller may then override. lines.write() keeps the line on the order; only the
order's write() stores it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.sage100.boi import FAILURE, SUCCESS
from connectors.sage100.tables import Column
from sandbox.sage100.boi.record import Row, blank_value, check_reference
from sandbox.sage100.boi.rules import Rejected, bare, coerce, label, shown, to_boi
from sandbox.sage100.layout import TABLES

if TYPE_CHECKING:
    from sandbox.sage100.boi.sales_order import SalesOrderBusImpl

__all__ = ["REGULAR", "OrderLines", "extension"]

REGULAR, CHARGE, COMMENT, MISC = "1", "3", "4", "5"
# Item types whose lines are priced by quantity and need a quantity above zero.
_COUNTED = (REGULAR, MISC, CHARGE)
_ASSIGNED = frozenset({"SalesOrderNo", "LineKey", "LineSeqNo", "ItemType", "ExtensionAmt"})
_PRICING = frozenset({"QuantityOrdered", "UnitPrice", "LineDiscountPercent"})
_SPEC = TABLES["SO_SalesOrderDetail"]


def extension(line: Row) -> float:
    """ExtensionAmt: quantity x price less the line discount, to the cent."""
    gross = line["QuantityOrdered"] * line["UnitPrice"] * (100 - line["LineDiscountPercent"])
    value = round(gross) / 100
    coerce(_SPEC.column("ExtensionAmt"), value)  # within 11.2, or Rejected
    return value


class OrderLines:
    """See connectors.sage100.boi.LineCollection."""

    def __init__(self, order: SalesOrderBusImpl) -> None:
        self._order = order
        self._line: Row | None = None
        self._written: list[Row] = []
        self._first_key = 1
        self._error = ""

    @property
    def last_error_message(self) -> str:
        return self._error

    @property
    def written(self) -> list[Row]:
        """Lines kept on the order and not yet stored."""
        return self._written

    @property
    def pending_line(self) -> int | None:
        """The number of a line added but neither written nor cleared."""
        return None if self._line is None else int(self._line["LineKey"])

    def reset(self, first_key: int = 1) -> None:
        self._line = None
        self._written = []
        self._first_key = first_key

    # --- LineCollection -------------------------------------------------------------------
    def add_line(self) -> int:
        if self._order.customer is None:
            return self._fail("set ARDivisionNo$ and CustomerNo$ before adding lines")
        if self._line is not None:
            return self._fail(f"line {self.pending_line} is pending; write() or clear() it first")
        number = self._first_key + len(self._written)
        self._line = {c.name: blank_value(c) for c in _SPEC.columns} | {
            "LineKey": f"{number:06d}",
            "LineSeqNo": f"{number:014d}",
        }
        return self._ok()

    def set_value(self, column: str, value: object) -> int:
        if self._line is None:
            return self._fail("no current line; call add_line first")
        line = self._line
        name = bare(column)
        try:
            col = _settable(name)
            if name != "ItemCode" and line["ItemCode"] == "":
                raise Rejected("ItemCode$ must be set first (it loads the item's defaults)")
            coerced = coerce(col, value)
            if name == "ItemCode":
                self._line = self._item_defaults(str(coerced)) | {
                    "LineKey": line["LineKey"],
                    "LineSeqNo": line["LineSeqNo"],
                }
                return self._ok()
            check_reference(self._order.session, col, coerced)
            changed = {**line, name: coerced}
            if name in _PRICING:
                changed["ExtensionAmt"] = extension(changed)
        except Rejected as exc:
            return self._fail(f"line {int(line['LineKey'])}: {exc}")
        self._line = changed
        return self._ok()

    def get_value(self, column: str) -> object:
        name = bare(column)
        try:
            col = _SPEC.column(name)
        except KeyError:
            raise KeyError(f"SO_SalesOrderDetail has no column {name!r}") from None
        return None if self._line is None else to_boi(col, self._line[name])

    def write(self) -> int:
        line = self._line
        if line is None:
            return self._fail("no current line; call add_line first")
        number = int(line["LineKey"])
        if line["ItemCode"] == "":
            return self._fail(f"line {number}: ItemCode$ is required")
        qty = line["QuantityOrdered"]
        if line["ItemType"] in _COUNTED and qty <= 0:
            return self._fail(
                f"line {number}: QuantityOrdered: {shown(qty)} must be greater than zero "
                f"for item {line['ItemCode']!r}"
            )
        if line["ItemType"] == REGULAR and line["WarehouseCode"] == "":
            return self._fail(f"line {number}: WarehouseCode$ is required for an inventory item")
        self._written.append(line)
        self._line = None
        return self._ok()

    def clear(self) -> None:
        self._line = None

    # --- item defaults --------------------------------------------------------------------
    def _item_defaults(self, code: str) -> Row:
        session = self._order.session
        item = session.fetch("CI_Item", {"ItemCode": code})
        if item is None:
            raise Rejected(f"ItemCode$: {shown(code)} is not an item (CI_Item)")
        if item["InactiveItem"] == "Y":
            raise Rejected(f"ItemCode$: {shown(code)} is inactive (CI_Item.InactiveItem)")
        line: Row = {c.name: blank_value(c) for c in _SPEC.columns}
        family: dict[str, Any] = {}
        if item["ProductLine"]:
            family = session.fetch("IM_ProductLine", {"ProductLine": item["ProductLine"]}) or {}
        header = self._order.header
        customer = self._order.customer or {}
        kind = item["ItemType"]
        average = item["AverageUnitCost"] or item["StandardUnitCost"]
        line.update(
            ItemCode=code,
            ItemType=kind,
            ItemCodeDesc=item["ItemCodeDesc"],
            UnitOfMeasure=item["SalesUnitOfMeasure"] or family.get("SalesUnitOfMeasure", ""),
            UnitOfMeasureConvFactor=item["SalesUMConvFctr"] or 1.0,
            UnitPrice=0.0 if kind == COMMENT else item["StandardUnitPrice"],
            UnitCost=item["StandardUnitCost"] if item["Valuation"] == "1" else average,
            QuantityOrdered=1.0 if kind == CHARGE else 0.0,
            TaxClass=item["TaxClass"] or family.get("TaxClass", ""),
            SalesAcctKey=item["SalesAcctKey"] or family.get("SalesIncomeAcctKey", ""),
            CostOfGoodsSoldAcctKey=(
                item["CostOfGoodsSoldAcctKey"] or family.get("CostOfGoodsSoldAcctKey", "")
            ),
            PriceLevel=customer.get("PriceLevel", ""),
            PromiseDate=header.get("ShipExpireDate"),
        )
        if kind in (REGULAR, MISC):
            line["WarehouseCode"] = header.get("WarehouseCode") or item["DefaultWarehouseCode"]
        line["ExtensionAmt"] = extension(line)
        return line

    def _fail(self, message: str) -> int:
        joint = " " if message.startswith("line ") else ": "
        self._error = f"{self._order.record_label}{joint}{message}"
        return FAILURE

    def _ok(self) -> int:
        self._error = ""
        return SUCCESS


def _settable(name: str) -> Column:
    try:
        col = _SPEC.column(name)
    except KeyError:
        raise Rejected(f"{name} is not a field of SO_SalesOrderDetail") from None
    if name in _ASSIGNED:
        raise Rejected(f"{label(col)} is set by Sage, not by the caller")
    return col
