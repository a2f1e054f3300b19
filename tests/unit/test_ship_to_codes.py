"""New ship-tos without a code get the next code their customer does not use yet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import pandas as pd

from erpsync.engine.upload_write import _taken_codes


class _Erp:
    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self.rows = rows
        self.asked: list[list[tuple[str, str]]] = []

    def read_keys(
        self, table: str, columns: Sequence[str], key_columns: Sequence[str], keys: Any
    ) -> Iterator[pd.DataFrame]:
        wanted = [tuple(k) for k in keys]
        self.asked.append(wanted)
        found = [r for r in self.rows if (r[0], r[1]) in wanted]
        yield pd.DataFrame(found, columns=list(columns))


def test_a_blank_or_missing_code_counts_as_no_code() -> None:
    erp = _Erp([("00", "0000042", "0001"), ("00", "0000042", "0002"), ("00", "0000050", "0001")])
    ctx: Any = SimpleNamespace(erp=erp)
    spec: Any = SimpleNamespace(mapping=SimpleNamespace(code_column="ShipToCode"))
    frame = pd.DataFrame(
        {
            "operation": ["create", "create", "update"],
            "ARDivisionNo": ["00", "00", "00"],
            "CustomerNo": ["0000042", "0000050", "0000007"],
            "ShipToCode": ["", None, "0001"],
        }
    )
    taken = _taken_codes(ctx, spec, frame)
    # "" is as much "no code yet" as None: the customer's codes in use are looked up
    assert taken == {("00", "0000042"): {"0001", "0002"}, ("00", "0000050"): {"0001"}}
    assert erp.asked == [[("00", "0000042"), ("00", "0000050")]]
