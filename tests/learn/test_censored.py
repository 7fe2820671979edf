"""Censored Poisson MLE: closed forms and recovery of known rates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.learn.censored import censored_poisson_mle, censored_poisson_score


def test_without_censoring_it_is_the_sample_mean():
    counts = np.array([[1.0, 4.0, 7.0], [0.0, 0.0, 3.0]])
    rate = censored_poisson_mle(counts, np.zeros_like(counts, dtype=bool))
    assert rate == pytest.approx(counts.mean(axis=1))


def test_recovers_rates_from_censored_counts():
    rng = np.random.default_rng(1)
    truth = np.array([2.0, 8.0, 30.0])
    demand = rng.poisson(truth[:, None], size=(3, 4000))
    stock = np.array([[2], [6], [28]])  # at or below the mean: heavy censoring
    sales = np.minimum(demand, stock)
    censored = demand >= stock
    naive = sales.mean(axis=1)
    mle = censored_poisson_mle(sales, censored)
    assert (naive < 0.9 * truth).all()  # the sample mean of sales is biased low
    assert mle == pytest.approx(truth, rel=0.04)  # the MLE is not (4000 draws)


def test_single_censored_observation_closed_form():
    # One exact 0 and one censored "at least 1": L(λ) = e^{-λ} (1 - e^{-λ}); max at λ = ln 2.
    rate = censored_poisson_mle(np.array([[0.0, 1.0]]), np.array([[False, True]]))
    assert rate[0] == pytest.approx(np.log(2), rel=1e-6)


def test_fully_censored_rows_are_capped_and_empty_rows_are_zero():
    counts = np.array([[3.0, 3.0], [5.0, 5.0]])
    rate = censored_poisson_mle(
        counts,
        np.ones_like(counts, dtype=bool),
        weights=np.array([[1.0, 1.0], [0.0, 0.0]]),
        cap=np.array([7.0, 9.0]),
    )
    assert rate[0] == pytest.approx(7.0, rel=1e-6)
    assert rate[1] == 0.0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=2, max_size=12),
    st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_score_decreases_in_the_rate(counts, flags):
    x = np.array([counts], dtype=float)
    censored = np.array([flags[: len(counts)]])
    weights = np.ones_like(x)
    rates = np.geomspace(0.05, 80, 40)
    scores = [censored_poisson_score(np.array([r]), x, censored, weights)[0] for r in rates]
    assert np.all(np.diff(scores) <= 1e-9)  # concave log-likelihood
