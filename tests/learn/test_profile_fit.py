"""Content filtering's profile fit: batched NNLS on the Gram matrix equals per-user NNLS."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import nnls

from sim.learn.linalg import matmul_rows
from sim.learn.profile_fit import nnls_gram


def _problem(seed: int, items: int = 60, users: int = 25, k: int = 8) -> tuple:
    rng = np.random.default_rng(seed)
    design = rng.dirichlet(np.full(k, 0.3), size=items)  # items × attributes
    targets = (rng.random((users, items)) < 0.2).astype(float)  # interactions
    return design, targets


@settings(max_examples=25)
@given(seed=st.integers(0, 10_000))
def test_batched_nnls_equals_scipy_per_user(seed: int) -> None:
    design, targets = _problem(seed)
    fitted = nnls_gram(design.T @ design, targets @ design, tol=1e-12, max_sweeps=5000)
    for user in range(targets.shape[0]):
        expected, _ = nnls(design, targets[user])
        np.testing.assert_allclose(fitted[user], expected, atol=1e-6)


def test_solution_satisfies_the_kkt_conditions() -> None:
    design, targets = _problem(1)
    gram, rhs = design.T @ design, targets @ design
    theta = nnls_gram(gram, rhs, tol=1e-12, max_sweeps=5000)
    gradient = theta @ gram - rhs
    assert (theta >= 0).all()
    assert (gradient >= -1e-8).all()  # no direction of descent into the feasible set
    assert np.abs(theta * gradient).max() < 1e-8  # complementary slackness


def test_the_fit_recovers_known_preferences_from_noise_free_interactions() -> None:
    rng = np.random.default_rng(2)
    k, items, users = 20, 400, 50
    design = rng.dirichlet(np.full(k, 0.2), size=items)
    truth = rng.dirichlet(np.full(k, 0.5), size=users) * (rng.random((users, k)) < 0.5)
    theta = nnls_gram(design.T @ design, truth @ design.T @ design, tol=1e-13, max_sweeps=5000)
    np.testing.assert_allclose(theta, truth, atol=1e-7)


def test_the_fit_recovers_preferences_from_sampled_interactions() -> None:
    """Interactions drawn with probability θ·β: the profile points the same way as θ."""
    rng = np.random.default_rng(3)
    k, items, users = 10, 3000, 40
    design = rng.dirichlet(np.full(k, 0.1), size=items)
    truth = rng.dirichlet(np.full(k, 1.0), size=users)
    interactions = (rng.random((users, items)) < truth @ design.T).astype(float)
    theta = nnls_gram(design.T @ design, interactions @ design)
    cosine = (theta * truth).sum(1) / np.linalg.norm(theta, axis=1) / np.linalg.norm(truth, axis=1)
    assert cosine.min() > 0.9


def test_missing_attributes_stay_at_zero_and_warm_starts_agree() -> None:
    design, targets = _problem(4, k=6)
    design[:, 5] = 0.0  # no item carries attribute 5
    gram, rhs = design.T @ design, targets @ design
    cold = nnls_gram(gram, rhs, tol=1e-12, max_sweeps=5000)
    warm = nnls_gram(gram, rhs, init=cold + 0.5, tol=1e-12, max_sweeps=5000)
    assert (cold[:, 5] == 0).all()
    np.testing.assert_allclose(warm, cold, atol=1e-7)
    with pytest.raises(ValueError):
        nnls_gram(gram, rhs[:, :3])
    assert nnls_gram(gram, rhs[:0]).shape == (0, 6)


def test_blocked_matmul_equals_matmul() -> None:
    rng = np.random.default_rng(6)
    a, b = rng.random((1000, 20)), rng.random((20, 300))
    np.testing.assert_allclose(matmul_rows(a, b), a @ b)
    np.testing.assert_allclose(matmul_rows(a, b, work=1), a @ b)
    with pytest.raises(ValueError):
        matmul_rows(a, b.T)
