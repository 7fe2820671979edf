"""ItemSets: packed per-user sets of items over a growing catalogue."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.analysis.homogenization import jaccard_sets
from sim.components.homogenization.item_sets import ItemSets


def _from_matrix(dense: np.ndarray) -> ItemSets:
    """The sets of a boolean rows × items matrix, added one item column at a time."""
    sets = ItemSets(dense.shape[0])
    sets.grow(dense.shape[1])
    for item in range(dense.shape[1]):
        rows = np.flatnonzero(dense[:, item])
        sets.add(rows, np.full(rows.size, item))
    return sets


@settings(max_examples=80)
@given(data=st.data())
def test_sets_equal_a_boolean_matrix_built_step_by_step(data: st.DataObject) -> None:
    users = data.draw(st.integers(1, 9))
    sets = ItemSets(users)
    dense = np.zeros((users, 0), dtype=bool)
    log: list[tuple[int, int]] = []
    for _ in range(data.draw(st.integers(1, 6))):
        new = data.draw(st.integers(0, 11))  # the catalogue grows by a few items, across bytes
        sets.grow(new)
        dense = np.concatenate([dense, np.zeros((users, new), dtype=bool)], axis=1)
        if dense.shape[1] == 0:
            continue
        rows = np.array(data.draw(st.lists(st.integers(0, users - 1), unique=True)), dtype=int)
        items = np.array([data.draw(st.integers(0, dense.shape[1] - 1)) for _ in rows], dtype=int)
        log += [(r, i) for r, i in zip(rows, items, strict=True) if not dense[r, i]]
        sets.add(rows, items)
        dense[rows, items] = True
    np.testing.assert_array_equal(sets.dense(), dense)
    np.testing.assert_array_equal(sets.sizes, dense.sum(axis=1))
    members = sets.members()
    assert list(zip(members[0].tolist(), members[1].tolist(), strict=True)) == log
    partners = np.array(
        data.draw(st.lists(st.integers(0, users - 1), min_size=users, max_size=users))
    )
    expected = np.count_nonzero(dense & dense[partners], axis=1)
    np.testing.assert_array_equal(sets.intersections(None, partners), expected)
    rows = np.arange(users)[::2]
    np.testing.assert_array_equal(sets.intersections(rows, partners[rows]), expected[rows])


def test_adding_a_member_twice_counts_it_once() -> None:
    sets = ItemSets(2)
    sets.grow(20)
    sets.add(np.array([0, 1]), np.array([17, 3]))
    sets.add(np.array([0]), np.array([17]))
    assert sets.sizes.tolist() == [1, 1]
    assert sets.members()[1].tolist() == [17, 3]


def test_items_outside_the_catalogue_are_refused() -> None:
    sets = ItemSets(2)
    sets.grow(9)
    with pytest.raises(ValueError, match=r"\[0, 9\)"):
        sets.add(np.array([0]), np.array([9]))


@settings(max_examples=100)
@given(sets=arrays(bool, st.tuples(st.integers(2, 8), st.integers(0, 12))), data=st.data())
def test_jaccard_equals_the_set_definition(sets: np.ndarray, data: st.DataObject) -> None:
    n = sets.shape[0]
    partners = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n)))
    users = np.arange(n)
    packed = _from_matrix(sets)
    got = packed.jaccard(users, partners)
    np.testing.assert_array_equal(packed.jaccard(None, partners), got)
    for u, v, value in zip(users, partners, got, strict=True):
        a = set(np.flatnonzero(sets[u]).tolist())
        b = set(np.flatnonzero(sets[v]).tolist())
        assert value == jaccard_sets(a, b)
        assert 0.0 <= value <= 1.0
