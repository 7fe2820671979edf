"""Closed forms and the fairness metric of the attention-allocation model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.analysis.attention_allocation import (
    expected_discovered,
    fairness_gap,
    uniform_expected_discovered,
    uniform_rate_drift,
)


def test_fairness_gap_is_the_largest_pairwise_difference() -> None:
    assert fairness_gap(np.array([5, 1, 3]), np.array([10, 10, 4])) == pytest.approx(0.75 - 0.1)
    assert fairness_gap(np.array([2, 0]), np.array([4, 0])) == 0.0  # one site with incidents
    assert fairness_gap(np.array([1, 1]), np.array([2, 2])) == 0.0


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=2, max_size=8))
def test_fairness_gap_matches_its_definition(pairs: list) -> None:
    found = np.array([min(a, b) for a, b in pairs], dtype=float)
    total = np.array([max(a, b) for a, b in pairs], dtype=float)
    shares = [f / t for f, t in zip(found, total, strict=True) if t > 0]
    brute = max((abs(x - y) for x in shares for y in shares), default=0.0)
    assert 0.0 <= fairness_gap(found, total) <= 1.0
    assert fairness_gap(found, total) == pytest.approx(brute)


def test_expected_discovered_by_monte_carlo() -> None:
    rng = np.random.default_rng(0)
    rates, attention = np.array([8.0, 3.0, 1.5, 0.2]), np.array([3, 2, 6, 0])
    y = rng.poisson(rates, size=(200_000, 4))
    mc = np.minimum(attention, y).mean(axis=0)
    np.testing.assert_allclose(expected_discovered(rates, attention), mc, atol=0.01)
    assert expected_discovered(np.array([5.0]), np.array([0]))[0] == 0.0


def test_uniform_closed_forms_by_monte_carlo() -> None:
    rng = np.random.default_rng(1)
    rates = np.array([8.0, 6.0, 4.0, 3.0, 1.5])
    a = rng.multinomial(6, np.full(5, 0.2), size=200_000)
    y = rng.poisson(rates, size=a.shape)
    mc = np.minimum(a, y).mean(axis=0)
    np.testing.assert_allclose(uniform_expected_discovered(rates, 6), mc, atol=0.01)
    drift = np.where(a == 0, 0.01, -0.01 * a).mean()
    assert uniform_rate_drift(6, 5, 0.01) == pytest.approx(drift, abs=2e-5)
    assert uniform_rate_drift(6, 5, 0.01) == pytest.approx(0.01 * (0.8**6 - 1.2))
