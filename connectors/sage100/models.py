"""Sage rows as pandas frames: one normalised shape whatever driver returned them.

SQLite hands back dates as text, psycopg as `date`, pyodbc as `date` or `datetime`;
numerics arrive as float, int or Decimal; ProvideX pads fixed-width strings. Downstream
code (mappings, change detection, watermarks) sees the same frame in every case:

    column names    exactly as the catalogue spells them
    str/flag/text   right-trimmed strings; NULL stays missing
    date            ISO "YYYY-MM-DD" strings; NULL stays missing
    time            the TimeUpdated/TimeCreated string, trimmed (decimal hours)
    dec             float64; NULL and blank are NaN

All conversions are column-wise. A value that cannot be converted raises a ValueError
naming the table, the record (its key values when they were read) and the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from connectors.sage100.stamps import SageStamp
from connectors.sage100.tables import Table

__all__ = [
    "KeyBatch",
    "build_frame",
    "decimal_hours",
    "iso_dates",
    "key_batches",
    "max_stamp",
    "stamp_mask",
]

_NO_BAD = np.zeros(0, dtype=bool)
_NULL = np.array(None, dtype=object)


def build_frame(
    spec: Table, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> pd.DataFrame:
    """A normalised frame from driver rows whose values follow `columns` positionally.

    Positional naming is deliberate: some ODBC drivers report names in another case; the
    SELECT list is ours and its order is the truth.
    """
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    data: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    for name, raw in zip(columns, values, strict=True):
        kind = spec.column(name).kind
        series = pd.Series(raw, dtype=None if raw else object)
        if kind == "dec":
            data[name], bad[name] = _floats(series)
        elif kind == "date":
            data[name], bad[name] = _iso_dates(series)
        else:
            data[name] = _trimmed(series, raw)
    frame = pd.DataFrame(data, columns=list(columns))
    for name, mask in bad.items():
        if mask.any():
            row = int(np.flatnonzero(mask)[0])
            what = "a number" if spec.column(name).kind == "dec" else "a date"
            raise ValueError(
                f"{spec.name} {_record(spec, frame, row)}: {name} is not {what}: "
                f"{values[list(columns).index(name)][row]!r}"
            )
    return frame


def _is_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype)


def _trimmed(series: pd.Series, raw: Sequence[object]) -> pd.Series:
    if _is_text(series):
        # Sage pads fixed-width strings; Arrow's kernel strips a million values in ~20 ms.
        return series.str.rstrip()
    if series.empty or series.isna().all():
        return series
    # Numbers or mixed objects from an unusual driver: as text (12, not 12.0), NULL missing.
    return pd.Series(np.array(raw, dtype=object)).astype("str").str.rstrip()


def _floats(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_float_dtype(series.dtype):
        return series.astype("float64"), _NO_BAD
    if _is_text(series):
        series = series.str.strip().replace("", None)
    out = pd.to_numeric(series, errors="coerce").astype("float64")
    return out, (out.isna() & series.notna()).to_numpy(dtype=bool)


def _iso_dates(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    present = series.notna().to_numpy(dtype=bool)
    days = _parse_days(np.where(present, series.to_numpy(dtype=object), _NULL))
    # Fast path: numpy parsed every value (date, datetime, ISO text), no blank or odd text.
    if days is None or np.isnat(days).sum() != (~present).sum() or _beyond_year_9999(days):
        return _iso_dates_slowly(series)
    return _as_iso(days, series.index), _NO_BAD


def _iso_dates_slowly(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if _is_text(series):
        text = series.str.strip()
        # ProvideX's own storage format is YYYYMMDD; a driver may pass it through.
        compact = text.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
        if compact.any():
            text = text.where(~compact, text.str[:4] + "-" + text.str[4:6] + "-" + text.str[6:8])
        given = (text.notna() & (text != "")).to_numpy(dtype=bool)
        values = text.to_numpy(dtype=object)
    else:
        given = series.notna().to_numpy(dtype=bool)
        values = series.to_numpy(dtype=object)
    values = np.where(given, values, _NULL)
    days = _parse_days(values)
    if days is None:
        days = np.array([_one_day(v) for v in values], dtype="datetime64[D]")  # a bad value
    return _as_iso(days, series.index), np.isnat(days) & given


def _parse_days(values: np.ndarray) -> np.ndarray | None:
    try:
        return np.array(values, dtype="datetime64[D]")
    except (ValueError, TypeError):
        return None


def _beyond_year_9999(days: np.ndarray) -> bool:
    # "20260105" parses as the year 20260105: the sign that compact dates need the slow path.
    return bool((days[~np.isnat(days)] > np.datetime64("9999-12-31")).any())


def _as_iso(days: np.ndarray, index: pd.Index) -> pd.Series:
    out = pd.Series(np.datetime_as_string(days, unit="D"), index=index, dtype="str")
    return out.where(~np.isnat(days))


def _one_day(value: object) -> np.datetime64:
    try:
        return np.datetime64(value, "D")  # type: ignore[call-overload]
    except (ValueError, TypeError):
        return np.datetime64("NaT", "D")


def _record(spec: Table, frame: pd.DataFrame, row: int) -> str:
    key = [c for c in spec.primary_key if c in frame.columns]
    if not key:
        return f"(row {row + 1} of the chunk)"
    return " ".join(f"{c}={frame[c].iloc[row]!r}" for c in key)


def iso_dates(series: pd.Series) -> pd.Series:
    """Dates (str, date or datetime values) as ISO strings; unreadable values are missing."""
    return _iso_dates(series)[0]


def decimal_hours(series: pd.Series) -> pd.Series:
    """TimeUpdated as a number; blank or missing is midnight (as `parse_sage_time`)."""
    if _is_text(series):
        series = series.str.strip()
    return pd.to_numeric(series, errors="coerce").fillna(0.0).astype("float64")


def stamp_mask(
    frame: pd.DataFrame, since: SageStamp | None, before: SageStamp | None
) -> np.ndarray:
    """Rows with since <= (DateUpdated, TimeUpdated) < before, times compared as numbers."""
    days = frame["DateUpdated"]
    hours = decimal_hours(frame["TimeUpdated"])
    keep = days.notna().to_numpy(dtype=bool)
    if since is not None:
        d = since.day.isoformat()
        keep = keep & ((days > d) | ((days == d) & (hours >= since.hours))).to_numpy(dtype=bool)
    if before is not None:
        d = before.day.isoformat()
        keep = keep & ((days < d) | ((days == d) & (hours < before.hours))).to_numpy(dtype=bool)
    return keep


def max_stamp(frame: pd.DataFrame) -> SageStamp | None:
    """The greatest (DateUpdated, TimeUpdated) in the frame, or None when it has none."""
    if frame.empty or "DateUpdated" not in frame or "TimeUpdated" not in frame:
        return None
    days = frame["DateUpdated"]
    if not _is_text(days):
        days = iso_dates(days)
    present = days.notna().to_numpy(dtype=bool)
    if not present.any():
        return None
    top = str(days[present].max())
    on_top = (days == top).to_numpy(dtype=bool)
    hours = decimal_hours(frame["TimeUpdated"]).to_numpy()[on_top]
    return SageStamp(date.fromisoformat(top), float(hours.max()))


# --- key look-ups ----------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyBatch:
    """One key query: `fixed` columns by equality, an IN list on `in_column`, and the exact
    keys to keep in pandas when the SQL filter is wider than the keys (else None)."""

    fixed: dict[str, object]
    in_column: str
    values: list[object]
    wanted: pd.MultiIndex | None


def key_batches(
    spec: Table, key_columns: Sequence[str], keys: Iterable[Sequence[object]], batch: int
) -> Iterator[KeyBatch]:
    """The queries that fetch `keys`, at most `batch` values per IN list.

    ProvideX handles one IN list on a key column well; row-value IN it may not. For a
    composite key the plan is: equality on the leading columns, IN on the next, the rest
    filtered in pandas. It takes the deepest split that needs at most twice the minimal
    number of round trips, so (ARDivisionNo, CustomerNo) keys become `ARDivisionNo = ? AND
    CustomerNo IN (...)` instead of reading whole divisions, while order-line keys with one
    line per order fall back to `SalesOrderNo IN (...)` plus a pandas filter.
    """
    cols = list(key_columns)
    frame = _key_frame(spec, cols, keys)
    if frame.empty:
        return
    depth = _split_depth(frame, cols, batch)
    in_col = cols[depth]
    wanted = pd.MultiIndex.from_frame(frame) if depth < len(cols) - 1 else None
    groups = [((), frame)] if depth == 0 else frame.groupby(cols[:depth], sort=True)
    for prefix, group in groups:
        values = group[in_col].drop_duplicates().tolist()
        fixed = dict(zip(cols[:depth], prefix, strict=True))
        for start in range(0, len(values), batch):
            yield KeyBatch(fixed, in_col, values[start : start + batch], wanted)


def _key_frame(spec: Table, cols: list[str], keys: Iterable[Sequence[object]]) -> pd.DataFrame:
    rows = []
    for key in keys:
        row = (key,) if isinstance(key, str) else tuple(key)
        if len(row) != len(cols) or any(v is None for v in row):
            raise ValueError(f"{spec.name}: key {key!r} does not give a value for each of {cols}")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=cols, dtype=object)
    # The same shape build_frame gives the rows, so the pandas filter compares like with like.
    for col in cols:
        kind = spec.column(col).kind
        if kind == "date":
            days, bad = _iso_dates(frame[col].astype(object))
            if bad.any():
                raise ValueError(
                    f"{spec.name}: key value {frame[col][bad].iloc[0]!r} of {col} is not a date"
                )
            frame[col] = days.astype(object)
        elif kind == "dec":
            frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64").astype(object)
        else:
            frame[col] = frame[col].astype(str).str.rstrip().astype(object)
    return frame.drop_duplicates(ignore_index=True)


def _split_depth(frame: pd.DataFrame, cols: list[str], batch: int) -> int:
    minimal = -(-len(frame) // batch)
    for depth in range(len(cols) - 1, 0, -1):
        distinct = frame.groupby(cols[:depth], sort=False)[cols[depth]].nunique()
        if int((-(-distinct // batch)).sum()) <= 2 * minimal:
            return depth
    return 0
