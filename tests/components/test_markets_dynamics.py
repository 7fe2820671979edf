"""The markets family's pure dynamics: the price market's rows and adoption, the venue's step."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.components.markets.dynamics import (
    VenueTruth,
    adopt_quotes,
    draw_rows,
    history_days,
    price_true,
    venue_step,
)


@given(st.integers(1, 500), st.integers(1, 50))
def test_history_is_stamped_at_rows_per_day_ending_on_day_minus_one(rows, per_day) -> None:
    days = history_days(rows, per_day)
    assert len(days) == rows and days[-1] == -1.0
    assert (np.diff(days) >= 0).all()
    counts = np.unique(days, return_counts=True)[1]
    assert (counts[1:] == per_day).all() and 1 <= counts[0] <= per_day


def test_the_true_price_is_linear_plus_curvature() -> None:
    X = np.array([[0.0, 1.0], [2.0, 0.0]])
    w = np.array([1.0, 3.0])
    assert np.allclose(price_true(X, w, curvature=0.5), [3.0 - 0.5, 2.0 + 1.5])


def test_noise_free_rows_carry_the_true_price() -> None:
    rng = np.random.default_rng(0)
    w = rng.standard_normal(4)
    X, y = draw_rows(rng, 50, w, curvature=1.0, noise_sd=0.0)
    assert X.shape == (50, 4) and np.allclose(y, price_true(X, w, 1.0))


@settings(max_examples=30)
@given(st.floats(0, 1), st.floats(0, 2), st.integers(0, 2**32 - 1))
def test_an_adopted_price_is_the_quote_give_or_take_adherence(usage, adherence, seed) -> None:
    rng = np.random.default_rng(seed)
    quotes, prices = np.zeros(200), np.full(200, 10.0)
    recorded, adopted = adopt_quotes(rng, quotes, 1.0, prices, usage, adherence)
    assert (recorded[~adopted] == 10.0).all()
    assert (np.abs(recorded[adopted]) <= 10 * adherence + 1e-12).all()
    if usage == 0:
        assert not adopted.any()


def test_without_noise_the_venue_reverts_to_the_fundamental_and_moves_with_orders() -> None:
    truth = VenueTruth(price=0.0, value=1.0)
    rng = np.random.default_rng(0)
    r = venue_step(truth, rng, 0.0, reversion=0.3, impact=1.0, noise_sd=0.0, fundamental_sd=0.0)
    assert r == 0.3 and truth.price == 0.3 and truth.value == 1.0
    r = venue_step(truth, rng, 0.2, reversion=0.5, impact=2.0, noise_sd=0.0, fundamental_sd=0.0)
    assert np.isclose(r, 0.5 * 0.7 + 0.4)
