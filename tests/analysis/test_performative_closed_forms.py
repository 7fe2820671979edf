"""Closed forms of repeated risk minimisation (Perdomo et al. 2020) and of the coupled pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.analysis.performative import (
    coin_stable_point,
    gaussian_stable_point,
    rrm_expected_path,
    spectral_radius,
)
from sim.learn.risk import fit_logistic_l2, logistic_loss


def test_single_model_stable_point_and_rate():
    assert gaussian_stable_point(np.array([10.0]), np.array([[0.9]])) == pytest.approx([100.0])
    path = rrm_expected_path(np.array([10.0]), np.array([[0.9]]), np.array([0.0]), 30)
    distance = np.abs(path[:, 0] - 100.0)
    assert distance[1:] / distance[:-1] == pytest.approx(np.full(30, 0.9))


def test_coin_stable_point_is_a_fixed_point():
    theta = coin_stable_point(0.1, 0.3)
    assert theta == pytest.approx(0.5 + 0.1 + 0.3 * theta)


@settings(max_examples=50, deadline=None)
@given(st.floats(-0.9, 0.9), st.floats(-0.9, 0.9), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_coupled_pair_converges_iff_spectral_radius_below_one(a, d, b, c):
    E = np.array([[a, b], [c, d]])
    rho = spectral_radius(E)
    if abs(rho - 1) < 0.05:
        return  # too close to the boundary to tell in 400 rounds
    means = np.array([1.0, -2.0])
    path = rrm_expected_path(means, E, np.zeros(2), 400)
    stable = gaussian_stable_point(means, E)
    distance = np.linalg.norm(path[-1] - stable)
    if rho < 1:
        assert distance < 1e-3 * max(1.0, np.linalg.norm(stable))
    else:
        assert distance > 1e3


def test_each_alone_stable_but_pair_unstable():
    E = np.array([[0.5, 0.7], [0.7, 0.5]])
    assert max(abs(E[0, 0]), abs(E[1, 1])) < 1
    assert spectral_radius(E) == pytest.approx(1.2)


def test_logistic_newton_reaches_the_optimum():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 4))
    y = (rng.random(3000) < 1 / (1 + np.exp(-(X @ [1.0, -2.0, 0.5, 0.0] + 0.3)))).astype(float)
    theta = fit_logistic_l2(X, y, l2=0.1)
    best = logistic_loss(theta, X, y, 0.1)
    for _ in range(20):  # no nearby point does better
        assert logistic_loss(theta + 1e-3 * rng.standard_normal(5), X, y, 0.1) >= best - 1e-12
