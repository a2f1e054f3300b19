"""The sandbox company's set-up: chart of accounts, tax jurisdictions, ship vias, terms,
payment types, warehouses. Values a distributor running Sage 100 would have entered."""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "ACCOUNTS",
    "DIVISIONS",
    "LOCAL_TAX",
    "PAYMENT_TYPES",
    "PRICE_CODES",
    "SHIP_METHODS",
    "STATE_TAX",
    "TERMS",
    "WAREHOUSES",
    "Account",
    "ShipMethod",
    "Terms",
]

DIVISIONS: tuple[tuple[str, str], ...] = (("00", "Domestic"), ("01", "Canada & Export"))


class Account(NamedTuple):
    main: str
    desc: str
    kind: str  # GL_Account.AccountType: 01 cash ... 18 other expense
    role: str  # how the generator refers to it ("" = no role)
    per_division: bool = False
    active: bool = True


_GROUP = {
    "01": ("CURRENT ASSETS", "A", "O"), "02": ("CURRENT ASSETS", "A", "O"),
    "03": ("CURRENT ASSETS", "A", "O"), "04": ("CURRENT ASSETS", "A", "O"),
    "05": ("FIXED ASSETS", "A", "I"), "06": ("FIXED ASSETS", "A", "I"),
    "07": ("OTHER ASSETS", "A", "I"), "08": ("CURRENT LIAB", "L", "O"),
    "09": ("CURRENT LIAB", "L", "O"), "10": ("LONG TERM LIAB", "L", "F"),
    "11": ("EQUITY", "C", "F"), "12": ("EQUITY", "C", "F"), "13": ("EQUITY", "C", ""),
    "14": ("SALES", "I", ""), "15": ("COST OF SALES", "E", ""), "16": ("OPERATING EXP", "E", ""),
    "17": ("OTHER INCOME", "I", ""), "18": ("OTHER EXPENSE", "E", ""),
}  # fmt: skip


def account_group(kind: str) -> tuple[str, str, str]:
    """(AccountGroup, AccountCategory, CashFlowsType) for an AccountType."""
    return _GROUP[kind]


ACCOUNTS: tuple[Account, ...] = (
    Account("1000", "Cash - Operating", "01", "cash"),
    Account("1010", "Cash - Payroll", "01", ""),
    Account("1020", "Petty Cash", "01", ""),
    Account("1050", "Cash - Canadian Funds", "01", "", active=False),
    Account("1200", "Accounts Receivable", "02", "receivables"),
    Account("1210", "Employee Advances", "02", "", active=False),
    Account("1250", "Allowance for Doubtful Accounts", "02", ""),
    Account("1300", "Inventory - Stock", "03", "inventory"),
    Account("1310", "Inventory - Kits", "03", "kit_inventory"),
    Account("1320", "Inventory - In Transit", "03", ""),
    Account("1400", "Prepaid Expenses", "04", ""),
    Account("1410", "Prepaid Insurance", "04", ""),
    Account("1500", "Furniture & Fixtures", "05", ""),
    Account("1510", "Warehouse Equipment", "05", ""),
    Account("1520", "Vehicles", "05", ""),
    Account("1530", "Computer Equipment", "05", ""),
    Account("1600", "Accum Depr - Furniture", "06", ""),
    Account("1610", "Accum Depr - Equipment", "06", ""),
    Account("1620", "Accum Depr - Vehicles", "06", ""),
    Account("1800", "Security Deposits", "07", ""),
    Account("1850", "Goodwill", "07", ""),
    Account("2000", "Accounts Payable", "08", "payables"),
    Account("2010", "Accrued Payables", "08", ""),
    Account("2100", "Sales Tax Payable", "09", "sales_tax"),
    Account("2110", "GST/HST Payable", "09", ""),
    Account("2200", "Accrued Payroll", "09", ""),
    Account("2210", "Payroll Taxes Payable", "09", ""),
    Account("2300", "Customer Deposits", "09", ""),
    Account("2400", "Line of Credit", "09", ""),
    Account("2700", "Note Payable - Bank", "10", ""),
    Account("2750", "Vehicle Loans", "10", ""),
    Account("3000", "Common Stock", "11", ""),
    Account("3100", "Paid-in Capital", "11", ""),
    Account("3500", "Shareholder Distributions", "12", ""),
    Account("3900", "Retained Earnings", "13", ""),
    Account("4000", "Sales - Merchandise", "14", "sales", per_division=True),
    Account("4010", "Sales - Kits", "14", "kit_sales", per_division=True),
    Account("4050", "Freight Income", "14", "freight", per_division=True),
    Account("4060", "Service & Handling Charges", "14", "charges", per_division=True),
    Account("4100", "Sales Returns & Allowances", "14", "returns", per_division=True),
    Account("4200", "Sales Discounts", "14", ""),
    Account("4900", "Scrap Sales", "14", "", active=False),
    Account("5000", "Cost of Goods Sold", "15", "cogs", per_division=True),
    Account("5010", "Cost of Goods Sold - Kits", "15", "kit_cogs", per_division=True),
    Account("5050", "Freight In", "15", ""),
    Account("5100", "Inventory Adjustments", "15", ""),
    Account("5200", "Purchase Discounts", "15", ""),
    Account("6000", "Salaries & Wages", "16", ""),
    Account("6010", "Payroll Taxes", "16", ""),
    Account("6020", "Employee Benefits", "16", ""),
    Account("6100", "Rent", "16", ""),
    Account("6110", "Utilities", "16", ""),
    Account("6200", "Office Supplies", "16", ""),
    Account("6210", "Postage & Shipping", "16", ""),
    Account("6300", "Insurance", "16", ""),
    Account("6400", "Depreciation Expense", "16", ""),
    Account("6500", "Advertising", "16", ""),
    Account("6510", "Trade Shows", "16", "", active=False),
    Account("6600", "Travel", "16", ""),
    Account("6610", "Meals & Entertainment", "16", ""),
    Account("6700", "Vehicle Expense", "16", ""),
    Account("6800", "Bad Debt Expense", "16", ""),
    Account("6900", "Bank Charges", "16", ""),
    Account("6910", "Credit Card Fees", "16", ""),
    Account("6950", "Professional Fees", "16", ""),
    Account("6990", "Sales Commissions", "16", ""),
    Account("7000", "Interest Income", "17", ""),
    Account("7100", "Gain on Sale of Assets", "17", ""),
    Account("8000", "Interest Expense", "18", ""),
    Account("8100", "Income Tax Expense", "18", ""),
)

# State sales tax: (TaxCode = state, description, rate %, freight taxable?)
STATE_TAX: tuple[tuple[str, str, float, bool], ...] = (
    ("AL", "Alabama", 4.0, False), ("AZ", "Arizona", 5.6, False), ("CA", "California", 7.25, False),
    ("CO", "Colorado", 2.9, False), ("CT", "Connecticut", 6.35, True),
    ("FL", "Florida", 6.0, False),
    ("GA", "Georgia", 4.0, True), ("ID", "Idaho", 6.0, False), ("IL", "Illinois", 6.25, False),
    ("IN", "Indiana", 7.0, False), ("KY", "Kentucky", 6.0, True), ("LA", "Louisiana", 4.45, False),
    ("MA", "Massachusetts", 6.25, False), ("MD", "Maryland", 6.0, False),
    ("MI", "Michigan", 6.0, True),
    ("MN", "Minnesota", 6.875, True), ("MO", "Missouri", 4.225, False),
    ("NC", "North Carolina", 4.75, True),
    ("NE", "Nebraska", 5.5, True), ("NJ", "New Jersey", 6.625, True),
    ("NM", "New Mexico", 4.875, True),
    ("NV", "Nevada", 6.85, False), ("NY", "New York", 4.0, True), ("OH", "Ohio", 5.75, True),
    ("OK", "Oklahoma", 4.5, False), ("PA", "Pennsylvania", 6.0, True),
    ("PR", "Puerto Rico IVU", 10.5, False),
    ("TN", "Tennessee", 7.0, True), ("TX", "Texas", 6.25, True), ("UT", "Utah", 4.85, False),
    ("VA", "Virginia", 5.3, False), ("WA", "Washington", 6.5, True), ("WI", "Wisconsin", 5.0, True),
)  # fmt: skip

# Local jurisdictions: (TaxCode, description, rate %, state, city, schedule)
LOCAL_TAX: tuple[tuple[str, str, float, str, str, str], ...] = (
    ("TX-DALLAS", "Dallas MTA", 2.0, "TX", "Dallas", "TX-DAL"),
    ("TX-HOUSTON", "Houston MTA", 2.0, "TX", "Houston", "TX-HOU"),
    ("IL-CHICAGO", "Chicago/Cook County", 4.0, "IL", "Chicago", "IL-CHI"),
    ("CA-LACOUNTY", "Los Angeles County", 2.25, "CA", "Los Angeles", "CA-LA"),
    ("NY-NYC", "New York City", 4.5, "NY", "New York", "NY-NYC"),
    ("CO-DENVER", "City of Denver", 4.81, "CO", "Denver", "CO-DEN"),
    ("WA-SEATTLE", "Seattle RTA", 3.85, "WA", "Seattle", "WA-SEA"),
    ("AZ-PHOENIX", "City of Phoenix", 2.3, "AZ", "Phoenix", "AZ-PHX"),
)


class ShipMethod(NamedTuple):
    code: str
    desc: str
    method: str  # FreightCalculationMethod: A amount, P product line, W weight
    base: float  # freight charged per order
    per_pound: float


SHIP_METHODS: tuple[ShipMethod, ...] = (
    ShipMethod("UPS GROUND", "UPS Ground", "W", 8.5, 0.45),
    ShipMethod("UPS 2ND DAY", "UPS 2nd Day Air", "W", 18.0, 1.1),
    ShipMethod("UPS NEXT DAY", "UPS Next Day Air", "W", 35.0, 2.2),
    ShipMethod("FEDEX GROUND", "FedEx Ground", "W", 8.25, 0.42),
    ShipMethod("FEDEX 2DAY", "FedEx 2Day", "W", 17.5, 1.05),
    ShipMethod("FEDEX PRIORITY", "FedEx Priority Overnight", "W", 38.0, 2.4),
    ShipMethod("USPS PRIORITY", "USPS Priority Mail", "W", 7.75, 0.6),
    ShipMethod("WILL CALL", "Customer Pick Up", "A", 0.0, 0.0),
    ShipMethod("TRUCK", "Common Carrier Truck", "W", 95.0, 0.12),
    ShipMethod("LTL FREIGHT", "LTL Freight Collect", "A", 0.0, 0.0),
    ShipMethod("OUR TRUCK", "Company Delivery", "A", 25.0, 0.0),
    ShipMethod("DHL INTL", "DHL Express International", "W", 45.0, 2.5),
)


class Terms(NamedTuple):
    code: str
    desc: str
    due_days: int
    discount_days: int
    discount_rate: float
    day_of_month: bool = False


TERMS: tuple[Terms, ...] = (
    Terms("00", "COD", 0, 0, 0.0),
    Terms("01", "Net 30", 30, 0, 0.0),
    Terms("02", "2% 10 Net 30", 30, 10, 2.0),
    Terms("03", "Net 60", 60, 0, 0.0),
    Terms("04", "Net 15", 15, 0, 0.0),
    Terms("05", "Due on Receipt", 0, 0, 0.0),
    Terms("06", "1% 10 Net 30", 30, 10, 1.0),
    Terms("07", "Net 45", 45, 0, 0.0),
    Terms("08", "10th Prox", 10, 0, 0.0, day_of_month=True),
    Terms("09", "Credit Card", 0, 0, 0.0),
    Terms("10", "Net 90", 90, 0, 0.0),
)

# (PaymentType, description, PaymentMethod: C check, O other, R credit card, D COD)
PAYMENT_TYPES: tuple[tuple[str, str, str], ...] = (
    ("CHECK", "Check", "C"), ("VISA", "Visa", "R"), ("MC", "MasterCard", "R"),
    ("AMEX", "American Express", "R"), ("ACH", "ACH / EFT", "O"), ("WIRE", "Wire Transfer", "O"),
    ("CASH", "Cash", "O"), ("COD", "Cash on Delivery", "D"),
)  # fmt: skip

# (WarehouseCode, description, city index into places.CITIES or EXPORT_CITIES, region)
WAREHOUSES: tuple[tuple[str, str, str, str], ...] = (
    ("000", "Main Warehouse", "Dallas", "CENTRAL"),
    ("001", "East Distribution Center", "Atlanta", "SOUTHEAST"),
    ("002", "West Distribution Center", "Sacramento", "WEST"),
    ("003", "Midwest Branch", "Chicago", "MIDWEST"),
    ("004", "Northeast Branch", "Newark", "NORTHEAST"),
    ("005", "Northwest Branch", "Portland", "NORTHWEST"),
    ("006", "Florida Branch", "Orlando", "SOUTHEAST"),
    ("007", "Canada Warehouse", "Mississauga", "CANADA"),
)

# Price code records (PriceCodeRecord 0): (PriceCode, description, method)
PRICE_CODES: tuple[tuple[str, str, str], ...] = (
    ("A", "Volume Discount A", "D"), ("B", "Volume Discount B", "D"),
    ("C", "Contractor Pricing", "D"), ("CONT", "Contract Markup", "M"),
    ("WHSL", "Wholesale Markup", "M"), ("SALE", "Promotional Discount", "D"),
)  # fmt: skip
