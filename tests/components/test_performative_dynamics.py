"""The performative worlds' pure dynamics: data drawn from D(θ)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.components.performative.dynamics import (
    applicants,
    coin_flips,
    gaussian_samples,
    strategic_shift,
    true_weights,
)


def test_gaussian_samples_centre_on_the_coupled_means() -> None:
    rng = np.random.default_rng(1)
    means, coupling, theta = np.array([10.0, 5.0]), np.array([[0.5, 0.7], [0.7, 0.5]]), np.ones(2)
    z = gaussian_samples(rng, means, coupling, theta, sigma=0.1, samples=20_000)
    assert z.shape == (2, 20_000)
    assert np.allclose(z.mean(axis=1), means + coupling @ theta, atol=0.005)
    assert np.allclose(z.std(axis=1), 0.1, rtol=0.05)


@settings(max_examples=30)
@given(st.floats(-0.5, 0.5), st.floats(-3, 3), st.floats(-3, 3))
def test_coin_flips_are_binary_and_clipped(bias, epsilon, theta) -> None:
    flips = coin_flips(np.random.default_rng(0), bias, epsilon, theta, 500)
    assert set(np.unique(flips)) <= {0.0, 1.0}
    prob = 0.5 + bias + epsilon * theta
    if prob >= 1:
        assert (flips == 1.0).all()
    if prob <= 0:
        assert (flips == 0.0).all()


def test_applicants_default_at_the_true_rate_and_only_strategic_features_move() -> None:
    rng = np.random.default_rng(2)
    w = true_weights(rng, 6, scale=0.0)
    X, y = applicants(rng, 50_000, w, base_logit=0.0)
    assert abs(y.mean() - 0.5) < 0.01  # σ(0)
    theta = np.arange(7, dtype=float)  # six weights and an intercept
    moved = strategic_shift(X, theta, [1, 3], epsilon=2.0)
    assert np.allclose(moved[:, [0, 2, 4, 5]], X[:, [0, 2, 4, 5]])
    assert np.allclose(moved[:, 1], X[:, 1] - 2.0) and np.allclose(moved[:, 3], X[:, 3] - 6.0)
