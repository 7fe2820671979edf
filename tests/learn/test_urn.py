"""The urn's array operations: patrol draws, the fix, logging by weight, decay."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.learn.urn import (
    choose_regions,
    decay_balls,
    logged_balls,
    patrol_probabilities,
    rejection_accept,
)

counts_strategy = st.lists(
    st.tuples(st.floats(0.01, 1e4), st.floats(0.01, 1e4)), min_size=1, max_size=20
)


@given(counts_strategy, st.floats(0.0, 1.0))
def test_patrol_probabilities_are_a_mixture(rows: list, explore: float) -> None:
    counts = np.array(rows)
    p = patrol_probabilities(counts, explore)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    share = counts / counts.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, (1 - explore) * share + explore / 2)
    assert (p >= explore / 2 - 1e-12).all()


def test_patrol_probabilities_reject_bad_counts() -> None:
    with pytest.raises(ValueError):
        patrol_probabilities(np.array([[0.0, 0.0]]))
    with pytest.raises(ValueError):
        patrol_probabilities(np.array([1.0, 2.0]))
    with pytest.raises(ValueError):
        patrol_probabilities(np.array([[1.0, 2.0]]), explore=1.5)


def test_choose_regions_follows_the_probabilities() -> None:
    rng = np.random.default_rng(0)
    p = np.tile([0.3, 0.7], (200_000, 1))
    chosen = choose_regions(p, rng)
    assert set(np.unique(chosen)) == {0, 1}
    # Binomial standard error 0.001; tolerance 5 SE.
    assert chosen.mean() == pytest.approx(0.7, abs=0.005)
    assert (choose_regions(np.tile([1.0, 0.0], (100, 1)), rng) == 0).all()


def test_the_fix_credits_each_region_with_the_same_probability() -> None:
    rng = np.random.default_rng(1)
    urns = 400_000
    p = np.tile([0.8, 0.2], (urns, 1))
    visited = choose_regions(p, rng)
    kept = rejection_accept(p, visited, rng)
    # P(visit i and keep) = p_i · p_j / max(p) = 0.8 · 0.2 / 0.8 = 0.2 for both regions.
    for region in (0, 1):
        assert ((visited == region) & kept).mean() == pytest.approx(0.2, abs=0.004)
    with pytest.raises(ValueError):
        rejection_accept(np.ones((3, 3)) / 3, np.zeros(3, dtype=int), rng)


def test_logged_balls_multiply_expected_counts_and_thin_integer_ones() -> None:
    rng = np.random.default_rng(2)
    y = np.array([[3.5, 2.0]])
    np.testing.assert_allclose(logged_balls(y, np.array([[0.1, 1.0]]), rng, False), [[0.35, 2.0]])
    counts = rng.poisson(4.0, size=(200_000, 1)).astype(float)
    kept = logged_balls(counts, np.full(counts.shape, 0.25), rng, True)
    assert (kept <= counts).all() and (kept == np.round(kept)).all()
    # A thinned Poisson(4) is Poisson(1): mean and variance 1 (SE ≈ 0.003).
    assert kept.mean() == pytest.approx(1.0, abs=0.015)
    assert kept.var() == pytest.approx(1.0, abs=0.02)
    with pytest.raises(ValueError):
        logged_balls(y, np.array([[1.5, 0.0]]), rng, False)


def test_decay_removes_a_share_p_and_keeps_one_ball() -> None:
    rng = np.random.default_rng(3)
    counts = np.tile([100.0, 2.5], (100_000, 1))
    after = decay_balls(counts, 0.1, rng)
    # Expected removal p·n, the fractional ball included (floor at one ball aside).
    assert after[:, 0].mean() == pytest.approx(90.0, abs=0.05)
    assert (after[:, 1] >= 1.0).all()
    assert set(np.round(np.unique(after[:, 1]), 9)) <= {1.0, 1.5, 2.0, 2.5}
    tiny = decay_balls(np.tile([0.07, 5.0], (1000, 1)), 0.9, rng)
    assert (tiny[:, 0] == 0.07).all() and (tiny[:, 1] >= 1.0).all()
    np.testing.assert_array_equal(decay_balls(counts[:3], 0.0, rng), counts[:3])
    with pytest.raises(ValueError):
        decay_balls(counts, 1.0, rng)


@given(counts_strategy, st.floats(0.0, 0.99), st.integers(0, 2**32 - 1))
def test_decay_never_empties_a_colour(rows: list, p: float, seed: int) -> None:
    counts = np.array(rows)
    after = decay_balls(counts, p, np.random.default_rng(seed))
    assert (after <= counts + 1e-12).all()
    assert (after >= np.minimum(counts, 1.0) - 1e-12).all()
