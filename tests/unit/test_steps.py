"""The order of operations as data: documented order, real dependencies, skip rules."""

from __future__ import annotations

import pytest

from erpsync.engine.steps import ORDER_OF_OPERATIONS, dependents, step


def test_documented_order_and_names() -> None:
    names = [s.name for s in ORDER_OF_OPERATIONS[:22]]
    assert names[0] == "Download Countries"
    assert names[11] == "Download PriceCodes"
    assert names[12] == "Upload Customers"
    assert names[17] == "Download Bill To / Sold Tos"
    assert names[21] == "Download Sales Orders"
    assert [s.number for s in ORDER_OF_OPERATIONS] == list(range(1, 24))
    assert step(1).first_run_only and not step(2).first_run_only


def test_every_dependency_points_backwards() -> None:
    for spec in ORDER_OF_OPERATIONS:
        assert all(d < spec.number for d in spec.depends_on), spec


def test_a_failed_step_blocks_only_what_depends_on_it() -> None:
    everything = range(1, 13)
    assert dependents({9}, everything) == {10, 11, 12}
    assert dependents({11}, everything) == set()
    assert dependents({3}, everything) == {4}
    assert dependents({1}, everything) == {7, 8, 10, 11, 12}
    # transitive even through steps that are not part of the run
    assert dependents({8}, [12]) == {12}


def test_unknown_step_is_named() -> None:
    with pytest.raises(KeyError, match="no step 99"):
        step(99)
