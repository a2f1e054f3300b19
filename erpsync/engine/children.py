"""Child rows of documents (invoice lines, order lines, payments), encoded inline.

Sage keeps lines in their own tables without update stamps; the platform keeps them
inside their document. For a chunk of headers the child rows are read by the headers'
keys, mapped, encoded one JSON object each, and joined into one JSON array per header:
byte strings spliced into the header's JSON, never per-row Python dicts, because the seed
moves three years of lines through here. A document with a child row that breaks Sage's
rules is held back whole, never sent with a line missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from erpsync.engine.context import SyncContext
from erpsync.mappings.core import EntityMapping, encode_records

__all__ = ["Children", "Documents", "attach_children"]

Owner = tuple[str, ...]


@dataclass(frozen=True)
class Children:
    """Rows of `mapping.table` belonging to a header, sent as header[name]."""

    name: str
    mapping: EntityMapping
    # child column -> header column it must equal
    link: Mapping[str, str]
    order_by: tuple[str, ...] = ()
    # equality filters on the child rows (e.g. TransactionType = "P")
    where: Mapping[str, str] = field(default_factory=dict)

    @property
    def parent_columns(self) -> list[str]:
        return [self.link[c] for c in self.link]

    def read(
        self, ctx: SyncContext, headers: pd.DataFrame
    ) -> tuple[dict[Owner, list[bytes]], dict[Owner, str]]:
        """Encoded child objects per owner, and owners with a rejected child (reason)."""
        mapping = ctx.company_mapping(self.mapping)
        child_cols = list(self.link)
        keys = sorted(set(_tuples(headers, self.parent_columns)))
        columns = list(dict.fromkeys([*mapping.source_columns, *child_cols, *self.order_by,
                                      *self.where]))  # fmt: skip
        grouped: dict[Owner, list[bytes]] = defaultdict(list)
        rejected: dict[Owner, str] = {}
        # One frame for the whole chunk of headers: mapping and encoding pay their fixed
        # costs once, not once per key batch.
        parts = list(ctx.erp.read_keys(mapping.table, columns, child_cols, keys))
        if not parts:
            return grouped, rejected
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        for col, value in self.where.items():
            frame = frame.loc[frame[col] == value]
        if self.order_by:
            frame = frame.sort_values([*child_cols, *self.order_by], kind="stable")
        if frame.empty:
            return grouped, rejected
        frame = frame.reset_index(drop=True)
        owners = _tuples(frame, child_cols)
        mapped = mapping.apply(frame, ctx)
        if mapped.rejects:
            owner_of = dict(zip(mapping.erp_keys(frame), owners, strict=True))
            for key, column, reason in mapped.rejects:
                rejected.setdefault(owner_of[key], f"{self.name} {key}: {column} {reason}")
        encoded = encode_records(mapped.records)
        for pos, line in zip(mapped.kept, encoded, strict=True):
            grouped[owners[int(pos)]].append(line)
        return grouped, rejected


def _tuples(frame: pd.DataFrame, columns: list[str]) -> list[Owner]:
    # Column lists zipped in C: itertuples walks the frame one Python object at a time.
    return list(zip(*(frame[c].tolist() for c in columns), strict=True))


@dataclass
class Documents:
    encoded: list[bytes]
    held_back: dict[int, str]  # header position -> why the document was not sent


def attach_children(
    ctx: SyncContext,
    headers: pd.DataFrame,
    encoded: Sequence[bytes],
    children: Sequence[Children],
) -> Documents:
    """Splice each header's child arrays into its JSON object."""
    if not children or not encoded:
        return Documents(list(encoded), {})
    parts = [bytearray(line[:-1]) for line in encoded]  # drop the closing brace
    held: dict[int, str] = {}
    for child in children:
        grouped, rejected = child.read(ctx, headers)
        owners = _tuples(headers, child.parent_columns)
        prefix = b',"' + child.name.encode() + b'":['
        for pos, (part, owner) in enumerate(zip(parts, owners, strict=True)):
            if owner in rejected:
                held.setdefault(pos, rejected[owner])
            part += prefix + b",".join(grouped.get(owner, ())) + b"]"
    return Documents([bytes(part) + b"}" for part in parts], held)
