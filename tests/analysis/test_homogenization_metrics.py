"""Homogenization metrics: Jaccard of paired users' sets, nearest and random partners."""

from __future__ import annotations

import numpy as np

from sim.analysis.homogenization import (
    jaccard_index,
    jaccard_sets,
    nearest_partners,
    random_partners,
)


def test_jaccard_index_edge_cases() -> None:
    np.testing.assert_array_equal(jaccard_index([0, 2, 3], [0, 2, 4], [0, 2, 5]), [0, 1, 0.5])
    assert jaccard_sets(set(), set()) == 0.0
    assert jaccard_sets({1, 2}, {2, 3}) == 1 / 3


def test_nearest_partners_is_the_cosine_argmax_without_self() -> None:
    rng = np.random.default_rng(0)
    profiles = rng.random((300, 20)) ** 3
    unit = profiles / np.linalg.norm(profiles, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    expected = similarity.argmax(axis=1)
    np.testing.assert_array_equal(nearest_partners(profiles), expected)
    rows = np.array([5, 17, 299])
    np.testing.assert_array_equal(nearest_partners(profiles, rows), expected[rows])


def test_nearest_partners_in_many_blocks() -> None:
    """Enough users that rows and columns are both split into blocks."""
    rng = np.random.default_rng(2)
    profiles = rng.random((3000, 20)) ** 4
    rows = np.sort(rng.choice(3000, 600, replace=False))
    unit = profiles / np.linalg.norm(profiles, axis=1, keepdims=True)
    similarity = unit[rows] @ unit.T
    similarity[np.arange(rows.size), rows] = -np.inf
    np.testing.assert_array_equal(nearest_partners(profiles, rows), similarity.argmax(axis=1))


def test_nearest_partner_of_a_scaled_copy_is_the_copy() -> None:
    profiles = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [3.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    partners = nearest_partners(profiles)
    assert partners[0] == 2 and partners[2] == 0
    assert partners[3] != 3  # an all-zero profile is paired with somebody else


def test_random_partners_are_never_oneself() -> None:
    rng = np.random.default_rng(1)
    partners = random_partners(rng, 1000)
    assert (partners != np.arange(1000)).all()
    assert partners.min() >= 0 and partners.max() < 1000
    assert len(np.unique(partners)) > 500
