"""The censored-Poisson MLE on demand data: sales capped by stock (see also
test_censored_poisson.py for the attention-allocation form)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.learn.censored_poisson import censored_poisson_mle


def as_limits(sales: np.ndarray, sold_out: np.ndarray) -> np.ndarray:
    """A sold-out sale is at its limit (censored); any other is exact (limit one above)."""
    return np.where(sold_out, sales, sales + 1)


def test_recovers_demand_from_sales_capped_by_stock():
    rng = np.random.default_rng(1)
    truth = np.array([2.0, 8.0, 30.0])
    demand = rng.poisson(truth, size=(4000, 3))
    stock = np.array([2, 6, 28])  # at or below the mean: heavy censoring
    sales = np.minimum(demand, stock)
    mle = censored_poisson_mle(sales, as_limits(sales, demand >= stock))
    assert (sales.mean(axis=0) < 0.9 * truth).all()  # the mean of sales is biased low
    assert mle == pytest.approx(truth, rel=0.04)  # the MLE is not (4000 days)


def test_single_censored_observation_closed_form():
    # One exact 0 and one "at least 1": L(λ) = e^{-λ} (1 - e^{-λ}), maximal at λ = ln 2.
    sales = np.array([[0], [1]])
    rate = censored_poisson_mle(sales, as_limits(sales, np.array([[False], [True]])))
    assert rate[0] == pytest.approx(np.log(2), rel=1e-6)


def test_per_cell_caps_for_always_sold_out_cells():
    sales = np.array([[3, 5], [3, 5]])
    rate = censored_poisson_mle(sales, sales, max_rate=np.array([7.0, 9.0]))
    assert rate.tolist() == [7.0, 9.0]
