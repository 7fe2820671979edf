"""Allocation policies of the attention-allocation agents (D'Amour et al. 2020)."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim.learn.allocation import (
    allocations,
    discovery_probability,
    expected_discoveries,
    fair_greedy_allocation,
    greedy_allocation,
    proportional_allocation,
    uniform_allocation,
)

PUBLISHED = np.array([8.0, 6.0, 4.0, 3.0, 1.5])
rate_vectors = st.lists(st.floats(0.0, 15.0), min_size=2, max_size=5).map(np.array)


def test_allocations_enumerate_every_composition() -> None:
    table = allocations(6, 5)
    assert table.shape == (comb(10, 4), 5) == (210, 5)
    assert (table.sum(axis=1) == 6).all() and (table >= 0).all()
    assert len({tuple(row) for row in table}) == 210


def test_expected_discoveries_match_the_poisson_sum() -> None:
    y = np.arange(200)
    for r in (0.0, 0.7, 4.0, 12.0):
        pmf = stats.poisson.pmf(y, r)
        direct = [np.minimum(v, y) @ pmf for v in range(7)]
        np.testing.assert_allclose(expected_discoveries(np.array([r]), 6)[0], direct, atol=1e-12)


def test_discovery_probability_definition() -> None:
    y = np.arange(1, 400)
    for r in (0.0, 0.5, 3.0, 8.0):
        f = discovery_probability(np.array([r]), 6)[0]
        direct = [0.0] + [
            stats.poisson.pmf(0, r) + (np.minimum(v, y) / y) @ stats.poisson.pmf(y, r)
            for v in range(1, 7)
        ]
        np.testing.assert_allclose(f, direct, atol=1e-12)
        assert (np.diff(f) >= -1e-15).all() and f[-1] <= 1.0 + 1e-12


@given(rate_vectors, st.integers(1, 6))
def test_greedy_is_the_best_allocation(rates: np.ndarray, units: int) -> None:
    choice = greedy_allocation(units, rates)
    assert choice.sum() == units
    value = expected_discoveries(rates, units)
    sites = np.arange(rates.size)
    best = value[sites, allocations(units, rates.size)].sum(axis=1).max()
    assert value[sites, choice].sum() == pytest.approx(best, abs=1e-12)


def test_greedy_on_the_published_rates() -> None:
    np.testing.assert_array_equal(greedy_allocation(6, PUBLISHED), [3, 2, 1, 0, 0])


@given(rate_vectors, st.floats(0.0, 1.0))
def test_fair_greedy_meets_the_constraint_when_it_can(rates: np.ndarray, alpha: float) -> None:
    choice = fair_greedy_allocation(6, rates, alpha)
    table = allocations(6, rates.size)
    sites = np.arange(rates.size)
    f = discovery_probability(rates, 6)[sites, table]
    spread = f.max(axis=1) - f.min(axis=1)
    chosen_f = discovery_probability(rates, 6)[sites, choice]
    chosen_spread = chosen_f.max() - chosen_f.min()
    if (spread <= alpha).any():
        assert chosen_spread <= alpha + 1e-12
        value = expected_discoveries(rates, 6)[sites, table].sum(axis=1)
        best = value[spread <= alpha + 1e-12].max()
        assert expected_discoveries(rates, 6)[sites, choice].sum() == pytest.approx(best)
    else:
        assert chosen_spread == pytest.approx(spread.min())
    if alpha >= 1.0:
        value = expected_discoveries(rates, 6)[sites, choice].sum()
        greedy = expected_discoveries(rates, 6)[sites, greedy_allocation(6, rates)].sum()
        assert value == pytest.approx(greedy)


def test_fair_greedy_on_the_published_rates_equals_greedy() -> None:
    # Greedy's [3, 2, 1, 0, 0] already has the smallest spread of f of all 210 allocations.
    np.testing.assert_array_equal(fair_greedy_allocation(6, PUBLISHED, 0.75), [3, 2, 1, 0, 0])
    table = allocations(6, 5)
    f = discovery_probability(PUBLISHED, 6)[np.arange(5), table]
    spread = f.max(axis=1) - f.min(axis=1)
    assert spread.min() == pytest.approx(0.4301, abs=1e-4)
    np.testing.assert_array_equal(table[np.argmin(spread)], [3, 2, 1, 0, 0])


def test_the_random_allocations_have_the_right_means() -> None:
    rng = np.random.default_rng(0)
    draws = np.array([uniform_allocation(6, 5, rng) for _ in range(20_000)])
    assert (draws.sum(axis=1) == 6).all()
    np.testing.assert_allclose(draws.mean(axis=0), 1.2, atol=0.03)
    beliefs = np.array([4.0, 2.0, 0.0, np.nan])
    draws = np.array([proportional_allocation(6, beliefs, rng) for _ in range(20_000)])
    np.testing.assert_allclose(draws.mean(axis=0), [4.0, 2.0, 0.0, 0.0], atol=0.03)
    flat = np.array([proportional_allocation(4, np.zeros(4), rng) for _ in range(20_000)])
    np.testing.assert_allclose(flat.mean(axis=0), 1.0, atol=0.03)
