"""The policing worlds' dynamics: incidents, discovery where one looks, responsive rates."""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.attention_allocation import uniform_expected_discovered, uniform_rate_drift
from sim.components.policing.dynamics import (
    censored_discoveries,
    discovered_where_patrolled,
    draw_incidents,
    next_rates,
)


def test_next_rates() -> None:
    np.testing.assert_allclose(
        next_rates(np.array([8.0, 1.5, 0.01]), np.array([2, 0, 4]), 0.05), [7.9, 1.55, 0.0]
    )
    np.testing.assert_allclose(next_rates(np.array([3.0]), np.array([0]), 0.0), [3.0])


def test_incidents_are_poisson_or_exactly_the_rate() -> None:
    rates = np.array([3.5, 0.5])
    draws = draw_incidents(np.random.default_rng(0), rates, 100_000, poisson=True)
    assert draws.shape == (100_000, 2) and draws.dtype == float
    np.testing.assert_allclose(draws.mean(axis=0), rates, rtol=0.02)
    np.testing.assert_allclose(draws.var(axis=0), rates, rtol=0.05)
    exact = draw_incidents(np.random.default_rng(0), rates, 3, poisson=False)
    np.testing.assert_array_equal(exact, np.tile(rates, (3, 1)))


def test_incidents_are_found_only_where_one_looks() -> None:
    incidents = np.array([[4.0, 1.0], [2.0, 7.0]])
    np.testing.assert_array_equal(discovered_where_patrolled(incidents, np.array([1, 1])), [1, 7])
    found = censored_discoveries(np.array([0, 2, 5]), np.array([3, 3, 3]))
    np.testing.assert_array_equal(found, [0, 2, 3])


def test_the_dynamics_agree_with_the_uniform_closed_forms() -> None:
    """One step under uniform attention, by simulation, against the closed forms."""
    rng = np.random.default_rng(3)
    rates = np.array([8.0, 6.0, 4.0, 3.0, 1.5])
    attention = rng.multinomial(6, np.full(5, 0.2), size=200_000)
    incidents = rng.poisson(rates, size=attention.shape)
    found = censored_discoveries(attention, incidents).mean(axis=0)
    np.testing.assert_allclose(found, uniform_expected_discovered(rates, 6), atol=0.01)
    drift = (next_rates(rates, attention, 0.01) - rates).mean()
    assert drift == pytest.approx(uniform_rate_drift(6, 5, 0.01), abs=2e-5)
