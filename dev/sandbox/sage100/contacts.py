"""AR_CustomerContact and SO_ShipToAddress rows for a chunk of customers."""

from __future__ import annotations

import numpy as np

from sandbox.sage100 import names
from sandbox.sage100.addresses import AREA_CODES, addresses
from sandbox.sage100.common import (
    DAY,
    Frame,
    join,
    later,
    phone_numbers,
    pick,
    stamp_columns,
    text,
    truncate,
)
from sandbox.sage100.reference import NONTAX, Reference

__all__ = ["contact_frame", "ship_to_frame"]


def _positions(count: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For per-owner counts: owner of each child row, its 1-based rank, each owner's first row."""
    owner = np.repeat(np.arange(len(count)), count)
    first = np.cumsum(count) - count
    rank = np.arange(len(owner)) - first[owner] + 1
    return owner, rank, first


def contact_frame(
    rng: np.random.Generator, cust: Frame, created: np.ndarray, as_of: np.datetime64
) -> tuple[Frame, np.ndarray]:
    count = rng.choice(np.array([1, 2, 3]), len(created), p=[0.5, 0.35, 0.15])
    owner, rank, first_row = _positions(count)
    m = len(owner)
    first = pick(rng, names.FIRST_NAMES, m)
    last = pick(rng, names.LAST_NAMES, m)
    # Initials plus a counter, as integrators invent them (AR_CustomerContact.ContactCode).
    code = np.array(
        [f"{f[0]}{la[0]}{k:03d}".upper() for f, la, k in zip(first, last, rank, strict=True)],
        dtype=object,
    )
    domain = np.array([e.partition("@")[2] for e in cust["EmailAddress"][owner]], dtype=object)
    email = truncate(
        np.array(
            [
                f"{f}.{la}@{d}".lower().replace(" ", "")
                for f, la, d in zip(first, last, domain, strict=True)
            ],
            dtype=object,
        ),
        50,
    )
    country = cust["CountryCode"][owner]
    area = np.array(
        [AREA_CODES[(c, k)] for c, k in zip(cust["City"][owner], country, strict=True)],
        dtype=object,
    )
    made = np.minimum(created[owner] + rng.integers(0, 30, m) * DAY, as_of)
    frame: Frame = {
        "ARDivisionNo": cust["ARDivisionNo"][owner],
        "CustomerNo": cust["CustomerNo"][owner],
        "ContactCode": code,
        "ContactName": join(first, last),
        "AddressLine1": cust["AddressLine1"][owner],
        "AddressLine2": cust["AddressLine2"][owner],
        "AddressLine3": text(m),
        "City": cust["City"][owner],
        "State": cust["State"][owner],
        "ZipCode": cust["ZipCode"][owner],
        "CountryCode": cust["CountryCode"][owner],
        "Salutation": pick(rng, ("Mr.", "Ms.", "", "Dr."), m),
        "ContactTitle": pick(rng, names.CONTACT_TITLES, m),
        "TelephoneNo1": cust["TelephoneNo"][owner],
        "TelephoneExt1": rng.integers(100, 400, m).astype(str).astype(object),
        "TelephoneNo2": np.where(rng.random(m) < 0.4, phone_numbers(rng, area, country), "").astype(
            object
        ),
        "TelephoneExt2": text(m),
        "FaxNo": text(m),
        "EmailAddress": email,
        "ContactNotes": text(m),
        "UDF_ROLE": pick(rng, names.CONTACT_ROLES, m),
    }
    frame |= stamp_columns(rng, made, later(rng, made, as_of, 0.2))
    return frame, first_row


def ship_to_frame(
    rng: np.random.Generator,
    cust: Frame,
    created: np.ndarray,
    contact_code: np.ndarray,
    ref: Reference,
    as_of: np.datetime64,
) -> tuple[Frame, np.ndarray, np.ndarray]:
    count = rng.choice(np.array([0, 1, 2, 3]), len(created), p=[0.45, 0.3, 0.15, 0.1])
    owner, rank, first_row = _positions(count)
    m = len(owner)
    addr = addresses(rng, cust["ARDivisionNo"][owner] == "01")
    exempt = cust["TaxExemptNo"][owner] != ""
    schedule = np.array(
        [
            ref.schedule_for(c, s, k)
            for c, s, k in zip(addr.city, addr.state, addr.country, strict=True)
        ],
        dtype=object,
    )
    domain = np.array([e.partition("@")[2] for e in cust["EmailAddress"][owner]], dtype=object)
    made = np.minimum(created[owner] + rng.integers(0, 90, m) * DAY, as_of)
    frame: Frame = {
        "ARDivisionNo": cust["ARDivisionNo"][owner],
        "CustomerNo": cust["CustomerNo"][owner],
        "ShipToCode": np.array([f"{k:04d}" for k in rank], dtype=object),
        "ShipToName": truncate(cust["CustomerName"][owner] + " - " + addr.city, 50),
        "ShipToAddress1": addr.line1,
        "ShipToAddress2": addr.line2,
        "ShipToAddress3": text(m),
        "ShipToCity": addr.city,
        "ShipToState": addr.state,
        "ShipToZipCode": addr.zip_code,
        "ShipToCountryCode": addr.country,
        "TelephoneNo": phone_numbers(rng, addr.area, addr.country),
        "TelephoneExt": text(m),
        "FaxNo": text(m),
        "EmailAddress": truncate("receiving@" + domain, 50),
        "ContactCode": np.where(rng.random(m) < 0.5, contact_code[owner], "").astype(object),
        "SalespersonDivisionNo": cust["SalespersonDivisionNo"][owner],
        "SalespersonNo": cust["SalespersonNo"][owner],
        "WarehouseCode": pick(rng, ref.warehouses, m),
        "TaxSchedule": np.where(exempt, NONTAX, schedule).astype(object),
        "TaxExemptNo": cust["TaxExemptNo"][owner],
        "ResidentialAddress": np.where(rng.random(m) < 0.05, "Y", "N").astype(object),
        "ShipVia": np.where(
            rng.random(m) < 0.8,
            cust["ShipMethod"][owner],
            pick(rng, [s.code for s in ref.ship_methods], m),
        ).astype(object),
        "UDF_DELIVERY_NOTES": pick(rng, names.DELIVERY_NOTES, m),
    }
    frame |= stamp_columns(rng, made, later(rng, made, as_of, 0.2))
    return frame, first_row, count > 0
