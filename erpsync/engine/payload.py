"""Platform payloads of mapped records, shaped by the direction matrix.

For an entity whose updates the ERP owns except some fields (customers: everything but
their custom fields), a record the platform already has is sent without those fields, so
the platform keeps its own values; a record new to the platform is sent whole. The hash
that decides "changed?" is always taken over the trimmed form, so a record created whole
is not sent again on the next run just because its later payloads are shorter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from erpsync.mappings.core import encode_records

__all__ = ["Payloads", "digest", "platform_payloads"]


def digest(line: bytes) -> str:
    return hashlib.blake2b(line, digest_size=16).hexdigest()


@dataclass
class Payloads:
    send: list[bytes]  # the bytes to send for each row
    compare: list[str]  # the hash to compare with, and store in, linkage.platform_hash
    skip: np.ndarray  # rows the direction matrix keeps away from the platform


def platform_payloads(
    records: pd.DataFrame,
    existing: np.ndarray,
    *,
    owned_by_platform: Sequence[str] = (),
    create: bool = True,
    update: bool = True,
) -> Payloads:
    owned = [c for c in owned_by_platform if c in records.columns]
    trimmed = records.drop(columns=owned) if owned else records
    compact = encode_records(trimmed)
    compare = [digest(line) for line in compact]
    send = compact
    new_rows = np.flatnonzero(~existing)
    if owned and len(new_rows):
        whole = encode_records(records.iloc[new_rows])
        send = list(compact)
        for i, line in zip(new_rows, whole, strict=True):
            send[int(i)] = line
    skip = (~existing & (not create)) | (existing & (not update))
    return Payloads(send, compare, np.asarray(skip, dtype=bool))
