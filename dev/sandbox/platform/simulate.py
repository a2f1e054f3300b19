"""Platform users at work: B2B sign-ups, new contacts and ship-tos, edits — some of them bad.

Everything goes through the platform's HTTP API with a user-role token, as the platform's
own web front end would: new records arrive with erp_status "readyforfirstsync" ("Send to
ERP"), edits of synced records turn them "updatesmade". Invalid records are the kinds the
data-quality gate must catch, one defect each, so tests can count them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import SecretStr

from connectors.platform.client import PlatformClient

__all__ = [
    "CUSTOMER_DEFECTS",
    "ORDER_DEFECTS",
    "PAYMENT_DEFECTS",
    "PlatformChanges",
    "simulate_platform",
]

_FIRST = ("Ada", "Ben", "Cleo", "Dev", "Eva", "Finn", "Gia", "Hugo", "Iris", "Jon", "Kai", "Lena")
_LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Reyes", "O'Brien", "Novak", "Haddad")
_TRADE = ("Tool Supply", "Fasteners", "Industrial", "Packaging", "Electric", "Hardware Co")
_CITY = (
    ("Springfield", "IL", "62701"),
    ("Columbus", "OH", "43004"),
    ("Austin", "TX", "73301"),
    ("Portland", "OR", "97201"),
    ("Madison", "WI", "53703"),
    ("Raleigh", "NC", "27601"),
)

# Each defect breaks one rule the gate or the ERP enforces; the name says which.
CUSTOMER_DEFECTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "name_too_long": lambda r: r.update(name="Consolidated " + "Widget " * 5 + "Holdings"),
    "invalid_email": lambda r: r.update(email="purchasing@@example"),
    "unknown_ship_via": lambda r: r.update(ship_via="OVERNITE-X"),
    "unknown_terms": lambda r: r.update(terms_code="ZZ"),
    "unknown_tax_schedule": lambda r: r.update(tax_schedule="NOWHERE"),
    "bad_customer_no": lambda r: r.update(customer_no="ACME-42"),
    "control_characters": lambda r: r.update(name="Bell\x07 Supply"),
    "address_too_long": lambda r: r.update(address1="1234 Industrial Parkway North, Suite 5000 E"),
}
CONTACT_DEFECTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "missing_customer": lambda r: r.update(customer_no="00-9999999"),
    "invalid_email": lambda r: r.update(email="no-at-sign.example.com"),
    "name_too_long": lambda r: r.update(name="A" * 60),
}
SHIP_TO_DEFECTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown_location": lambda r: r.update(location_code="ZZZ"),
    "address_too_long": lambda r: r.update(address1="9" * 45),
    "missing_customer": lambda r: r.update(customer_no="01-9999999"),
}


def _line_total(order: dict[str, Any]) -> float:
    return round(sum(x["quantity_ordered"] * x["price"] for x in order["lines"]), 2)


# Order defects use `ref` for what they need (an inactive item, a customer on hold).
ORDER_DEFECTS: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    "unknown_item": lambda r, ref: r["lines"][0].update(item_number="NO-SUCH-ITEM"),
    "inactive_item": lambda r, ref: r["lines"][0].update(item_number=ref["inactive_item"]),
    "unknown_customer": lambda r, ref: r.update(customer_no="00-8888888"),
    "credit_hold": lambda r, ref: r.update(customer_no=ref["on_hold"]),
    "zero_quantity": lambda r, ref: r["lines"][0].update(quantity_ordered=0),
    "negative_quantity": lambda r, ref: r["lines"][0].update(quantity_ordered=-2),
    "negative_price": lambda r, ref: r["lines"][0].update(price=-5.0),
    "totals_mismatch": lambda r, ref: r.update(subtotal=_line_total(r) + 10.0),
}
PAYMENT_DEFECTS: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    "more_than_balance": lambda r, ref: r.update(amount=round(r["amount"] + 1000.0, 2)),
    "other_customers_invoice": lambda r, ref: r.update(customer_no=ref["other_customer"]),
    "zero_amount": lambda r, ref: r.update(amount=0.0),
    "unknown_invoice": lambda r, ref: r.update(invoice_no="9999999"),
}


@dataclass
class PlatformChanges:
    """Platform ids of what was created or edited, valid and invalid apart."""

    valid: dict[str, list[int]] = field(default_factory=dict)
    invalid: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            e: {"valid": len(self.valid.get(e, [])), "invalid": len(self.invalid.get(e, []))}
            for e in sorted(set(self.valid) | set(self.invalid))
        }


def _codes(client: PlatformClient, resource: str, field_name: str) -> list[str]:
    return sorted(
        str(r[field_name]) for page in client.iter_changed(resource) for r in page
        if r.get(field_name)
    )  # fmt: skip


def _customer(rng: random.Random, ref: dict[str, list[str]], n: int) -> dict[str, Any]:
    city, state, zip_code = rng.choice(_CITY)
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return {
        "name": f"{last} {rng.choice(_TRADE)} {n}"[:30],
        "address1": f"{rng.randint(10, 9999)} Commerce Dr",
        "city": city,
        "state": state,
        "zip": zip_code,
        "country": "USA",
        "phone": f"({rng.randint(200, 989)}) 555-{rng.randint(0, 9999):04d}",
        "email": f"{first.lower()}.{n}@example.com",
        "ship_via": rng.choice(ref["ship_vias"]),
        "terms_code": rng.choice(ref["terms"]),
        "tax_schedule": rng.choice(ref["tax_schedules"]),
        "sales_person_no": rng.choice(ref["sales_people"]),
        "custom_fields": {"web_account": f"WEB-{n:06d}", "industry": "Manufacturing"},
        "erp_status": "readyforfirstsync",
    }


def simulate_platform(
    base_url: str,
    token: SecretStr,
    *,
    customers: int = 0,
    contacts: int = 0,
    ship_tos: int = 0,
    customer_edits: int = 0,
    orders: int = 0,
    payments: int = 0,
    invalid: int = 0,
    seed: int | None = None,
) -> PlatformChanges:
    """Create or edit records as platform users; `invalid` of each kind asked for are bad."""
    rng = random.Random(seed)
    changes = PlatformChanges()
    with PlatformClient(base_url, token) as client:
        ref = {
            "ship_vias": _codes(client, "ship_vias", "ship_via"),
            "terms": _codes(client, "terms", "terms_code"),
            "tax_schedules": _codes(client, "tax_schedules", "tax_schedule"),
            "sales_people": _codes(client, "sales_people", "sales_person_no"),
            "locations": _codes(client, "locations", "location_code"),
        }
        if any(not v for v in ref.values()):
            raise RuntimeError("the platform has no reference data yet: run the seed first")
        synced = [
            r for page in client.iter_changed("customers") for r in page
            if r.get("customer_no") and r.get("erp_status") == "synced"
        ]  # fmt: skip
        base = rng.randrange(100_000, 900_000)
        _create(client, changes, "customers", customers, invalid, _plain(CUSTOMER_DEFECTS), rng,
                lambda n: _customer(rng, ref, base + n))  # fmt: skip
        if synced:
            _create(client, changes, "contacts", contacts, invalid, _plain(CONTACT_DEFECTS), rng,
                    lambda n: _contact(rng, rng.choice(synced), base + n))  # fmt: skip
            _create(client, changes, "ship_tos", ship_tos, invalid, _plain(SHIP_TO_DEFECTS), rng,
                    lambda n: _ship_to(rng, ref, rng.choice(synced), base + n))  # fmt: skip
            edits = rng.sample(synced, min(customer_edits, len(synced)))
            if edits:
                result = client.upsert(
                    "customers",
                    [{"id": r["id"], "custom_fields": {**(r.get("custom_fields") or {}),
                      "industry": rng.choice(("Retail", "Construction", "Food service"))}}
                     for r in edits],
                )  # fmt: skip
                changes.valid.setdefault("customer_edits", []).extend(
                    int(x.id) for x in result.results if x.id is not None
                )
        if orders:
            _orders(client, changes, orders, invalid, rng, base, synced)
        if payments:
            _payments(client, changes, payments, invalid, rng, synced)
    return changes


def _all(client: PlatformClient, resource: str) -> list[dict[str, Any]]:
    return [r for page in client.iter_changed(resource) for r in page]


def _orders(
    client: PlatformClient,
    changes: PlatformChanges,
    count: int,
    invalid: int,
    rng: random.Random,
    base: int,
    customers: list[dict[str, Any]],
) -> None:
    items = {r["item_number"]: r for r in _all(client, "items")}
    stock = [
        r for r in _all(client, "item_locations")
        if r["item_number"] in items and items[r["item_number"]].get("activity_code") == "active"
        and items[r["item_number"]].get("item_kind") == "regular" and (r.get("price") or 0) > 0
    ]  # fmt: skip
    buyers = [c for c in customers if not c.get("credit_hold")]
    if not stock or not buyers:
        raise RuntimeError("the platform has no sellable items or customers yet: seed first")
    ref = {
        "inactive_item": next(
            (k for k, v in items.items() if v.get("activity_code") == "inactive"), None
        ),
        "on_hold": next((c["customer_no"] for c in customers if c.get("credit_hold")), None),
    }
    usable = {k: f for k, f in ORDER_DEFECTS.items()
              if k not in ("inactive_item", "credit_hold") or ref[_NEEDS[k]]}  # fmt: skip

    def make(n: int) -> dict[str, Any]:
        buyer = rng.choice(buyers)
        lines = []
        for line_no, loc in enumerate(rng.sample(stock, rng.randint(1, min(4, len(stock)))), 1):
            lines.append({
                "line_no": line_no,
                "item_number": loc["item_number"],
                "location_code": loc["location_code"],
                "quantity_ordered": rng.randint(1, 12),
                "price": float(loc["price"]),
            })  # fmt: skip
        order = {
            "customer_no": buyer["customer_no"],
            "order_date": date.today().isoformat(),
            "shipping_date": (date.today() + timedelta(days=3)).isoformat(),
            "customer_po_no": f"WEB-{base + n}",
            "ship_via": buyer.get("ship_via"),
            "ordered_by_name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
            "ordered_by_email": f"buyer{base + n}@example.com",
            "ship_instruction_1": "Leave at dock",
            "send_to_service_pro": True,
            "lines": lines,
            "erp_status": "readyforfirstsync",
        }
        order["subtotal"] = _line_total(order)
        return order

    _create(client, changes, "sales_orders", count, invalid,
            {k: _bind(f, ref) for k, f in usable.items()}, rng, make)  # fmt: skip


_NEEDS = {"inactive_item": "inactive_item", "credit_hold": "on_hold"}


def _bind(
    defect: Callable[[dict[str, Any], dict[str, Any]], None], ref: dict[str, Any]
) -> Callable[[dict[str, Any], int], None]:
    return lambda record, n: defect(record, ref)


def _plain(
    defects: dict[str, Callable[[dict[str, Any]], None]],
) -> dict[str, Callable[[dict[str, Any], int], None]]:
    def ignore_n(f: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any], int], None]:
        return lambda record, n: f(record)

    return {k: ignore_n(f) for k, f in defects.items()}


def _payments(
    client: PlatformClient,
    changes: PlatformChanges,
    count: int,
    invalid: int,
    rng: random.Random,
    customers: list[dict[str, Any]],
) -> None:
    open_invoices = [
        r for r in _all(client, "invoices")
        if r.get("invoice_type") == "invoice" and (r.get("balance") or 0) > 1
    ]  # fmt: skip
    if len(open_invoices) < count:
        raise RuntimeError(f"only {len(open_invoices)} open invoices on the platform")
    picked = rng.sample(open_invoices, count)  # distinct invoices: payments never add up
    numbers = [c["customer_no"] for c in customers]

    def make(n: int) -> dict[str, Any]:
        inv = picked[n]
        others = [c for c in numbers if c != inv["customer_no"]]
        ref_for[n] = {"other_customer": rng.choice(others) if others else "00-7777777"}
        return {
            "customer_no": inv["customer_no"],
            "invoice_no": inv["invoice_no"],
            "amount": round(min(float(inv["balance"]), float(rng.randint(1, 500))), 2),
            "payment_type": "VISA",
            "transaction_date": date.today().isoformat(),
            "reference": f"CC{rng.randint(10_000, 99_999)}",
            "erp_status": "readyforfirstsync",
        }

    ref_for: dict[int, dict[str, Any]] = {}

    def defect(kind: str) -> Callable[[dict[str, Any], int], None]:
        return lambda r, n: PAYMENT_DEFECTS[kind](r, ref_for[n])

    _create(client, changes, "payments", count, invalid,
            {k: defect(k) for k in PAYMENT_DEFECTS}, rng, make)  # fmt: skip


def _contact(rng: random.Random, customer: dict[str, Any], n: int) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return {
        "customer_no": customer["customer_no"],
        "name": f"{first} {last}",
        "title": rng.choice(("Buyer", "Controller", "Owner", "AP Clerk")),
        "phone": f"555-{rng.randint(0, 9999):04d}",
        "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}.{n}@example.com",
        "custom_fields": {"role": "purchasing"},
        "erp_status": "readyforfirstsync",
    }


def _ship_to(
    rng: random.Random, ref: dict[str, list[str]], customer: dict[str, Any], n: int
) -> dict[str, Any]:
    city, state, zip_code = rng.choice(_CITY)
    return {
        "customer_no": customer["customer_no"],
        "name": f"{customer.get('name') or 'Customer'} dock {n % 1000}"[:50],
        "address1": f"{rng.randint(1, 999)} Warehouse Row",
        "city": city,
        "state": state,
        "zip": zip_code,
        "country": "USA",
        "ship_via": rng.choice(ref["ship_vias"]),
        "location_code": rng.choice(ref["locations"]),
        "tax_schedule": rng.choice(ref["tax_schedules"]),
        "residential": False,
        "custom_fields": {"delivery_notes": "Dock door 3"},
        "erp_status": "readyforfirstsync",
    }


def _create(
    client: PlatformClient,
    changes: PlatformChanges,
    resource: str,
    count: int,
    invalid: int,
    defects: dict[str, Callable[[dict[str, Any], int], None]],
    rng: random.Random,
    make: Callable[[int], dict[str, Any]],
) -> None:
    if count <= 0:
        return
    bad = min(invalid, count)
    kinds = list(defects)
    records, labels = [], []
    for n in range(count):
        rec = make(n)
        label = ""
        if n < bad:
            label = kinds[n % len(kinds)]
            defects[label](rec, n)
        records.append(rec)
        labels.append(label)
    result = client.upsert(resource, records)
    for res in result.results:
        if res.id is None:
            continue
        label = labels[res.index]
        if label:
            changes.invalid.setdefault(resource, []).append((int(res.id), label))
        else:
            changes.valid.setdefault(resource, []).append(int(res.id))
