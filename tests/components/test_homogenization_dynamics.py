"""The generative model of Chaney et al.: Dirichlet draws, Beta' parameters, utilities."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.components.homogenization.dynamics import (
    FLUSH,
    MEAN_FLOOR,
    beta_parameters,
    draw_beta,
    draw_hyperparameters,
    draw_profiles,
    draw_utilities,
)


@pytest.mark.parametrize(("concentration", "scale"), [(1.0, 10.0), (100.0, 0.1), (0.3, 2.0)])
def test_hyperparameters_are_a_scaled_dirichlet_draw(concentration: float, scale: float) -> None:
    rng = np.random.default_rng(0)
    draws = np.array([draw_hyperparameters(rng, 20, concentration, scale) for _ in range(400)])
    assert draws.shape == (400, 20)
    assert (draws > 0).all()
    np.testing.assert_allclose(draws.sum(axis=1), scale, rtol=1e-9)
    # Each component of Dirichlet(c·1_K) has mean 1/K and variance (K-1)/(K²(Kc+1)).
    k = 20
    np.testing.assert_allclose(draws.mean(axis=0).mean(), scale / k, rtol=1e-9)
    expected_var = scale**2 * (k - 1) / (k**2 * (k * concentration + 1))
    assert abs(draws.var(axis=0).mean() / expected_var - 1) < 0.15


def test_published_item_attributes_are_nearly_one_hot() -> None:
    """μ_α ~ Dirichlet(100)·0.1 puts ≈ 0.005 on each attribute: items are almost sparse."""
    rng = np.random.default_rng(1)
    items = draw_profiles(rng, draw_hyperparameters(rng, 20, 100.0, 0.1), 2000)
    assert items.shape == (2000, 20)
    np.testing.assert_allclose(items.sum(axis=1), 1.0, atol=1e-12)
    assert (items >= 0).all()
    assert np.median(items.max(axis=1)) > 0.9


def test_profiles_sum_to_one_and_have_the_dirichlet_mean() -> None:
    rng = np.random.default_rng(2)
    alpha = np.array([0.5, 1.5, 3.0, 5.0])
    draws = draw_profiles(rng, alpha, 20_000)
    np.testing.assert_allclose(draws.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(draws.mean(axis=0), alpha / alpha.sum(), atol=0.005)
    assert draw_profiles(rng, alpha, 0).shape == (0, 4)


def test_flushed_draws_never_reach_the_subnormal_range() -> None:
    rng = np.random.default_rng(3)
    items = draw_profiles(rng, np.full(20, 0.005), 5000)
    nonzero = items[items > 0]
    assert nonzero.min() >= FLUSH


@settings(max_examples=60)
@given(
    mean=st.floats(min_value=0.01, max_value=0.99),
    share=st.floats(min_value=0.001, max_value=0.9),
)
def test_beta_parameters_give_the_requested_mean_and_variance(mean: float, share: float) -> None:
    variance = share * mean * (1 - mean)  # any feasible variance
    a, b = beta_parameters(mean, variance)
    total = a + b
    assert a > 0 and b > 0
    assert a / total == pytest.approx(mean, rel=1e-9)
    assert a * b / (total**2 * (total + 1)) == pytest.approx(min(variance, mean * (1 - mean) / 2))


def test_infeasible_variance_is_capped_and_tiny_means_are_floored() -> None:
    a, b = beta_parameters(np.array([0.0, 1e-7, 0.5]), 1e-5)
    means = a / (a + b)
    assert means[0] == pytest.approx(MEAN_FLOOR)
    assert means[1] == pytest.approx(1e-7)
    variance = a * b / ((a + b) ** 2 * (a + b + 1))
    assert variance[1] == pytest.approx(1e-7 * (1 - 1e-7) / 2)  # capped: no Beta has 1e-5
    assert variance[2] == pytest.approx(1e-5)
    with pytest.raises(ValueError):
        beta_parameters(0.5, 0.0)


def test_beta_draws_match_mean_and_variance() -> None:
    rng = np.random.default_rng(4)
    draws = draw_beta(rng, 0.98, 1e-5, size=(200, 500))
    assert draws.shape == (200, 500)
    assert draws.mean() == pytest.approx(0.98, abs=1e-4)
    assert draws.var() == pytest.approx(1e-5, rel=0.05)


def test_utilities_have_the_model_mean_and_users_know_about_98_percent() -> None:
    rng = np.random.default_rng(5)
    preferences = draw_profiles(rng, np.full(20, 0.5), 300)
    attributes = draw_profiles(rng, np.full(20, 0.5), 200)
    true, known = draw_utilities(rng, preferences, attributes, 1e-5, 0.98, 1e-5)
    assert true.shape == known.shape == (300, 200)
    assert ((true >= 0) & (true <= 1)).all()
    assert (known <= true).all()
    mean = preferences @ attributes.T
    assert np.abs(true - mean).mean() < 0.004  # variance 1e-5: a spread of about 0.003
    ratio = known[true > 0.01] / true[true > 0.01]
    assert ratio.mean() == pytest.approx(0.98, abs=1e-3)


def test_known_utility_edge_cases() -> None:
    rng = np.random.default_rng(6)
    prefs = draw_profiles(rng, np.ones(5), 10)
    attrs = draw_profiles(rng, np.ones(5), 7)
    true, known = draw_utilities(rng, prefs, attrs, 1e-5, 1.0, 0.0)
    np.testing.assert_array_equal(true, known)
    true, known = draw_utilities(rng, prefs, attrs, 1e-5, 0.9, 0.0)
    np.testing.assert_allclose(known, 0.9 * true)


def test_same_seed_same_community() -> None:
    def draw(seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        hyper = draw_hyperparameters(rng, 20, 1.0, 10.0)
        return draw_profiles(rng, hyper, 50)

    np.testing.assert_array_equal(draw(7), draw(7))
    assert not np.array_equal(draw(7), draw(8))
