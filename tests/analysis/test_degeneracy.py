"""Closed forms of the degenerate feedback loop against integrals, simulation and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate
from scipy.special import expit

from sim.analysis.degeneracy import (
    expected_click_prob,
    expected_interest_step,
    interest_drift,
    quantiles,
    random_recommender_step,
    reset_drift_ceiling,
    reset_second_moment_ceiling,
)

interests = st.floats(-50, 50)
noises = st.floats(0, 20)


@pytest.mark.parametrize("mu", [-4.0, -0.3, 0.0, 0.7, 6.0])
@pytest.mark.parametrize("w", [0.0, 0.3, 1.0, 3.0, 10.0])
def test_expected_click_prob_is_the_integral_over_the_noise(mu: float, w: float) -> None:
    expected = expit(mu) if w == 0 else integrate.quad(lambda u: expit(mu + u), -w, w)[0] / (2 * w)
    assert expected_click_prob(mu, w) == pytest.approx(expected, abs=1e-12)


@given(mu=interests, w=noises)
def test_click_prob_is_a_symmetric_probability(mu: float, w: float) -> None:
    p, q = expected_click_prob(mu, w), expected_click_prob(-mu, w)
    assert 0 <= p <= 1
    assert p + q == pytest.approx(1.0, abs=1e-12)
    # σ is 1/4-Lipschitz, so |2p − 1| ≤ |μ|/2 for every noise level (used by the reset ceiling).
    assert abs(2 * p - 1) <= abs(mu) / 2 + 1e-12


@given(a=interests, b=interests, w=noises)
def test_click_prob_increases_with_interest(a: float, b: float, w: float) -> None:
    lo, hi = sorted((a, b))
    assert expected_click_prob(lo, w) <= expected_click_prob(hi, w) + 1e-12


@given(mu=interests, w=noises)
def test_interest_drifts_away_from_zero(mu: float, w: float) -> None:
    step = float(expected_interest_step(mu, noise=w))
    assert abs(step) <= 0.005 + 1e-15
    # The degeneracy: no pull back towards zero without resets (up to rounding near μ = 0).
    assert step * mu >= 0 or abs(step) < 1e-15


def test_resets_pull_back_towards_the_reset_mean() -> None:
    mu = np.linspace(-20, 20, 41)
    step = expected_interest_step(mu, reset_prob=0.1, reset_scale=0.2, low=1.0, high=3.0)
    far = np.abs(mu - 2.0) > 1
    assert (np.sign(step[far]) == -np.sign(mu[far] - 2.0)).all()


def test_random_recommender_step_scales_with_the_exposure() -> None:
    mu = np.array([[-1.0, 0.0, 0.5, 2.0]])
    full = expected_interest_step(mu)
    np.testing.assert_allclose(random_recommender_step(mu, slate=2), full / 2)
    np.testing.assert_allclose(random_recommender_step(mu, slate=1, available=2), full / 2)
    with pytest.raises(ValueError, match="slate"):
        random_recommender_step(mu, slate=5)


def test_interest_drift_is_the_squared_norm_per_user() -> None:
    mu0 = np.zeros((2, 3))
    mu = np.array([[1.0, -2.0, 0.0], [0.5, 0.5, 0.5]])
    np.testing.assert_allclose(interest_drift(mu, mu0), [5.0, 0.75])


@given(
    values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60),
    probs=st.lists(st.floats(0, 1), min_size=1, max_size=4),
)
def test_quantiles_are_numpys(values: list[float], probs: list[float]) -> None:
    np.testing.assert_allclose(
        quantiles(values, probs), np.quantile(values, probs), rtol=1e-12, atol=1e-6
    )


def test_reset_ceiling_closed_forms() -> None:
    assert reset_second_moment_ceiling(0.0, 0.0) == math.inf  # no resets, no bound
    assert reset_second_moment_ceiling(0.01, 1.0) == math.inf  # s = 1 resets change nothing
    # r0 = 1, s = 0: every shown item is redrawn, so the ceiling is E[u²] = 1/12.
    assert reset_second_moment_ceiling(1.0, 0.0) == pytest.approx(1 / 12)
    x = reset_second_moment_ceiling(0.01, 0.0)
    a, b = 0.99 * 1.005, 0.99 * (0.01**2 / 3) + 0.01 / 12
    assert x == pytest.approx(b / (1 - a))
    assert reset_drift_ceiling(10, 0.01, 0.0) == pytest.approx(
        10 * (math.sqrt(x) + math.sqrt(1 / 12)) ** 2
    )


def test_reset_ceiling_holds_for_a_simulated_always_shown_item() -> None:
    # 5,000 independent items shown every step for 2,000 steps, r0 = 0.01, s = 0, w = 1: the
    # mean of μ² stays below the ceiling X* ≈ 0.17 at every step (up to 4 standard errors of
    # the sample mean), and settles well above E[μ_0²] = 1/12 (the ceiling is not vacuous).
    rng = np.random.default_rng(1)
    r0, s, w = 0.01, 0.0, 1.0
    ceiling = reset_second_moment_ceiling(r0, s)
    mu = rng.uniform(-0.5, 0.5, 5_000)
    second = []
    for _ in range(2000):
        clicks = rng.random(mu.size) < expected_click_prob(mu + rng.uniform(-w, w, mu.size))
        mu = mu + rng.uniform(0, 0.01, mu.size) * np.where(clicks, 1.0, -1.0)
        hit = rng.random(mu.size) < r0
        mu = np.where(hit, s * mu + (1 - s) * rng.uniform(-0.5, 0.5, mu.size), mu)
        second.append((float((mu**2).mean()), float((mu**2).std() / np.sqrt(mu.size))))
    assert all(m <= ceiling + 4 * se for m, se in second)
    assert second[-1][0] > 0.1
