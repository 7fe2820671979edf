"""Closed forms of the predictive-policing urn (Ensign et al. 2018), checked against their
definitions: the stationarity equation, the special cases, and a direct iteration of the
expected (mean-field) urn."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.analysis.urn_limits import (
    beta_moments,
    convergence_exponent,
    patrol_share,
    polya_limit,
    polya_share_variance,
    replacement_matrix,
    stationary_share,
    true_share,
)

OAKLAND = (3.68511, 2.816466)
rates = st.tuples(st.floats(0.05, 20.0), st.floats(0.05, 20.0))


def test_replacement_matrix_is_the_papers() -> None:
    m = replacement_matrix(OAKLAND, reported_weight=0.3, scale=0.1)
    lam_a, lam_b = OAKLAND
    expected = 0.1 * np.array([[lam_a, 0.3 * lam_b], [0.3 * lam_a, lam_b]])
    np.testing.assert_allclose(m, expected)
    with pytest.raises(ValueError):
        replacement_matrix((1.0, 2.0, 3.0))
    with pytest.raises(ValueError):
        replacement_matrix(OAKLAND, reported_weight=1.5)


@given(rates)
def test_discovered_only_runs_away_to_the_higher_rate(lam: tuple[float, float]) -> None:
    x = stationary_share(replacement_matrix(lam))
    if lam[0] > lam[1]:
        assert x == 1.0
    elif lam[0] < lam[1]:
        assert x == 0.0
    else:
        assert np.isnan(x)


def test_equal_rates_are_a_polya_urn_with_no_unique_limit() -> None:
    assert np.isnan(stationary_share(replacement_matrix((2.5, 2.5))))
    assert np.isnan(convergence_exponent(replacement_matrix((2.5, 2.5))))


@given(rates, st.floats(0.01, 1.0))
def test_reports_give_the_root_of_the_stationarity_equation(
    lam: tuple[float, float], w: float
) -> None:
    m = replacement_matrix(lam, w)
    (a, b), (c, d) = m
    x = stationary_share(m)
    assert 0.0 < x < 1.0
    rhs = (x * a + (1 - x) * c) / (x * (a + b) + (1 - x) * (c + d))
    assert x == pytest.approx(rhs, abs=1e-9)
    # Reports pull the share from the runaway end towards the truth, never past it.
    truth = true_share(lam)[0]
    if lam[0] > lam[1]:
        assert truth - 1e-9 <= x <= 1.0
    elif lam[0] < lam[1]:
        assert 0.0 <= x <= truth + 1e-9
    else:
        assert x == pytest.approx(0.5)


def test_reports_only_give_the_true_share() -> None:
    assert stationary_share(replacement_matrix(OAKLAND, 1.0)) == pytest.approx(0.5668025721763)


def test_published_settings() -> None:
    assert true_share(OAKLAND)[0] == pytest.approx(0.56680257, abs=1e-8)
    assert stationary_share(replacement_matrix(OAKLAND, 0.3)) == pytest.approx(0.6387, abs=1e-4)
    x = stationary_share(replacement_matrix(OAKLAND), explore=0.2)
    assert patrol_share(x, 0.2) == pytest.approx(0.7089, abs=1e-4)
    # Uniform patrols (ε = 1) are unbiased samples: the urn learns the true share.
    assert stationary_share(replacement_matrix(OAKLAND), 1.0) == pytest.approx(
        true_share(OAKLAND)[0]
    )


def test_mean_field_iteration_reaches_the_stable_root() -> None:
    """Iterate the expected urn (forgetting 1% a step) from several starts; compare limits."""
    cases = [
        (lam, w, eps)
        for lam in (OAKLAND, (2.0, 1.0), (1.0, 2.0), (1.0, 1.05))
        for w in (0.0, 0.1, 0.3, 1.0)
        for eps in (0.0, 0.1, 0.5)
    ]
    matrices = np.array([replacement_matrix(lam, w) for lam, w, _ in cases])
    eps = np.array([e for _, _, e in cases])
    targets = np.array([stationary_share(m, e) for m, e in zip(matrices, eps, strict=True)])
    for start in (0.1, 0.5, 0.9):
        n = np.tile([start, 1 - start], (len(cases), 1)) * 10
        for _ in range(60_000):
            q = patrol_share(n[:, 0] / n.sum(axis=1), eps)[:, None]
            n = 0.99 * n + q * matrices[:, 0, :] + (1 - q) * matrices[:, 1, :]
        np.testing.assert_allclose(n[:, 0] / n.sum(axis=1), targets, atol=1e-6)


def test_polya_limit_and_its_moments() -> None:
    alpha, beta = polya_limit((609.0, 379.0), 3.68511)
    assert (alpha, beta) == pytest.approx((609 / 3.68511, 379 / 3.68511))
    mean, var = beta_moments(5.0, 1.0)
    assert mean == pytest.approx(5 / 6)
    assert var == pytest.approx(5 / (36 * 7))
    with pytest.raises(ValueError):
        polya_limit((1.0, 0.0), 1.0)


@given(st.floats(0.1, 50.0), st.floats(0.1, 50.0), st.floats(0.1, 5.0))
def test_polya_variance_grows_to_the_beta_variance(na: float, nb: float, step: float) -> None:
    assert polya_share_variance((na, nb), step, 0) == 0.0
    beta_var = beta_moments(*polya_limit((na, nb), step))[1]
    values = [polya_share_variance((na, nb), step, t) for t in (1, 10, 100, 10**9)]
    assert all(u < v for u, v in pairwise(values))
    assert values[-1] == pytest.approx(beta_var, rel=1e-6)


def test_polya_variance_matches_exact_enumeration() -> None:
    # Prior (2, 1), step 1, three draws: enumerate all paths.
    shares, probs = [], []
    for path in range(8):
        n, p = np.array([2.0, 1.0]), 1.0
        for t in range(3):
            a_drawn = (path >> t) & 1
            p *= n[0] / n.sum() if a_drawn else n[1] / n.sum()
            n[0 if a_drawn else 1] += 1
        shares.append(n[0] / n.sum())
        probs.append(p)
    shares, probs = np.array(shares), np.array(probs)
    assert probs.sum() == pytest.approx(1.0)
    assert shares @ probs == pytest.approx(2 / 3)
    variance = (shares - 2 / 3) ** 2 @ probs
    assert variance == pytest.approx(polya_share_variance((2.0, 1.0), 1.0, 3))


def test_convergence_exponents() -> None:
    lam_a, lam_b = OAKLAND
    assert convergence_exponent(replacement_matrix(OAKLAND)) == pytest.approx(1 - lam_b / lam_a)
    assert convergence_exponent(replacement_matrix((2.0, 1.0))) == pytest.approx(0.5)
    assert convergence_exponent(replacement_matrix(OAKLAND, 1.0)) == pytest.approx(1.0)
    # Exploration converges slower than reports here: 0.30 vs 0.49.
    assert convergence_exponent(replacement_matrix(OAKLAND), 0.2) == pytest.approx(0.295, abs=1e-3)
    assert convergence_exponent(replacement_matrix(OAKLAND, 0.3)) == pytest.approx(0.492, abs=1e-3)
