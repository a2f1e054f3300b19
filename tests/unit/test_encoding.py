"""What is hashed is what is sent: one JSON object per record, stable and exact."""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd

from erpsync.mappings.core import encode_records


def test_encoding_round_trips_values_and_is_stable() -> None:
    frame = pd.DataFrame(
        {
            "code": pd.Series(["A", "B\nnewline", 'é"q'], dtype="string"),
            "qty": [1.5, np.nan, 123456.123456],
            "n": [1, 2, 3],
            "flag": [True, False, True],
            "nested": [{"x": [1, 2]}, {}, {"y": None}],
        }
    )
    first = encode_records(frame)
    assert len(first) == 3
    assert encode_records(frame) == first
    decoded = [orjson.loads(line) for line in first]
    assert decoded[1]["code"] == "B\nnewline"  # an embedded newline does not split a record
    assert decoded[1]["qty"] is None
    assert decoded[2]["qty"] == 123456.123456
    assert decoded[2]["code"] == 'é"q'
    assert decoded[0]["nested"] == {"x": [1, 2]}
    assert list(decoded[0]) == ["code", "qty", "n", "flag", "nested"]


def test_empty_frame_encodes_to_nothing() -> None:
    assert encode_records(pd.DataFrame({"a": []})) == []
