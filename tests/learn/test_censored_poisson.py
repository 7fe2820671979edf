"""The censored-Poisson MLE: known cases, recovery on synthetic data, an independent optimiser,
and the sliding window's incremental statistics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from sim.learn.censored_poisson import (
    CensoredPoissonWindow,
    censored_poisson_loglik,
    censored_poisson_mle,
    sufficient_statistics,
)

RATES = np.array([8.0, 6.0, 4.0, 3.0, 1.5, 0.3])


def synthetic(rng: np.random.Generator, steps: int, units: int = 6) -> tuple:
    """Uniform Multinomial(units, 1/K) attention, Poisson incidents, censored discoveries."""
    attention = rng.multinomial(units, np.full(RATES.size, 1 / RATES.size), size=steps)
    incidents = rng.poisson(RATES, size=(steps, RATES.size))
    return np.minimum(attention, incidents), attention


def test_without_censoring_the_mle_is_the_sample_mean() -> None:
    rng = np.random.default_rng(0)
    y = rng.poisson([0.5, 2.0, 7.0], size=(300, 3))
    attention = np.full(y.shape, 1000)
    np.testing.assert_allclose(censored_poisson_mle(y, attention), y.mean(axis=0), rtol=1e-12)


def test_closed_form_edge_cases() -> None:
    # site 0: all zeros, exact → 0; site 1: all censored → the cap; site 2: never attended → nan
    y = np.array([[0, 2, 0], [0, 1, 0]])
    a = np.array([[3, 2, 0], [1, 1, 0]])
    est = censored_poisson_mle(y, a, max_rate=50.0)
    assert est[0] == 0.0 and est[1] == 50.0 and np.isnan(est[2])


def test_recovers_the_rates_from_censored_data() -> None:
    rng = np.random.default_rng(1)
    found, given_ = synthetic(rng, 20_000)
    est = censored_poisson_mle(found, given_)
    # 20,000 steps: the estimates are within 3% (the busiest site, seldom uncensored, 4%).
    np.testing.assert_allclose(est, RATES, rtol=0.04)
    np.testing.assert_allclose(est[1:], RATES[1:], rtol=0.03)
    # The naive mean of what was found per attended step is far below the truth.
    naive = found.sum(axis=0) / (given_ > 0).sum(axis=0)
    assert (naive < 0.6 * RATES)[:4].all()


@settings(max_examples=60)
@given(st.integers(0, 2**32 - 1), st.integers(5, 200))
def test_agrees_with_an_independent_optimiser(seed: int, steps: int) -> None:
    rng = np.random.default_rng(seed)
    found, given_ = synthetic(rng, steps)
    est = censored_poisson_mle(found, given_, max_rate=100.0)
    for k in range(RATES.size):
        if not np.isfinite(est[k]) or est[k] in (0.0, 100.0):
            continue
        column = (found[:, [k]], given_[:, [k]])
        best = optimize.minimize_scalar(
            lambda lam, c=column: -censored_poisson_loglik(lam, *c)[0],
            bounds=(1e-6, 100.0),
            method="bounded",
            options={"xatol": 1e-10},
        )
        assert est[k] == pytest.approx(best.x, rel=1e-5, abs=1e-7)
        ll = censored_poisson_loglik(est[k], *column)[0]
        assert ll >= censored_poisson_loglik(best.x, *column)[0] - 1e-9


@given(st.integers(0, 2**32 - 1), st.integers(1, 100))
def test_never_below_the_informative_mean(seed: int, steps: int) -> None:
    rng = np.random.default_rng(seed)
    found, given_ = synthetic(rng, steps)
    est = censored_poisson_mle(found, given_)
    informative = given_ > 0
    with np.errstate(invalid="ignore"):
        naive = (found * informative).sum(axis=0) / informative.sum(axis=0)
    ok = np.isfinite(est)
    assert (est[ok] >= naive[ok] - 1e-9).all()


def test_a_start_value_does_not_change_the_answer() -> None:
    rng = np.random.default_rng(2)
    found, given_ = synthetic(rng, 150)
    base = censored_poisson_mle(found, given_)
    for start in (np.full(RATES.size, 0.01), np.full(RATES.size, 99.0), base * 1.7):
        np.testing.assert_allclose(censored_poisson_mle(found, given_, start=start), base)


@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.integers(0, 12))
def test_the_window_keeps_the_statistics_of_the_last_steps(
    seed: int, steps: int, window: int
) -> None:
    rng = np.random.default_rng(seed)
    found, given_ = synthetic(rng, steps)
    log = CensoredPoissonWindow(RATES.size, levels=6, window=window)
    for y, a in zip(found, given_, strict=True):
        log.add(y, a)
    recent = slice(-window, None) if window else slice(None)
    total, count, c = sufficient_statistics(found[recent], given_[recent], levels=6)
    np.testing.assert_allclose(log.total_, total)
    np.testing.assert_allclose(log.count_, count)
    np.testing.assert_allclose(log.censored_, c)
    expected = censored_poisson_mle(found[recent], given_[recent])
    np.testing.assert_allclose(log.fit(), expected, equal_nan=True)


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValueError):
        sufficient_statistics(np.array([[2]]), np.array([[1]]))  # found more than attended
    with pytest.raises(ValueError):
        sufficient_statistics(np.array([1, 2]), np.array([1, 2]))  # not (steps, sites)
    with pytest.raises(ValueError):
        CensoredPoissonWindow(2, levels=3).add(np.array([0, 0]), np.array([4, 0]))
