"""Records that wait for their customer.

A ship-to, contact, web order or payment placed for a customer the platform created may
reach erpsync before that customer is in Sage: it names the customer by the platform's id
(`customer_id`) and has no Sage customer number yet. Such a record is not an error: it
waits, pending on the platform, with a message naming what it waits for (and why, when
the customer itself was quarantined), and goes through on the first run after its
customer is in Sage, which fills its customer_no from the customer's linkage.
"""

from __future__ import annotations

from typing import Any

from erpsync.engine.context import SyncContext

__all__ = ["Waiting", "resolve_customers"]

Waiting = dict[str, str]  # platform id -> what the record waits for


def _customer_no(erp_key: str) -> str | None:
    division, sep, number = erp_key.partition("|")
    return f"{division}-{number}" if sep and division and number else None


def resolve_customers(
    ctx: SyncContext, records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], Waiting]:
    """(records ready for the ERP, records waiting for their customer)."""
    unresolved = {
        str(r["customer_id"]) for r in records if not r.get("customer_no") and r.get("customer_id")
    }
    if not unresolved:
        return records, {}
    links = ctx.state.upload_links("customers", sorted(unresolved))
    numbers = {
        pid: number
        for pid, (key, _, _) in links.items()
        if key and (number := _customer_no(key)) is not None
    }
    why = _quarantine_reasons(ctx, [p for p in unresolved if p not in numbers])
    ready: list[dict[str, Any]] = []
    waiting: Waiting = {}
    for rec in records:
        parent = str(rec.get("customer_id") or "")
        if rec.get("customer_no") or not parent:
            ready.append(rec)
        elif parent in numbers:
            ready.append({**rec, "customer_no": numbers[parent]})
        else:
            reason = why.get(parent, "it is not in Sage yet")
            waiting[str(rec["id"])] = f"waits for customer {parent}: {reason}"
    return ready, waiting


def _quarantine_reasons(ctx: SyncContext, customer_ids: list[str]) -> dict[str, str]:
    if not customer_ids:
        return {}
    wanted = set(customer_ids)
    found: dict[str, str] = {}
    for entry in ctx.state.open_quarantine("customers", limit=100_000):
        key = str(entry["record_key"])
        if key in wanted:
            messages = [f.get("message", "") for f in entry["failures"] if f.get("message")]
            found[key] = "quarantined: " + ("; ".join(messages) or "rejected by the gate")
    return found
