"""The Sage 100 tables erpsync reads and writes: names, columns, widths, value codes, keys.

This catalogue is what erpsync expects of a Sage 100 company: the standard columns of the
tables it reads and writes, their kinds and value codes, and the keys. It holds no UDF_
column: user-defined fields are each company's own and come from the configuration
(`[udf_fields]`). At run time the reader checks it against the live company
(connectors/sage100/discovery.py): widths come from the company, a column marked
`optional` (one some Sage releases or set-ups lack) may be missing, any other missing
column is an error naming it. The widths here are those of current releases (the
sandbox's), from Sage's file layouts and a real company's DDL mirror
(../shared/reference/sage100.md).

Column kinds:
    str   fixed-width string (`width` characters); Sage pads keys, integrators strip spaces
    flag  Y/N
    date  a date (YYYYMMDD in ProvideX, a SQL DATE through ODBC or on Premium)
    time  Sage's time of day: decimal hours since midnight, stored as a string ("14.53333")
    dec   numeric(width, scale)
    text  unbounded memo text
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = [
    "STAMP_COLUMNS",
    "TABLES",
    "Column",
    "Table",
    "table",
]

ColumnKind = Literal["str", "flag", "date", "time", "dec", "text"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    width: int | None = None
    scale: int = 0
    codes: tuple[str, ...] = ()
    # A company may lack it (older releases, modules not installed): the fields that
    # read it are left out, with a warning, instead of failing the step.
    optional: bool = False

    @property
    def is_udf(self) -> bool:
        return self.name.startswith("UDF_")


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    # True when the table carries DateCreated/TimeCreated/DateUpdated/TimeUpdated.
    stamped: bool = True
    # MAS_SYSTEM tables are shared by all companies (sales tax, countries).
    system: bool = False
    # Secondary keys as Sage names them (KDUPLICATEPO ...); the sandbox indexes them.
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def udf_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.is_udf)


def _s(name: str, width: int, *codes: str) -> Column:
    return Column(name, "str", width, codes=codes)


def _opt(col: Column) -> Column:
    return replace(col, optional=True)


def _flag(name: str) -> Column:
    return Column(name, "flag", 1, codes=("Y", "N"))


def _dec(name: str, width: int, scale: int) -> Column:
    return Column(name, "dec", width, scale)


def _date(name: str) -> Column:
    return Column(name, "date")


def _text(name: str) -> Column:
    return Column(name, "text")


# Only DateUpdated/TimeUpdated drive incremental reads; not every stamped table carries
# the created stamps (AR_TransactionPaymentHistory has none).
STAMP_COLUMNS: tuple[Column, ...] = (
    _opt(_date("DateCreated")),
    _opt(Column("TimeCreated", "time", 8)),
    _opt(_s("UserCreatedKey", 10)),
    _date("DateUpdated"),
    Column("TimeUpdated", "time", 8),
    _opt(_s("UserUpdatedKey", 10)),
)


def _table(
    name: str,
    key: tuple[str, ...],
    *columns: Column,
    stamped: bool = True,
    system: bool = False,
    keys: dict[str, tuple[str, ...]] | None = None,
) -> Table:
    cols = columns + (STAMP_COLUMNS if stamped else ())
    return Table(name, cols, key, stamped=stamped, system=system, keys=keys or {})


def _address(prefix: str, width: int, city: int) -> tuple[Column, ...]:
    return (
        _s(f"{prefix}Address1", width),
        _s(f"{prefix}Address2", width),
        _s(f"{prefix}Address3", width),
        _s(f"{prefix}City", city),
        _s(f"{prefix}State", 2),
        _s(f"{prefix}ZipCode", 10),
        _s(f"{prefix}CountryCode", 3),
    )


_ITEM_TYPES = ("1", "3", "4", "5")  # 1 regular, 3 charge, 4 comment, 5 miscellaneous
_PRODUCT_TYPES = ("F", "R", "D", "K")  # finished good, raw material, discontinued, kit
_QTY = 15, 6

_SALES_DOC_PARTIES: tuple[Column, ...] = (
    _s("ARDivisionNo", 2),
    _s("CustomerNo", 20),
    _s("BillToName", 50),
    _s("BillToAddress1", 40),
    _s("BillToAddress2", 40),
    _s("BillToAddress3", 40),
    _s("BillToCity", 30),
    _s("BillToState", 2),
    _s("BillToZipCode", 10),
    _s("BillToCountryCode", 3),
    _s("ShipToCode", 4),
    _s("ShipToName", 50),
    _s("ShipToAddress1", 40),
    _s("ShipToAddress2", 40),
    _s("ShipToAddress3", 40),
    _s("ShipToCity", 30),
    _s("ShipToState", 2),
    _s("ShipToZipCode", 10),
    _s("ShipToCountryCode", 3),
    _s("ShipVia", 15),
    _s("CustomerPONo", 30),
    _s("FOB", 15),
    _s("WarehouseCode", 3),
    _s("TermsCode", 2),
    _s("TaxSchedule", 9),
    _s("SalespersonDivisionNo", 2),
    _s("SalespersonNo", 4),
    _s("SalespersonDivisionNo2", 2),
    _s("SalespersonNo2", 4),
    _s("SalespersonDivisionNo3", 2),
    _s("SalespersonNo3", 4),
    _s("Comment", 30),
    _s("JobNo", 7),
)


def _order_header(history: bool) -> tuple[Column, ...]:
    """SO_SalesOrderHeader's columns; its history twin may lack a few of them."""
    maybe = _opt if history else (lambda c: c)
    return (
        _s("SalesOrderNo", 7),
        _date("OrderDate"),
        maybe(_s("OrderType", 1, "S", "B", "M", "R", "Q", "P")),
        maybe(_date("ShipExpireDate")),
        *_SALES_DOC_PARTIES,
        *_ORDER_HEADER_REST,
        maybe(_s("CurrentInvoiceNo", 7)),
        _s("BillToDivisionNo", 2),
        _s("BillToCustomerNo", 20),
    )


_ORDER_HEADER_REST: tuple[Column, ...] = (
    _s("ConfirmTo", 50),
    _s("EmailAddress", 250),
    _s("TaxExemptNo", 15),
    _s("PaymentType", 5),
    _s("CancelReasonCode", 5),
    _dec("TaxableAmt", 12, 2),
    _dec("NonTaxableAmt", 12, 2),
    _dec("SalesTaxAmt", 12, 2),
    _dec("FreightAmt", 12, 2),
    _dec("DiscountAmt", 12, 2),
    _dec("DepositAmt", 12, 2),
    _dec("Weight", 11, 2),
)

_LINE_ITEM: tuple[Column, ...] = (
    _s("ItemCode", 30),
    _s("ItemType", 1, *_ITEM_TYPES),
    _s("ItemCodeDesc", 30),
    _s("WarehouseCode", 3),
    _s("PriceLevel", 1),
    _s("UnitOfMeasure", 4),
    _dec("UnitOfMeasureConvFactor", 11, 4),
    _dec("QuantityShipped", *_QTY),
    _dec("QuantityBackordered", *_QTY),
    _dec("UnitCost", *_QTY),
    _dec("LineDiscountPercent", 8, 3),
    _date("PromiseDate"),
    _s("TaxClass", 2),
    _s("SalesAcctKey", 9),
    _s("CostOfGoodsSoldAcctKey", 9),
    _flag("DropShip"),
    _text("CommentText"),
)

# An open order's line: keyed by LineKey, shown in LineSeqNo order.
_ORDER_LINE: tuple[Column, ...] = (
    _s("SalesOrderNo", 7),
    _s("LineKey", 6),
    _s("LineSeqNo", 14),
    *_LINE_ITEM,
    _dec("QuantityOrdered", *_QTY),
    _dec("UnitPrice", *_QTY),
    _dec("ExtensionAmt", 11, 2),
)

# Its history: keyed by SequenceNo, with the quantity and price as first entered and as
# last revised (the order table's QuantityOrdered, UnitPrice, ExtensionAmt are the latter).
_ORDER_HISTORY_LINE: tuple[Column, ...] = (
    _s("SalesOrderNo", 7),
    _s("SequenceNo", 14),
    _s("LineKey", 6),
    *_LINE_ITEM,
    _dec("QuantityOrderedOriginal", *_QTY),
    _dec("QuantityOrderedRevised", *_QTY),
    _dec("OriginalUnitPrice", *_QTY),
    _dec("LastUnitPrice", *_QTY),
    _dec("LastExtensionAmt", 11, 2),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        # --- system-wide reference data -------------------------------------------------
        _table(
            "SY_Country",
            ("CountryCode",),
            _s("CountryCode", 3),
            _s("CountryName", 30),
            _s("AlternateCountryCode", 3),
            _s("ISOCountryCode", 3),
            _s("PhoneCode", 5),
            _flag("StateCodeRequired"),
            system=True,
        ),
        _table(
            "SY_SalesTaxCode",
            ("TaxCode",),
            _s("TaxCode", 15),
            _s("TaxCodeDesc", 30),
            _s("SalesTaxAcctKey", 9),
            system=True,
        ),
        _table(
            "SY_SalesTaxCodeDetail",
            ("TaxCode", "TaxClass"),
            _s("TaxCode", 15),
            _s("TaxClass", 2),
            _dec("TaxRate", 8, 3),
            system=True,
        ),
        _table(
            "SY_SalesTaxSchedule",
            ("TaxSchedule",),
            _s("TaxSchedule", 9),
            _s("TaxScheduleDesc", 30),
            system=True,
        ),
        _table(
            "SY_SalesTaxScheduleDetail",
            ("TaxSchedule", "ScheduleSeqNo"),
            _s("TaxSchedule", 9),
            _s("ScheduleSeqNo", 6),
            _s("TaxCode", 15),
            system=True,
        ),
        # --- company reference data -----------------------------------------------------
        _table(
            "GL_Account",
            ("AccountKey",),
            _s("AccountKey", 9),
            _s("Account", 41),
            _s("RawAccount", 32),
            _s("AccountDesc", 50),
            _s("MainAccountCode", 15),
            _s("Status", 1, "A", "I", "D"),
            _s("AccountType", 2, *(f"{n:02d}" for n in range(1, 19))),
            _s("AccountGroup", 15),
            _s("AccountCategory", 1),
            _s("CashFlowsType", 1),
            _flag("ClearBalance"),
        ),
        _table(
            "SO_ShippingRateHeader",
            ("ShippingCode",),
            _s("ShippingCode", 15),
            _s("ShippingCodeDesc", 30),
            _s("FreightCalculationMethod", 1, "A", "P", "W"),
            _flag("UseShipZone"),
            _flag("UseZipCodeAsShipZone"),
            _s("WeightCalculation", 1, "Y", "N", "F"),
            _s("LineType", 1, "Q", "W"),
            _flag("EBMEnabled"),
            _dec("BaseAmt", 12, 2),
        ),
        _table(
            "AR_TermsCode",
            ("TermsCode",),
            _s("TermsCode", 2),
            _s("TermsCodeDesc", 30),
            _flag("DueDateADayOfTheMonth"),
            _flag("DiscountDateADayOfTheMo"),
            _s("DiscountCalculationMethod", 1),
            _dec("DaysBeforeDue", 3, 0),
            _dec("MinimumDaysAllowedInv", 3, 0),
            _dec("DaysBeforeDiscountDue", 3, 0),
            _dec("MinimumDaysAllowedDisc", 3, 0),
            _dec("DiscountRate", 8, 3),
        ),
        _table(
            "AR_Division",
            ("ARDivisionNo",),
            _s("ARDivisionNo", 2),
            _s("DivisionDesc", 30),
        ),
        _table(
            "AR_Salesperson",
            ("SalespersonDivisionNo", "SalespersonNo"),
            _s("SalespersonDivisionNo", 2),
            _s("SalespersonNo", 4),
            _s("SalespersonName", 30),
            _s("AddressLine1", 40),
            _s("AddressLine2", 40),
            _s("AddressLine3", 40),
            _s("City", 30),
            _s("State", 2),
            _s("ZipCode", 10),
            _s("CountryCode", 3),
            _s("TelephoneNo", 20),
            _s("TelephoneExt", 6),
            _s("EmailAddress", 50),
            _s("SalesManagerDivisionNo", 2),
            _s("SalesManagerNo", 4),
            _dec("CommissionRate", 8, 3),
            _dec("SalesManagerCommRate", 8, 3),
        ),
        _table(
            "AR_PaymentType",
            ("PaymentType",),
            _s("PaymentType", 5),
            _s("PaymentDesc", 30),
            _s("PaymentMethod", 1, "C", "O", "R", "D"),
        ),
        # --- inventory --------------------------------------------------------------------
        _table(
            "IM_Warehouse",
            ("WarehouseCode",),
            _s("WarehouseCode", 3),
            _s("WarehouseDesc", 30),
            _s("WarehouseName", 30),
            _s("WarehouseAddress1", 30),
            _s("WarehouseAddress2", 30),
            _s("WarehouseAddress3", 30),
            _s("WarehouseCity", 20),
            _s("WarehouseState", 2),
            _s("WarehouseZipCode", 10),
            _s("WarehouseCountryCode", 3),
            _s("TelephoneNo", 17),
            _s("FaxNo", 17),
            _s("EmailAddress", 50),
        ),
        _table(
            "IM_ProductLine",
            ("ProductLine",),
            _s("ProductLine", 4),
            _s("ProductLineDesc", 25),
            _s("ProductType", 1, *_PRODUCT_TYPES),
            _s("Valuation", 1, "1", "2", "3", "4", "5", "6"),
            _s("PriceCode", 4),
            _flag("AllowBackOrders"),
            _s("ExplodeKitItems", 1, "Y", "N", "P"),
            _flag("AllowTradeDiscount"),
            _s("TaxClass", 2),
            _s("StandardUnitOfMeasure", 4),
            _s("SalesUnitOfMeasure", 4),
            _s("PurchaseUnitOfMeasure", 4),
            _s("InventoryAcctKey", 9),
            _s("CostOfGoodsSoldAcctKey", 9),
            _s("SalesIncomeAcctKey", 9),
        ),
        _table(
            "CI_Item",
            ("ItemCode",),
            _s("ItemCode", 30),
            _s("ItemType", 1, *_ITEM_TYPES),
            _s("ItemCodeDesc", 30),
            _s("ExtendedDescriptionKey", 10),
            _s("ProductLine", 4),
            _s("ProductType", 1, *_PRODUCT_TYPES),
            _s("PriceCode", 4),
            _s("TaxClass", 2),
            _s("DefaultWarehouseCode", 3),
            _s("Valuation", 1, "1", "2", "3", "4", "5", "6"),
            _flag("InactiveItem"),
            _flag("AllowBackOrders"),
            _dec("StandardUnitCost", *_QTY),
            _dec("StandardUnitPrice", *_QTY),
            _dec("LastTotalUnitCost", *_QTY),
            _dec("AverageUnitCost", *_QTY),
            _dec("SuggestedRetailPrice", *_QTY),
            _dec("SalesPromotionPrice", *_QTY),
            _dec("TotalQuantityOnHand", *_QTY),
            # Sage keeps the weight as a string; there is no numeric Weight column.
            _s("ShipWeight", 10),
            _dec("Volume", 10, 4),
            _s("StandardUnitOfMeasure", 4),
            _s("SalesUnitOfMeasure", 4),
            _s("PurchaseUnitOfMeasure", 4),
            _dec("SalesUMConvFctr", 11, 4),
            _dec("PurchaseUMConvFctr", 11, 4),
            _s("SalesAcctKey", 9),
            _s("CostOfGoodsSoldAcctKey", 9),
            _s("InventoryAcctKey", 9),
            _s("PurchaseAcctKey", 9),
            _s("PrimaryAPDivisionNo", 2),
            _s("PrimaryVendorNo", 7),
            _s("Category1", 10),
            _s("Category2", 10),
            _s("Category3", 10),
            _s("Category4", 10),
            _date("LastSoldDate"),
            _date("LastReceiptDate"),
            _flag("UseInAR"),
            _flag("UseInSO"),
            _flag("UseInPO"),
            _flag("DropShip"),
            keys={
                "KITEMTYPE": ("ItemType", "ItemCode"),
                "KPRODLINE": ("ProductLine", "ItemCode"),
            },
        ),
        _table(
            "IM_ItemWarehouse",
            ("ItemCode", "WarehouseCode"),
            _s("ItemCode", 30),
            _s("WarehouseCode", 3),
            _s("BinLocation", 10),
            _s("ReorderMethod", 1),
            _dec("QuantityOnHand", *_QTY),
            _dec("QuantityOnPurchaseOrder", *_QTY),
            _dec("QuantityOnSalesOrder", *_QTY),
            _dec("QuantityOnBackOrder", *_QTY),
            _dec("AverageCost", *_QTY),
            _dec("QuantityRequiredForWO", *_QTY),
            _dec("QuantityOnWorkOrder", *_QTY),
            _dec("QuantityInShipping", *_QTY),
            _dec("EconomicOrderQty", *_QTY),
            _dec("ReorderPointQty", *_QTY),
            _dec("MinimumOrderQty", *_QTY),
            _dec("MaximumOnHandQty", *_QTY),
            _dec("TotalWarehouseValue", 14, 2),
            _date("LastPhysicalCountDate"),
            keys={"KEY1": ("WarehouseCode", "BinLocation", "ItemCode")},
        ),
        _table(
            "IM_PriceCode",
            (
                "PriceCodeRecord",
                "PriceCode",
                "ItemCode",
                "CustomerPriceLevel",
                "ARDivisionNo",
                "CustomerNo",
            ),
            # 0 price code, 1 item price (item + customer price level), 2 item/customer price
            _s("PriceCodeRecord", 1, "0", "1", "2"),
            _s("PriceCode", 4),
            _s("ItemCode", 30),
            _s("CustomerPriceLevel", 1),
            _s("ARDivisionNo", 2),
            _s("CustomerNo", 20),
            _s("PriceCodeDesc", 25),
            # C cost markup amount, D discount %, M markup %, O override price, P price discount
            _s("PricingMethod", 1, "C", "D", "M", "O", "P"),
            _dec("BreakQuantity1", 8, 0),
            _dec("BreakQuantity2", 8, 0),
            _dec("BreakQuantity3", 8, 0),
            _dec("BreakQuantity4", 8, 0),
            _dec("BreakQuantity5", 8, 0),
            _dec("DiscountMarkup1", *_QTY),
            _dec("DiscountMarkup2", *_QTY),
            _dec("DiscountMarkup3", *_QTY),
            _dec("DiscountMarkup4", *_QTY),
            _dec("DiscountMarkup5", *_QTY),
            keys={
                "KITEM": ("ItemCode", "PriceCodeRecord"),
                "KCUSTOMER": ("ARDivisionNo", "CustomerNo", "ItemCode"),
            },
        ),
        # --- customers ------------------------------------------------------------------
        _table(
            "AR_Customer",
            ("ARDivisionNo", "CustomerNo"),
            _s("ARDivisionNo", 2),
            _s("CustomerNo", 20),
            _s("CustomerName", 50),
            _s("AddressLine1", 40),
            _s("AddressLine2", 40),
            _s("AddressLine3", 40),
            _s("City", 30),
            _s("State", 2),
            _s("ZipCode", 10),
            _s("CountryCode", 3),
            _s("TelephoneNo", 20),
            _s("TelephoneExt", 6),
            _s("FaxNo", 20),
            _s("EmailAddress", 250),
            _s("URLAddress", 50),
            _s("ContactCode", 10),
            _s("SortField", 10),
            _s("CustomerType", 4),
            _s("ShipMethod", 15),
            _s("TaxSchedule", 9),
            _s("TaxExemptNo", 15),
            _s("TermsCode", 2),
            _s("SalespersonDivisionNo", 2),
            _s("SalespersonNo", 4),
            _s("PriceLevel", 1),
            _flag("CreditHold"),
            _s("CustomerStatus", 1, "A", "I"),
            _flag("OpenItemCustomer"),
            _flag("ResidentialAddress"),
            _s("StatementCycle", 1),
            _s("PrimaryShipToCode", 4),
            _s("DefaultPaymentType", 5),
            # National Accounts: the customer whose bill-to this customer uses. A company
            # without the module has no such columns: step 18 then has nothing to link.
            _opt(_s("BillToDivisionNo", 2)),
            _opt(_s("BillToCustomerNo", 20)),
            _dec("CreditLimit", 13, 2),
            _dec("LastPaymentAmt", 13, 2),
            _dec("HighestStmntBalance", 13, 2),
            _dec("CurrentBalance", 13, 2),
            _dec("AgingCategory1", 13, 2),
            _dec("AgingCategory2", 13, 2),
            _dec("AgingCategory3", 13, 2),
            _dec("AgingCategory4", 13, 2),
            _dec("OpenOrderAmt", 13, 2),
            _date("DateLastActivity"),
            _date("DateLastPayment"),
            _date("DateEstablished"),
        ),
        _table(
            "SO_ShipToAddress",
            ("ARDivisionNo", "CustomerNo", "ShipToCode"),
            _s("ARDivisionNo", 2),
            _s("CustomerNo", 20),
            _s("ShipToCode", 4),
            _s("ShipToName", 50),
            *_address("ShipTo", 40, 30),
            _s("TelephoneNo", 20),
            _s("TelephoneExt", 6),
            _s("FaxNo", 20),
            _s("EmailAddress", 50),
            _s("ContactCode", 10),
            _s("SalespersonDivisionNo", 2),
            _s("SalespersonNo", 4),
            _s("WarehouseCode", 3),
            _s("TaxSchedule", 9),
            # Only where A/R sales-tax reporting keeps exemptions per ship-to.
            _opt(_s("TaxExemptNo", 15)),
            _flag("ResidentialAddress"),
            _s("ShipVia", 15),
        ),
        _table(
            "AR_CustomerContact",
            ("ARDivisionNo", "CustomerNo", "ContactCode"),
            _s("ARDivisionNo", 2),
            _s("CustomerNo", 20),
            _s("ContactCode", 10),
            _s("ContactName", 50),
            _s("AddressLine1", 40),
            _s("AddressLine2", 40),
            _s("AddressLine3", 40),
            _s("City", 30),
            _s("State", 2),
            _s("ZipCode", 10),
            _s("CountryCode", 3),
            _s("Salutation", 10),
            _s("ContactTitle", 15),
            _s("TelephoneNo1", 20),
            _s("TelephoneExt1", 6),
            _s("TelephoneNo2", 20),
            _s("TelephoneExt2", 6),
            _s("FaxNo", 20),
            _s("EmailAddress", 50),
            _text("ContactNotes"),
        ),
        # --- sales orders ---------------------------------------------------------------
        _table(
            "SO_SalesOrderHeader",
            ("SalesOrderNo",),
            *_order_header(history=False),
            _s("OrderStatus", 1, "N", "O", "C", "H"),
            keys={
                "KCUSTOMER": ("ARDivisionNo", "CustomerNo", "SalesOrderNo"),
                "KDUPLICATEPO": ("ARDivisionNo", "CustomerNo", "CustomerPONo", "SalesOrderNo"),
            },
        ),
        _table("SO_SalesOrderDetail", ("SalesOrderNo", "LineKey"), *_ORDER_LINE, stamped=False),
        # Every order ever entered, with its life-cycle status; completed and deleted orders
        # leave SO_SalesOrderHeader and live on here.
        _table(
            "SO_SalesOrderHistoryHeader",
            ("SalesOrderNo",),
            *_order_header(history=True),
            # A active, C completed, X deleted order, Q quote, Z deleted quote
            _s("OrderStatus", 1, "A", "C", "X", "Q", "Z"),
            _date("LastInvoiceDate"),
            _s("LastInvoiceNo", 7),
            keys={
                "KCUSTOMER": ("ARDivisionNo", "CustomerNo", "SalesOrderNo"),
                "KDUPLICATEPO": ("ARDivisionNo", "CustomerNo", "CustomerPONo", "SalesOrderNo"),
            },
        ),
        _table(
            "SO_SalesOrderHistoryDetail",
            ("SalesOrderNo", "SequenceNo"),
            *_ORDER_HISTORY_LINE,
            stamped=False,
        ),
        # --- invoices and payments ------------------------------------------------------
        _table(
            "AR_InvoiceHistoryHeader",
            ("InvoiceNo", "HeaderSeqNo"),
            _s("InvoiceNo", 7),
            _s("HeaderSeqNo", 6),
            _s("ModuleCode", 3),
            _s("InvoiceType", 2, "IN", "CM", "DM", "FC", "CA", "XD", "AD"),
            _date("InvoiceDate"),
            _date("TransactionDate"),
            _s("ApplyToInvoiceNo", 7),
            *_SALES_DOC_PARTIES,
            _s("SalesOrderNo", 7),
            _s("OrderType", 1),
            _date("OrderDate"),
            _date("ShipDate"),
            _dec("TaxableSalesAmt", 12, 2),
            _dec("NonTaxableSalesAmt", 12, 2),
            _dec("FreightAmt", 12, 2),
            _dec("SalesTaxAmt", 12, 2),
            _dec("CostOfSalesAmt", 12, 2),
            _dec("DiscountAmt", 12, 2),
            _dec("DepositAmt", 12, 2),
            _dec("Weight", 11, 2),
            _date("InvoiceDueDate"),
            _date("DiscountDueDate"),
            keys={"KCUSTOMER": ("ARDivisionNo", "CustomerNo", "InvoiceNo")},
        ),
        _table(
            "AR_InvoiceHistoryDetail",
            ("InvoiceNo", "HeaderSeqNo", "DetailSeqNo"),
            _s("InvoiceNo", 7),
            _s("HeaderSeqNo", 6),
            _s("DetailSeqNo", 6),
            _s("ItemCode", 30),
            _s("ItemType", 1, *_ITEM_TYPES),
            _s("ItemCodeDesc", 30),
            _s("ProductLine", 4),
            _s("WarehouseCode", 3),
            _s("UnitOfMeasure", 4),
            _dec("UnitOfMeasureConvFactor", 11, 4),
            _dec("QuantityOrdered", *_QTY),
            _dec("QuantityShipped", *_QTY),
            _dec("QuantityBackordered", *_QTY),
            _dec("UnitPrice", *_QTY),
            _dec("UnitCost", *_QTY),
            _dec("ExtensionAmt", 11, 2),
            _date("PromiseDate"),
            _s("TaxClass", 2),
            _s("SalesAcctKey", 9),
            _s("CostOfGoodsSoldAcctKey", 9),
            _s("AppliedSalesOrderNo", 7),
            _text("CommentText"),
            stamped=False,
        ),
        _table(
            "AR_OpenInvoice",
            ("ARDivisionNo", "CustomerNo", "InvoiceNo", "InvoiceType"),
            _s("ARDivisionNo", 2),
            _s("CustomerNo", 20),
            _s("InvoiceNo", 7),
            _s("InvoiceType", 2, "IN", "CM", "DM", "FC", "PP"),
            _date("InvoiceDate"),
            _date("InvoiceDueDate"),
            _date("InvoiceDiscountDate"),
            _s("InvoiceHistoryHeaderSeqNo", 6),
            _s("TermsCode", 2),
            _s("CustomerPONo", 30),
            _dec("Balance", 13, 2),
            _dec("PaymentsToday", 13, 2),
            _dec("TaxableAmt", 13, 2),
            _dec("SalesTaxAmt", 13, 2),
            _dec("FreightAmt", 13, 2),
            _dec("DiscountAmt", 13, 2),
        ),
        _table(
            "AR_TransactionPaymentHistory",
            (
                "ARDivisionNo",
                "CustomerNo",
                "InvoiceNo",
                "InvoiceType",
                "TransactionDate",
                "SequenceNo",
            ),
            _s("ARDivisionNo", 2),
            _s("CustomerNo", 20),
            _s("InvoiceNo", 7),
            _s("InvoiceType", 2, "IN", "CM", "DM", "FC", "PP", "PY", "BC", "BF"),
            _date("TransactionDate"),
            _s("SequenceNo", 6),
            # I invoice, C credit memo, D debit memo, P payment, A adjustment, F finance charge
            _s("TransactionType", 1, "I", "C", "D", "P", "A", "F", "X"),
            _dec("TransactionAmt", 13, 2),
            _date("PaymentDate"),
            _s("CheckNo", 10),
            _s("PaymentReference", 14),
            _s("PaymentType", 5),
            _opt(_s("DepositNo", 5)),
        ),
        _table(
            "AR_CashReceiptsDeposit",
            ("DepositNo",),
            _s("DepositNo", 5),
            _date("DepositDate"),
            _s("DepositDesc", 30),
            _s("BankCode", 1),
            _dec("DepositAmt", 13, 2),
        ),
        _table(
            "AR_CashReceiptsHeader",
            ("DepositNo", "ARDivisionNo", "CustomerNo", "CheckNo"),
            _s("DepositNo", 5),
            _s("ARDivisionNo", 2),
            _s("CustomerNo", 20),
            _s("CheckNo", 10),
            _date("TransactionDate"),
            _s("PaymentType", 5),
            _dec("PostingAmt", 13, 2),
            _s("CashAcctKey", 9),
        ),
        _table(
            "AR_CashReceiptsDetail",
            ("DepositNo", "ARDivisionNo", "CustomerNo", "CheckNo", "InvoiceNo"),
            _s("DepositNo", 5),
            _s("ARDivisionNo", 2),
            _s("CustomerNo", 20),
            _s("CheckNo", 10),
            _s("InvoiceNo", 7),
            _s("InvoiceType", 2),
            _dec("AmountPosted", 13, 2),
            stamped=False,
        ),
    )
}


def table(name: str) -> Table:
    """The catalogue entry for a Sage table; a KeyError names the unknown table."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown Sage 100 table {name!r}") from None
