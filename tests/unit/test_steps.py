"""The order of operations as data: documented order, real dependencies, skip rules."""

from __future__ import annotations

import pytest

from erpsync.engine.steps import ORDER_OF_OPERATIONS, Blocking, step


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


def _run(failing: set[int], numbers: range | list[int]) -> dict[int, int | None]:
    """Walk a plan as flows.runner does: step -> the failed step that blocked it."""
    blocking = Blocking()
    blocked: dict[int, int | None] = {}
    for spec in ORDER_OF_OPERATIONS:
        if spec.number not in numbers:
            continue
        blocked[spec.number] = blocking.blocked_by(spec)
        if blocked[spec.number] is None and spec.number in failing:
            blocking.failed(spec.number)
    return blocked


def _skipped(failing: set[int], numbers: range | list[int]) -> set[int]:
    return {n for n, root in _run(failing, numbers).items() if root is not None}


def test_a_failed_step_blocks_only_what_depends_on_it() -> None:
    everything = range(1, 24)
    assert _skipped({9}, range(1, 13)) == {10, 11, 12}
    assert _skipped({11}, range(1, 13)) == set()
    assert _skipped({11}, everything) == {21, 22}  # orders need stock; history needs 21
    assert _skipped({3}, range(1, 13)) == {4}
    assert _skipped({1}, range(1, 13)) == {7, 8, 10, 11, 12}
    # transitively: 13 fails, so 14-16 skip, and what needs 16 skips in turn
    assert _skipped({13}, everything) == {14, 15, 16, 17, 18, 19, 20, 21, 22, 23}
    # ... and every skipped step names the root failure, not the step next to it
    assert set(_run({13}, everything).values()) == {None, 13}


def test_a_dependency_outside_the_run_blocks_nothing() -> None:
    # A backfill of locations and price codes: items (10) are on the platform already.
    assert _skipped({8}, [8, 12]) == set()
    assert _skipped({8}, [8, 10, 12]) == {10, 12}


def test_unknown_step_is_named() -> None:
    with pytest.raises(KeyError, match="no step 99"):
        step(99)
