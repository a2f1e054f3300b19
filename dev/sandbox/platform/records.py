"""Record rules of the platform sandbox: natural keys, merge semantics, the ERP sync status.

Pure functions over dicts, so the store only does I/O. The server knows nothing about a
record's fields except its resource's natural key (connectors.platform.resources) and, on
resources with `sync_status`, the two fields of seed 004: `erp_status` and `erp_error`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.platform.resources import Resource

__all__ = [
    "ERP_STATUSES",
    "KEY_SEPARATOR",
    "SERVER_FIELDS",
    "RecordRejected",
    "apply_erp_status",
    "check_erp_status",
    "merge",
    "missing_key_fields",
    "natural_key",
    "record_id",
]

# The ASCII unit separator cannot occur in Sage keys, so joined keys never collide.
KEY_SEPARATOR = "\x1f"
# Fields the server owns: accepted in a payload (a client may send a record back as it
# read it) but never stored inside the record's data.
SERVER_FIELDS = frozenset({"id", "created_at", "updated_at"})
ERP_STATUSES = ("empty", "readyforfirstsync", "updatesmade", "inprocess", "synced", "error")
# Lime sets "updatesmade" only on records the connector has already handled.
_HANDLED = frozenset({"synced", "error"})


class RecordRejected(ValueError):
    """One record of a batch is refused; the message names the record and the field."""


def _present(value: Any) -> bool:
    return value is not None and value != ""


def missing_key_fields(spec: Resource, data: Mapping[str, Any]) -> list[str]:
    return [f for f in spec.key if not _present(data.get(f))]


def natural_key(spec: Resource, data: Mapping[str, Any], index: int) -> str | None:
    """The record's key fields joined, or None when any of them is absent or blank."""
    if len(spec.key) == 1 and type(value := data.get(spec.key[0])) is str:
        return value or None  # the common case, kept cheap: one string field
    parts: list[str] = []
    for field in spec.key:
        value = data.get(field)
        if not _present(value):
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise RecordRejected(
                f"record {index}: key field {field} must be a string or a number, "
                f"not {type(value).__name__}"
            )
        parts.append(str(value))
    return KEY_SEPARATOR.join(parts)


def record_id(value: Any, index: int) -> int:
    """The platform id a record addresses: an integer, or a string of digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    raise RecordRejected(f"record {index}: id must be a positive integer, not {value!r:.40}")


def merge(stored: Mapping[str, Any] | None, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level fields in the payload replace stored ones, absent ones are kept, null clears.

    A cleared field is removed rather than stored as null, so resending a null for a field
    the record does not have is "unchanged", as it should be.
    """
    if not stored and SERVER_FIELDS.isdisjoint(payload) and None not in payload.values():
        return dict(payload)  # a new record as sent: the common case of a seed
    merged = dict(stored) if stored else {}
    for field, value in payload.items():
        if field in SERVER_FIELDS:
            continue
        if value is None:
            merged.pop(field, None)
        else:
            merged[field] = value
    return merged


def check_erp_status(payload: Mapping[str, Any], index: int) -> None:
    status = payload.get("erp_status")
    if status is not None and status not in ERP_STATUSES:
        raise RecordRejected(
            f"record {index}: erp_status {status!r:.40} is not one of {', '.join(ERP_STATUSES)}"
        )


def apply_erp_status(
    stored: Mapping[str, Any] | None,
    merged: dict[str, Any],
    payload: Mapping[str, Any],
    role: str,
) -> None:
    """Seed 004 on a resource with a sync status: default "empty"; a user's edit of a
    record the connector has handled marks it "updatesmade". The integration's own writes
    never move the status implicitly: it sets erp_status explicitly when it means to.
    """
    if stored is not None and role == "user" and stored.get("erp_status") in _HANDLED:
        explicit = payload.get("erp_status")
        # A user sending the record back with its status untouched still made an edit; a
        # user choosing another status (e.g. "readyforfirstsync") is obeyed.
        if explicit is None or explicit == stored.get("erp_status"):
            fields = (set(stored) | set(merged)) - SERVER_FIELDS
            if any(stored.get(f) != merged.get(f) for f in fields if not f.startswith("erp_")):
                merged["erp_status"] = "updatesmade"
    merged.setdefault("erp_status", "empty")
