"""Field mappings as data.

An `EntityMapping` says, for one platform entity, which Sage table feeds it, which
columns form the ERP key, and for every platform field either the Sage column it copies or
a small named function that computes it. Functions declare the Sage columns they read with
`@computed(...)`, so the reader fetches exactly the columns a mapping needs.

Mapping is vectorised: a function receives the whole chunk and returns a Series. Before
mapping, every Sage column the mapping reads is checked against the company's own widths
and the catalogue's value codes; rows that break Sage's rules are set aside with a
RecordError naming the record and the column, and the rest of the chunk goes on.

A mapping is written against the catalogue; `for_company` fits it to a live company:
fields that read a column the company lacks are left out when that column is optional (or
a UDF a seed documents, used "if it exists"), a missing required column is an error naming
it, and the UDF_ columns come from the configuration (`[udf_fields]`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from connectors.sage100.tables import Table
from connectors.sage100.tables import table as sage_table
from erpsync.errors import SchemaMismatch

__all__ = [
    "Computed",
    "EntityMapping",
    "MapContext",
    "MappedChunk",
    "computed",
    "encode_records",
    "reads",
    "split_erp_key",
]


class MapContext(Protocol):
    """What computed fields may consult: the sync settings (default location, ...)."""

    @property
    def default_location(self) -> str: ...

    @property
    def default_customer_type(self) -> str: ...

    @property
    def default_ship_via(self) -> str: ...


Computed = Callable[[pd.DataFrame, MapContext], pd.Series]


def computed(*columns: str) -> Callable[[Computed], Computed]:
    """Declare the Sage columns a computed field reads."""

    def mark(fn: Computed) -> Computed:
        fn.columns = columns  # type: ignore[attr-defined]
        return fn

    return mark


@dataclass
class MappedChunk:
    """One chunk after mapping: platform records (a frame), their ERP keys, rejects."""

    records: pd.DataFrame
    keys: pd.Series
    rejects: list[tuple[str, str, str]] = field(default_factory=list)  # (key, column, reason)
    # Positions, in the input chunk, of the rows that were mapped (the others were rejected).
    kept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def reads(source: str | Computed) -> tuple[str, ...]:
    """The Sage columns a field reads."""
    return (source,) if isinstance(source, str) else tuple(getattr(source, "columns", ()))


@dataclass(frozen=True)
class EntityMapping:
    entity: str
    table: str
    key: tuple[str, ...]
    fields: Mapping[str, str | Computed]
    # UDF_ column -> platform custom field name; they travel in "custom_fields".
    udfs: Mapping[str, str] = field(default_factory=dict)
    # Columns the step reads for other purposes (filters, enrichment keys).
    extra_columns: tuple[str, ...] = ()
    # Columns added by enrichment from other tables: not read from `table`, not checked.
    enriched: tuple[str, ...] = ()
    # Key columns that must not be blank (default: all). Sage blank-fills unused key
    # parts, e.g. the customer of a price-code record that is not customer-specific.
    nonblank: tuple[str, ...] | None = None
    # The live table this mapping was fitted to (for_company); None: the catalogue's.
    company: Table | None = field(default=None, compare=False, repr=False)
    # Fields for_company left out (their column is missing), for the run's warning.
    left_out: tuple[str, ...] = field(default=(), compare=False)

    @property
    def source_columns(self) -> tuple[str, ...]:
        cols: list[str] = list(self.key)
        for source in self.fields.values():
            cols.extend([source] if isinstance(source, str) else getattr(source, "columns", ()))
        cols.extend(self.udfs)
        cols.extend(self.extra_columns)
        own = [c for c in dict.fromkeys(cols) if c not in self.enriched]
        return tuple(own)

    def for_company(self, live: Table, udfs: Mapping[str, str] | None = None) -> EntityMapping:
        """This mapping as the company `live` can serve it; `udfs` (UDF column -> custom
        field, from the configuration) replaces the built-in ones. SchemaMismatch names
        the columns the company lacks that the mapping cannot do without."""
        have = set(live.column_names)
        spec = sage_table(self.table)
        known = set(spec.column_names)

        def can_miss(column: str) -> bool:
            return column.startswith("UDF_") or (column in known and spec.column(column).optional)

        wanted = [*self.key, *self.extra_columns]
        missing = [c for c in wanted if c not in have and c not in self.enriched]
        fields: dict[str, str | Computed] = {}
        left_out: list[str] = []
        for target, source in self.fields.items():
            absent = [c for c in reads(source) if c not in have and c not in self.enriched]
            if not absent:
                fields[target] = source
            elif all(can_miss(c) for c in absent):
                left_out.append(f"{target} ({', '.join(absent)})")
            else:
                missing.extend(absent)
        chosen = dict(self.udfs if udfs is None else udfs)
        absent_udfs = [c for c in chosen if c not in have]
        if absent_udfs:
            named = ", ".join(f"udf_fields.{self.entity}.{c}" for c in absent_udfs)
            raise SchemaMismatch(f"{named}: the company's {self.table} has no such column")
        hard = [c for c in dict.fromkeys(missing) if not (c in self.extra_columns and can_miss(c))]
        if hard:
            named = ", ".join(f"{self.table}.{c}" for c in hard)
            raise SchemaMismatch(f"{self.entity}: the company has no {named}")
        return replace(
            self,
            fields=fields,
            udfs=chosen,
            extra_columns=tuple(c for c in self.extra_columns if c in have),
            company=live,
            left_out=tuple(left_out),
        )

    def erp_keys(self, frame: pd.DataFrame) -> pd.Series:
        """The linkage key: Sage's key columns joined by "|" (see split_erp_key)."""
        keys = frame[self.key[0]].astype("string").fillna("")
        for col in self.key[1:]:
            keys = keys + "|" + frame[col].astype("string").fillna("")
        return keys

    def check(
        self, frame: pd.DataFrame, keys: pd.Series
    ) -> tuple[np.ndarray, list[tuple[str, str, str]]]:
        """Rows whose Sage values break the catalogue's widths or codes are rejected."""
        spec = self.company or sage_table(self.table)
        bad = np.zeros(len(frame), dtype=bool)
        rejects: list[tuple[str, str, str]] = []
        known = set(spec.column_names)
        for name in self.source_columns:
            if name not in frame.columns or name not in known:
                continue
            col = spec.column(name)
            if col.kind not in ("str", "flag") or not (col.width or col.codes):
                continue
            values = frame[name]
            present = values.notna() & (values.astype("string") != "")
            text = values.astype("string")
            if col.width:
                too_long = (present & (text.str.len() > col.width)).to_numpy(
                    dtype=bool, na_value=False
                )
                for i in np.flatnonzero(too_long):
                    reason = f"{len(str(values.iat[int(i)]))} characters, Sage allows {col.width}"
                    rejects.append((str(keys.iat[int(i)]), name, reason))
                bad |= too_long
            if col.codes:
                unknown = (present & ~values.isin(col.codes)).to_numpy(dtype=bool, na_value=False)
                for i in np.flatnonzero(unknown):
                    reason = f"{values.iat[int(i)]!r} is not one of {', '.join(col.codes)}"
                    rejects.append((str(keys.iat[int(i)]), name, reason))
                bad |= unknown
        missing_key = np.zeros(len(frame), dtype=bool)
        for name in self.key if self.nonblank is None else self.nonblank:
            blank = frame[name].isna() | (frame[name].astype("string") == "")
            missing_key |= blank.to_numpy(dtype=bool, na_value=True)
        for i in np.flatnonzero(missing_key & ~bad):
            rejects.append(
                (str(keys.iat[int(i)]), ",".join(self.nonblank or self.key), "key is blank")
            )
        return bad | missing_key, rejects

    def apply(self, frame: pd.DataFrame, ctx: MapContext) -> MappedChunk:
        keys = self.erp_keys(frame)
        bad, rejects = self.check(frame, keys)
        kept = np.flatnonzero(~bad)
        if bad.any():
            frame = frame.loc[~bad]
            keys = keys.loc[~bad]
        out = pd.DataFrame(index=frame.index)
        for target, source in self.fields.items():
            out[target] = _direct(frame[source]) if isinstance(source, str) else source(frame, ctx)
        if self.udfs:
            out["custom_fields"] = pd.Series(
                _custom_fields(frame, self.udfs), index=frame.index, dtype=object
            )
        return MappedChunk(out.reset_index(drop=True), keys.reset_index(drop=True), rejects, kept)


def _direct(series: pd.Series) -> pd.Series:
    # A blank Sage string is "no value": the platform gets null, never "".
    if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
        s = series.astype("string")
        return s.where(s != "", None)
    return series


def _custom_fields(frame: pd.DataFrame, udfs: Mapping[str, str]) -> list[dict[str, Any]]:
    names = list(udfs.values())
    # Blank Sage text is "no value" here too: null, never "".
    columns = [_direct(frame[c]).astype(object).where(frame[c].notna(), None).tolist()
               for c in udfs]  # fmt: skip
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def split_erp_key(text: str, width: int) -> tuple[str, ...]:
    """Inverse of EntityMapping.erp_keys for a key of `width` columns."""
    parts = tuple(text.split("|"))
    if len(parts) != width:
        raise ValueError(f"linkage key {text!r} does not have {width} parts")
    return parts


def encode_records(records: pd.DataFrame) -> list[bytes]:
    """One compact JSON object per record, in field order: what is hashed is what is sent.

    pandas' C encoder is several times faster than building dicts per row; NaN and None
    both become null, nested lists and dicts are encoded as JSON.
    """
    if records.empty:
        return []
    text = records.to_json(orient="records", lines=True, force_ascii=False, double_precision=15)
    lines = text.encode("utf-8").split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    if len(lines) != len(records):  # a stray newline would shift every record after it
        raise ValueError(f"encoded {len(lines)} lines for {len(records)} records")
    return lines
