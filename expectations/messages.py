"""Filling a check's message template for one failing row.

Values are shown the way an operator types them: missing as "(missing)", whole floats without
".0", control characters escaped (they are often the fault), long text cut short. The
Failure keeps the full value; only the message is shortened.
"""

from __future__ import annotations

import math
import string
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = ["fill", "plain", "shown", "template_fields"]

_SHOWN_LENGTH = 60
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]}


@lru_cache(maxsize=1024)
def template_fields(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def plain(value: object) -> object:
    """numpy scalars as Python values, NaN and pandas' missing markers as None."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def shown(value: object) -> str:
    value = plain(value)
    if value is None:
        return "(missing)"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, tuple):
        return "/".join(shown(v) for v in value)
    text = str(value).translate(_CONTROLS)
    if len(text) > _SHOWN_LENGTH:
        text = text[: _SHOWN_LENGTH - 3] + "..."
    return f"'{text}'" if isinstance(value, str) else text


def fill(template: str, value: object, row: dict[str, object]) -> str:
    """The message for one row: {value}, {length} and the row's columns by name."""
    length = len(value) if isinstance(value, str) else len(shown(value))
    fields = _Fields((name, shown(v)) for name, v in row.items())
    fields.update(value=shown(value), length=str(length))
    return template.format_map(fields)


class _Fields(dict[str, str]):
    # A field the row lacks is shown by name rather than failing the whole batch.
    def __missing__(self, name: str) -> str:
        return f"({name}?)"
