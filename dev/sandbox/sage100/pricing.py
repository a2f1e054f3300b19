"""IM_PriceCode rows: Sage's quantity-break ranges and the values of each pricing method.

Sage stores up to five breaks per record. BreakQuantityN is the *top* of range N, the
last range in use ends at 99999999 ("and above"), and unused slots hold 0. So 1-9, 10-49,
50 and up is stored as 9, 49, 99999999, 0, 0.
"""

from __future__ import annotations

import numpy as np

from sandbox.sage100.common import Frame, later, stamp_columns, text

__all__ = ["LAST_BREAK", "break_columns", "method_values", "price_code_frame"]

LAST_BREAK = 99_999_999
_SLOTS = 5
# Tops of ranges a sales manager would choose.
_TOPS = np.array([4, 9, 11, 19, 24, 49, 99, 143, 249, 499, 999, 2499])


def break_columns(rng: np.random.Generator, used: np.ndarray) -> np.ndarray:
    """(n, 5) break tops for records using `used` (1..5) ranges each: ascending tops,
    99999999 in the last used slot, 0 after it."""
    n = len(used)
    # A random subset of the menu per row: sort random keys, keep the first used-1.
    order = np.argsort(rng.random((n, len(_TOPS))), axis=1)[:, : _SLOTS - 1]
    tops = _TOPS[order].astype(np.float64)
    slot = np.arange(_SLOTS - 1)
    tops[slot[None, :] >= (used - 1)[:, None]] = np.inf
    tops.sort(axis=1)
    out = np.zeros((n, _SLOTS))
    out[:, : _SLOTS - 1] = np.where(np.isinf(tops), 0, tops)
    out[np.arange(n), used - 1] = LAST_BREAK
    return out


def method_values(
    method: np.ndarray, price: np.ndarray, cost: np.ndarray, used: np.ndarray
) -> np.ndarray:
    """(n, 5) DiscountMarkupN for each record's PricingMethod; unused slots 0.

    D discount %, M markup % on cost, O override price, P price discount amount,
    C cost markup amount. Deeper breaks always favour the customer.
    """
    step = np.arange(_SLOTS)[None, :]
    price = price[:, None]
    cost = cost[:, None]
    values = np.select(
        [
            method[:, None] == "D",
            method[:, None] == "M",
            method[:, None] == "O",
            method[:, None] == "P",
            method[:, None] == "C",
        ],
        [
            np.broadcast_to(2.0 + 3.0 * step, (len(method), _SLOTS)),
            np.broadcast_to(45.0 - 5.0 * step, (len(method), _SLOTS)),
            np.round(price * (0.97 - 0.04 * step), 2),
            np.round(price * (0.03 + 0.03 * step), 2),
            np.round(np.maximum(cost * (0.45 - 0.05 * step), 0.01), 2),
        ],
        default=0.0,
    )
    return np.where(step < used[:, None], values, 0.0)


def price_code_frame(
    rng: np.random.Generator,
    *,
    record: str,
    price_code: np.ndarray,
    item_code: np.ndarray,
    level: np.ndarray,
    division: np.ndarray,
    customer: np.ndarray,
    desc: np.ndarray,
    method: np.ndarray,
    price: np.ndarray,
    cost: np.ndarray,
    created: np.ndarray,
    as_of: np.datetime64,
) -> Frame:
    """One kind of IM_PriceCode record; key parts a kind does not use are blank."""
    n = len(method)
    used = rng.integers(1, _SLOTS + 1, n)
    tops = break_columns(rng, used)
    values = method_values(method, price, cost, used)
    frame: Frame = {
        "PriceCodeRecord": text(n, record),
        "PriceCode": price_code,
        "ItemCode": item_code,
        "CustomerPriceLevel": level,
        "ARDivisionNo": division,
        "CustomerNo": customer,
        "PriceCodeDesc": desc,
        "PricingMethod": method,
    }
    for k in range(_SLOTS):
        frame[f"BreakQuantity{k + 1}"] = tops[:, k]
        frame[f"DiscountMarkup{k + 1}"] = values[:, k]
    # Prices are revised now and then: a third of the records were edited since entry.
    return frame | stamp_columns(rng, created, later(rng, created, as_of, 0.3))
