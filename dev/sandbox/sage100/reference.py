"""Reference tables (countries, G/L, tax, ship vias, terms, divisions, salespeople, payment
types, warehouses, product lines) and the lookups the later tables draw on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.sage100 import names
from sandbox.sage100 import reference_data as data
from sandbox.sage100.common import (
    DAY,
    SECOND,
    Frame,
    business_seconds,
    chunk_rng,
    later,
    phone_numbers,
)
from sandbox.sage100.common import stamp_columns as stamps
from sandbox.sage100.places import CITIES, COUNTRIES, EXPORT_CITIES
from sandbox.sage100.scales import Scale
from sandbox.sage100.taxes import NONTAX, tax_frames

__all__ = ["KITS", "NONTAX", "Reference", "build_reference", "reference_frames"]


@dataclass(frozen=True)
class Reference:
    """What items, customers and orders need to know about the set-up."""

    warehouses: tuple[str, ...]
    product_lines: tuple[str, ...]  # regular lines; KITS is separate
    ship_methods: tuple[data.ShipMethod, ...]
    terms: tuple[data.Terms, ...]
    salespeople: dict[str, tuple[str, ...]]  # division -> SalespersonNo
    accounts: dict[str, str]  # role (or role:division) -> AccountKey
    schedule_of_city: dict[tuple[str, str], str]  # (city, state) -> TaxSchedule
    schedule_rate: dict[str, float]  # TaxSchedule -> primary TX-class rate %
    price_codes: tuple[str, ...]
    payment_types: tuple[str, ...]

    def schedule_for(self, city: str, state: str, country: str) -> str:
        if country != "USA" and country != "PRI":
            return NONTAX
        return self.schedule_of_city.get((city, state), state if state in _STATE_RATES else NONTAX)


_STATE_RATES = {code: rate for code, _, rate, _ in data.STATE_TAX}
KITS = "KITS"


def _account_rows() -> list[tuple[str, str, str, str, bool, str, str]]:
    """(AccountKey, Account, main, desc, active, type, role) for the whole chart."""
    rows = []
    key = 0
    for acct in data.ACCOUNTS:
        divisions = [d for d, _ in data.DIVISIONS] if acct.per_division else ["00"]
        for division in divisions:
            key += 10
            role = f"{acct.role}:{division}" if acct.per_division else acct.role
            desc = acct.desc if division == "00" else f"{acct.desc} - Export"
            account = f"{acct.main}-{division}-00"
            rows.append((f"{key:09d}", account, acct.main, desc, acct.active, acct.kind, role))
    return rows


def build_reference(scale: Scale) -> Reference:
    accounts = {role: key for key, _, _, _, _, _, role in _account_rows() if role}
    schedule_of_city = {(city, state): sched for _, _, _, state, city, sched in data.LOCAL_TAX}
    rates = dict(_STATE_RATES)
    rates |= {sched: _STATE_RATES[state] for _, _, _, state, _, sched in data.LOCAL_TAX}
    rates[NONTAX] = 0.0
    per_division = scale.salespeople_per_division
    return Reference(
        warehouses=tuple(w[0] for w in data.WAREHOUSES[: scale.warehouses]),
        product_lines=tuple(p[0] for p in names.PRODUCT_LINES[: scale.product_lines]),
        ship_methods=data.SHIP_METHODS,
        terms=data.TERMS,
        salespeople={
            d: tuple(f"{k + 1:04d}" for k in range(per_division)) for d, _ in data.DIVISIONS
        },
        accounts=accounts,
        schedule_of_city=schedule_of_city,
        schedule_rate=rates,
        price_codes=tuple(p[0] for p in data.PRICE_CODES),
        payment_types=tuple(p[0] for p in data.PAYMENT_TYPES),
    )


def _frame(columns: dict[str, list[Any]]) -> Frame:
    return {name: np.asarray(values, dtype=object) for name, values in columns.items()}


def _with_stamps(
    frame: Frame, seed: int, table: str, as_of: np.datetime64, years_back: float = 8.0
) -> Frame:
    """Set-up rows were entered years ago, a few edited since."""
    n = len(next(iter(frame.values())))
    rng = chunk_rng(seed, table, 0)
    today = as_of.astype("datetime64[D]")
    back = (years_back * 365 * (1 - 0.4 * rng.random(n))).astype(np.int64)
    created = today - back * DAY + business_seconds(rng, n) * SECOND
    return frame | stamps(rng, created, later(rng, created, as_of, 0.15))


def reference_frames(
    ref: Reference, scale: Scale, seed: int, as_of: np.datetime64
) -> Iterator[tuple[str, Frame]]:
    def stamped(table: str, columns: dict[str, list[Any]]) -> tuple[str, Frame]:
        return table, _with_stamps(_frame(columns), seed, table, as_of)

    yield stamped(
        "SY_Country",
        {
            "CountryCode": [c.code for c in COUNTRIES],
            "CountryName": [c.name for c in COUNTRIES],
            "AlternateCountryCode": [c.alpha2 for c in COUNTRIES],
            "ISOCountryCode": [c.numeric for c in COUNTRIES],
            "PhoneCode": [c.phone for c in COUNTRIES],
            "StateCodeRequired": ["Y" if c.state_required else "N" for c in COUNTRIES],
        },
    )
    chart = _account_rows()
    groups = [data.account_group(kind) for *_, kind, _ in chart]
    yield stamped(
        "GL_Account",
        {
            "AccountKey": [r[0] for r in chart],
            "Account": [r[1] for r in chart],
            "RawAccount": [r[1].replace("-", "") for r in chart],
            "AccountDesc": [r[3] for r in chart],
            "MainAccountCode": [r[2] for r in chart],
            "Status": ["A" if r[4] else "I" for r in chart],
            "AccountType": [r[5] for r in chart],
            "AccountGroup": [g[0] for g in groups],
            "AccountCategory": [g[1] for g in groups],
            "CashFlowsType": [g[2] for g in groups],
            # Income-statement accounts close to retained earnings at year end.
            "ClearBalance": ["Y" if int(r[5]) >= 12 and r[5] != "13" else "N" for r in chart],
        },
    )
    yield from tax_frames(ref.accounts["sales_tax"], stamped)
    yield stamped(
        "SO_ShippingRateHeader",
        {
            "ShippingCode": [s.code for s in ref.ship_methods],
            "ShippingCodeDesc": [s.desc for s in ref.ship_methods],
            "FreightCalculationMethod": [s.method for s in ref.ship_methods],
            "UseShipZone": [
                "Y" if s.method == "W" and s.per_pound > 1 else "N" for s in ref.ship_methods
            ],
            "UseZipCodeAsShipZone": ["N"] * len(ref.ship_methods),
            "WeightCalculation": ["Y" if s.method == "W" else "N" for s in ref.ship_methods],
            "LineType": ["W" if s.method == "W" else "Q" for s in ref.ship_methods],
            "EBMEnabled": [
                "Y" if s.code.startswith(("UPS", "FEDEX")) else "N" for s in ref.ship_methods
            ],
            "BaseAmt": [s.base for s in ref.ship_methods],
        },
    )
    yield stamped(
        "AR_TermsCode",
        {
            "TermsCode": [t.code for t in ref.terms],
            "TermsCodeDesc": [t.desc for t in ref.terms],
            "DueDateADayOfTheMonth": ["Y" if t.day_of_month else "N" for t in ref.terms],
            "DiscountDateADayOfTheMo": ["N"] * len(ref.terms),
            "DiscountCalculationMethod": ["I" if t.discount_rate else "" for t in ref.terms],
            "DaysBeforeDue": [t.due_days for t in ref.terms],
            "MinimumDaysAllowedInv": [0] * len(ref.terms),
            "DaysBeforeDiscountDue": [t.discount_days for t in ref.terms],
            "MinimumDaysAllowedDisc": [0] * len(ref.terms),
            "DiscountRate": [t.discount_rate for t in ref.terms],
        },
    )
    yield stamped(
        "AR_Division",
        {
            "ARDivisionNo": [d for d, _ in data.DIVISIONS],
            "DivisionDesc": [desc for _, desc in data.DIVISIONS],
        },
    )
    yield _salespeople(ref, seed, as_of)
    yield stamped(
        "AR_PaymentType",
        {
            "PaymentType": [p[0] for p in data.PAYMENT_TYPES],
            "PaymentDesc": [p[1] for p in data.PAYMENT_TYPES],
            "PaymentMethod": [p[2] for p in data.PAYMENT_TYPES],
        },
    )
    yield _warehouses(ref, seed, as_of)
    yield stamped("IM_ProductLine", _product_lines(ref))


def _salespeople(ref: Reference, seed: int, as_of: np.datetime64) -> tuple[str, Frame]:
    rng = chunk_rng(seed, "AR_Salesperson:people")
    rows = [(d, no) for d, nos in ref.salespeople.items() for no in nos]
    n = len(rows)
    first = np.asarray(names.FIRST_NAMES, dtype=object)[rng.integers(0, len(names.FIRST_NAMES), n)]
    last = np.asarray(names.LAST_NAMES, dtype=object)[rng.integers(0, len(names.LAST_NAMES), n)]
    city = [CITIES[int(i)] for i in rng.integers(0, len(CITIES), n)]
    divisions = [d for d, _ in rows]
    manager = [ref.salespeople[d][0] if no != ref.salespeople[d][0] else "" for d, no in rows]
    frame = _frame(
        {
            "SalespersonDivisionNo": divisions,
            "SalespersonNo": [no for _, no in rows],
            "SalespersonName": [f"{f} {la}" for f, la in zip(first, last, strict=True)],
            "AddressLine1": [f"{100 + 37 * k} Commerce Dr" for k in range(n)],
            "AddressLine2": [""] * n,
            "AddressLine3": [""] * n,
            "City": [c.name for c in city],
            "State": [c.state for c in city],
            "ZipCode": [f"{c.zip_prefix}{k % 90 + 10:02d}" for k, c in enumerate(city)],
            "CountryCode": [c.country for c in city],
            "TelephoneNo": list(phone_numbers(rng, np.array([c.area_code for c in city]))),
            "TelephoneExt": [f"{200 + k}" for k in range(n)],
            "EmailAddress": [
                f"{f[0]}{la}@sandboxsupply.com".lower() for f, la in zip(first, last, strict=True)
            ],
            "SalesManagerDivisionNo": [
                d if m else "" for d, m in zip(divisions, manager, strict=True)
            ],
            "SalesManagerNo": manager,
            "CommissionRate": list(np.round(rng.uniform(2.0, 6.0, n), 1)),
            "SalesManagerCommRate": [1.0 if m else 0.0 for m in manager],
        }
    )
    return "AR_Salesperson", _with_stamps(frame, seed, "AR_Salesperson", as_of)


def _warehouses(ref: Reference, seed: int, as_of: np.datetime64) -> tuple[str, Frame]:
    rng = chunk_rng(seed, "IM_Warehouse:phones")
    by_name = {c.name: c for c in (*CITIES, *EXPORT_CITIES)}
    rows = data.WAREHOUSES[: len(ref.warehouses)]
    city = [by_name[r[2]] for r in rows]
    n = len(rows)
    zips = [
        f"{c.zip_prefix} {k}B{k}" if c.country == "CAN" else f"{c.zip_prefix}{k + 11:02d}"
        for k, c in enumerate(city)
    ]
    frame = _frame(
        {
            "WarehouseCode": [r[0] for r in rows],
            "WarehouseDesc": [r[1] for r in rows],
            "WarehouseName": [f"Sandbox Supply - {c.name}" for c in city],
            "WarehouseAddress1": [f"{2000 + 150 * k} Distribution Way" for k in range(n)],
            "WarehouseAddress2": ["Dock Entrance" if k % 2 else "" for k in range(n)],
            "WarehouseAddress3": [""] * n,
            "WarehouseCity": [c.name for c in city],
            "WarehouseState": [c.state for c in city],
            "WarehouseZipCode": zips,
            "WarehouseCountryCode": [c.country for c in city],
            "TelephoneNo": list(
                phone_numbers(
                    rng,
                    np.array([c.area_code for c in city]),
                    np.array([c.country for c in city], dtype=object),
                )
            ),
            "FaxNo": list(
                phone_numbers(
                    rng,
                    np.array([c.area_code for c in city]),
                    np.array([c.country for c in city], dtype=object),
                )
            ),
            "EmailAddress": [f"warehouse{r[0]}@sandboxsupply.com" for r in rows],
            "UDF_REGION": [r[3] for r in rows],
        }
    )
    created = as_of.astype("datetime64[D]") - (np.arange(n, 0, -1) * 400 + 2000) * DAY
    created = created + business_seconds(rng, n) * SECOND
    return "IM_Warehouse", frame | stamps(rng, created, later(rng, created, as_of, 0.3))


def _product_lines(ref: Reference) -> dict[str, list[Any]]:
    lines = [p for p in names.PRODUCT_LINES if p[0] in ref.product_lines]
    acct = ref.accounts
    rows = [(code, desc, "F", tax) for code, desc, _, tax in lines] + [
        (KITS, "Kits & Bundles", "K", "TX")
    ]
    n = len(rows)
    codes = ref.price_codes
    return {
        "ProductLine": [r[0] for r in rows],
        "ProductLineDesc": [r[1] for r in rows],
        "ProductType": [r[2] for r in rows],
        "Valuation": ["2"] * n,  # average cost
        "PriceCode": [codes[k % len(codes)] if k % 3 == 0 else "" for k in range(n)],
        "AllowBackOrders": ["Y"] * n,
        "ExplodeKitItems": ["Y" if r[2] == "K" else "N" for r in rows],
        "AllowTradeDiscount": ["Y" if k % 4 else "N" for k in range(n)],
        "TaxClass": [r[3] for r in rows],
        "StandardUnitOfMeasure": ["EACH"] * n,
        "SalesUnitOfMeasure": ["EACH"] * n,
        "PurchaseUnitOfMeasure": ["EACH" if k % 2 else "CASE" for k in range(n)],
        "InventoryAcctKey": [acct["kit_inventory" if r[2] == "K" else "inventory"] for r in rows],
        "CostOfGoodsSoldAcctKey": [acct["kit_cogs:00" if r[2] == "K" else "cogs:00"] for r in rows],
        "SalesIncomeAcctKey": [acct["kit_sales:00" if r[2] == "K" else "sales:00"] for r in rows],
    }
