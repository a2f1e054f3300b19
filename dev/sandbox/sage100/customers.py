"""AR_Customer, AR_CustomerContact, SO_ShipToAddress and item/customer prices, by chunk.

Customers are numbered in the order they were opened ("0000001", zero-filled to 7 digits
so the platform's "{00}-{0000001}" works). Every 50th customer is a possible national
account head; a few of the customers after it bill to it (BillToDivisionNo/No).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np

from sandbox.sage100 import names
from sandbox.sage100.addresses import addresses
from sandbox.sage100.catalog import CustomerCatalog, CustomerParts, ItemCatalog, creation_days
from sandbox.sage100.common import (
    DAY,
    SECOND,
    Frame,
    business_seconds,
    chunk_rng,
    join,
    later,
    phone_numbers,
    pick,
    stamp_columns,
    text,
    truncate,
)
from sandbox.sage100.contacts import contact_frame, ship_to_frame
from sandbox.sage100.pricing import price_code_frame
from sandbox.sage100.reference import NONTAX, Reference
from sandbox.sage100.scales import Scale

__all__ = ["NATIONAL_EVERY", "customer_frames", "customer_rows"]

NATIONAL_EVERY = 50
_TERMS_WEIGHTS = {
    "01": 45,
    "02": 15,
    "00": 5,
    "05": 5,
    "04": 5,
    "06": 5,
    "07": 5,
    "03": 5,
    "08": 3,
    "09": 5,
    "10": 2,
}
_PAYMENT_WEIGHTS = {"CHECK": 50, "ACH": 20, "VISA": 10, "MC": 7, "AMEX": 3, "WIRE": 10}


_SUFFIXES = re.compile(r"\s+(inc|llc|co|corp|ltd|group|& sons)$")


def _slug(name: str) -> str:
    """ "Summit Electric LLC" -> "summitelectric": web account names and mail domains."""
    return re.sub(r"[^a-z0-9]", "", _SUFFIXES.sub("", name.lower()))[:30] or "customer"


def _weighted(rng: np.random.Generator, weights: dict[str, int], n: int) -> np.ndarray:
    keys = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=np.float64)
    return rng.choice(keys, n, p=p / p.sum())


def customer_rows(
    rng: np.random.Generator, numbers: np.ndarray, division: np.ndarray, ref: Reference
) -> Frame:
    """AR_Customer columns a user fills in when opening an account (no stamps, balances)."""
    n = len(numbers)
    addr = addresses(rng, division == "01")
    style = rng.random(n)
    word = pick(rng, names.COMPANY_WORDS, n)
    name = np.where(style < 0.5, word, pick(rng, names.LAST_NAMES, n))
    name = join(name, pick(rng, names.INDUSTRIES, n), pick(rng, names.COMPANY_SUFFIXES, n))
    name = truncate(name, 30)
    domain = np.array([_slug(s) + ".com" for s in name], dtype=object)
    mailbox = pick(rng, ("orders", "ap", "purchasing", "info", "office"), n)
    exempt = rng.random(n) < 0.08
    schedule = np.array(
        [
            ref.schedule_for(c, s, k)
            for c, s, k in zip(addr.city, addr.state, addr.country, strict=True)
        ],
        dtype=object,
    )
    schedule = np.where(exempt, NONTAX, schedule)
    terms = _weighted(rng, _TERMS_WEIGHTS, n)
    payment = np.where(
        terms == "00", "COD", np.where(terms == "09", "VISA", _weighted(rng, _PAYMENT_WEIGHTS, n))
    )
    ship = np.where(
        division == "01",
        pick(rng, ("DHL INTL", "TRUCK", "UPS GROUND", "FEDEX 2DAY"), n),
        pick(rng, [s.code for s in ref.ship_methods if s.code != "DHL INTL"], n),
    )
    people = {d: np.asarray(p, dtype=object) for d, p in ref.salespeople.items()}
    salesperson = np.array(
        [
            people[d][k % len(people[d])]
            for d, k in zip(division, rng.integers(0, 1000, n), strict=True)
        ],
        dtype=object,
    )
    return {
        "ARDivisionNo": division,
        "CustomerNo": numbers,
        "CustomerName": name,
        "AddressLine1": addr.line1,
        "AddressLine2": addr.line2,
        "AddressLine3": text(n),
        "City": addr.city,
        "State": addr.state,
        "ZipCode": addr.zip_code,
        "CountryCode": addr.country,
        "TelephoneNo": phone_numbers(rng, addr.area, addr.country),
        "TelephoneExt": np.where(
            rng.random(n) < 0.2, rng.integers(10, 999, n).astype(str), ""
        ).astype(object),
        "FaxNo": np.where(
            rng.random(n) < 0.4, phone_numbers(rng, addr.area, addr.country), ""
        ).astype(object),
        "EmailAddress": mailbox + "@" + domain,
        "URLAddress": np.where(rng.random(n) < 0.7, "www." + domain, "").astype(object),
        "SortField": np.array(
            [re.sub(r"[^A-Z0-9]", "", s.upper())[:10] for s in name], dtype=object
        ),
        "CustomerType": pick(rng, names.CUSTOMER_TYPES, n),
        "ShipMethod": ship,
        "TaxSchedule": schedule,
        "TaxExemptNo": np.where(
            exempt, "EX" + rng.integers(100_000, 999_999, n).astype(str), ""
        ).astype(object),
        "TermsCode": terms,
        "SalespersonDivisionNo": division,
        "SalespersonNo": salesperson,
        "PriceLevel": np.where(
            rng.random(n) < 0.4, "", pick(rng, ("1", "2", "3", "4", "5"), n)
        ).astype(object),
        "CreditHold": np.where(rng.random(n) < 0.03, "Y", "N").astype(object),
        "CustomerStatus": np.where(rng.random(n) < 0.03, "I", "A").astype(object),
        "OpenItemCustomer": np.where(rng.random(n) < 0.9, "Y", "N").astype(object),
        "ResidentialAddress": np.where(rng.random(n) < 0.03, "Y", "N").astype(object),
        "StatementCycle": np.where(rng.random(n) < 0.85, "M", "W").astype(object),
        "DefaultPaymentType": payment.astype(object),
        "CreditLimit": np.where(terms == "00", 0.0, np.round(rng.uniform(10, 200, n)) * 500.0),
        "UDF_WEB_ACCOUNT": np.where(
            rng.random(n) < 0.6, np.array([_slug(s) for s in name], dtype=object), ""
        ),
        "UDF_INDUSTRY": pick(rng, names.INDUSTRY_SECTORS, n),
    }


def _customer_prices(
    rng: np.random.Generator,
    cust: Frame,
    items: ItemCatalog,
    created: np.ndarray,
    as_of: np.datetime64,
) -> Frame:
    """Item/customer price records (PriceCodeRecord 2): contract prices for some accounts."""
    n = len(cust["CustomerNo"])
    count = np.where(rng.random(n) < 0.15, rng.integers(1, 6, n), 0)
    owner = np.repeat(np.arange(n), count)
    first = items.first_sellable
    item = first + rng.integers(0, len(items) - first, len(owner))
    pairs = np.unique(owner * len(items) + item)  # one record per customer and item
    owner, item = pairs // len(items), pairs % len(items)
    m = len(owner)
    return price_code_frame(
        rng,
        record="2",
        price_code=text(m),
        item_code=items.code[item],
        level=text(m),
        division=cust["ARDivisionNo"][owner],
        customer=cust["CustomerNo"][owner],
        desc=text(m),
        method=rng.choice(np.array(["O", "D", "C"], dtype=object), m, p=[0.5, 0.3, 0.2]),
        price=items.price[item],
        cost=items.cost[item],
        created=np.minimum(created[owner] + rng.integers(1, 120, m) * DAY, as_of),
        as_of=as_of,
    )


def _primary_ship_to(
    cust: Frame, ship_tos: Frame, first_ship: np.ndarray, has_ship: np.ndarray, warehouse: str
) -> dict[str, np.ndarray]:
    """What orders copy from each customer's primary ship-to (from the customer when it
    has none)."""
    fallback: dict[str, Any] = {
        "ShipToCode": "",
        "ShipToName": cust["CustomerName"],
        "ShipToAddress1": cust["AddressLine1"],
        "ShipToAddress2": cust["AddressLine2"],
        "ShipToCity": cust["City"],
        "ShipToState": cust["State"],
        "ShipToZipCode": cust["ZipCode"],
        "ShipToCountryCode": cust["CountryCode"],
        "ShipVia": cust["ShipMethod"],
        "TaxSchedule": cust["TaxSchedule"],
        "WarehouseCode": warehouse,
    }
    m = len(has_ship)
    if not len(ship_tos["ShipToCode"]):
        return {
            c: np.full(m, v, dtype=object) if isinstance(v, str) else v for c, v in fallback.items()
        }
    row = np.minimum(first_ship, len(ship_tos["ShipToCode"]) - 1)
    return {c: np.where(has_ship, ship_tos[c][row], v).astype(object) for c, v in fallback.items()}


def customer_frames(
    scale: Scale,
    ref: Reference,
    seed: int,
    as_of: np.datetime64,
    items: ItemCatalog,
    catalog: CustomerCatalog,
) -> Iterator[tuple[str, Frame]]:
    """The customer tables in chunks; `catalog` collects what orders copy from customers."""
    if scale.master_chunk % NATIONAL_EVERY:
        raise ValueError("master_chunk must be a multiple of NATIONAL_EVERY")
    n = scale.customers
    for chunk, first in enumerate(range(0, n, scale.master_chunk)):
        stop = min(first + scale.master_chunk, n)
        rng = chunk_rng(seed, "AR_Customer", chunk)
        idx = np.arange(first, stop)
        m = len(idx)
        division = np.where(rng.random(m) < 0.2, "01", "00").astype(object)
        numbers = np.array([f"{i + 1:07d}" for i in idx], dtype=object)
        cust = customer_rows(rng, numbers, division, ref)
        days = creation_days(first, stop, n, as_of, scale, before=0.6, oldest_years=12)
        created = days + business_seconds(rng, m) * SECOND
        head = idx // NATIONAL_EVERY * NATIONAL_EVERY - first
        child = (idx - first != head) & ((rng.random(m) < 0.08) | (idx % NATIONAL_EVERY == 7))
        cust["BillToDivisionNo"] = np.where(child, division[head], "").astype(object)
        cust["BillToCustomerNo"] = np.where(child, numbers[head], "").astype(object)
        contacts, first_contact = contact_frame(
            chunk_rng(seed, "AR_CustomerContact", chunk), cust, created, as_of
        )
        cust["ContactCode"] = contacts["ContactCode"][first_contact]
        ship_tos, first_ship, has_ship = ship_to_frame(
            chunk_rng(seed, "SO_ShipToAddress", chunk),
            cust,
            created,
            cust["ContactCode"],
            ref,
            as_of,
        )
        ship = _primary_ship_to(cust, ship_tos, first_ship, has_ship, ref.warehouses[0])
        cust["PrimaryShipToCode"] = ship["ShipToCode"]
        cust["DateEstablished"] = days
        cust |= stamp_columns(rng, created, later(rng, created, as_of, 0.3))
        inactive = cust["CustomerStatus"] == "I"
        hold = cust["CreditHold"] == "Y"
        catalog.add(
            CustomerParts(
                division=division,
                number=numbers,
                name=cust["CustomerName"],
                address1=cust["AddressLine1"],
                address2=cust["AddressLine2"],
                address3=cust["AddressLine3"],
                city=cust["City"],
                state=cust["State"],
                zip_code=cust["ZipCode"],
                country=cust["CountryCode"],
                ship_via=ship["ShipVia"],
                terms=cust["TermsCode"],
                tax_schedule=ship["TaxSchedule"],
                tax_exempt=cust["TaxExemptNo"],
                salesperson=cust["SalespersonNo"],
                price_level=cust["PriceLevel"],
                payment_type=cust["DefaultPaymentType"],
                bill_to_division=cust["BillToDivisionNo"],
                bill_to_number=cust["BillToCustomerNo"],
                credit_hold=hold,
                confirm_to=truncate(contacts["ContactName"][first_contact], 30),
                email=contacts["EmailAddress"][first_contact],
                ship_to_code=cust["PrimaryShipToCode"],
                ship_to_name=ship["ShipToName"],
                ship_to_address1=ship["ShipToAddress1"],
                ship_to_address2=ship["ShipToAddress2"],
                ship_to_city=ship["ShipToCity"],
                ship_to_state=ship["ShipToState"],
                ship_to_zip=ship["ShipToZipCode"],
                ship_to_country=ship["ShipToCountryCode"],
                warehouse=ship["WarehouseCode"],
                created=created,
                popularity=rng.lognormal(0.0, 1.2, m)
                * np.where(inactive, 0.05, 1.0)
                * np.where(hold, 0.3, 1.0),
            )
        )
        yield "AR_Customer", cust
        yield "AR_CustomerContact", contacts
        yield "SO_ShipToAddress", ship_tos
        yield (
            "IM_PriceCode",
            _customer_prices(
                chunk_rng(seed, "IM_PriceCode:customers", chunk), cust, items, created, as_of
            ),
        )
