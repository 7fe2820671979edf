"""Pure dynamics of the markets family (no SimPy): the price market and the trading venue.

Price market (Khritankov, SWQD 2021): the true price is ``f(x) + noise`` with
``f(x) = x·w* + curvature·(x₀² − 1)``; an adopted price is the model's quote plus noise of
standard deviation ``adherence · m``, ``m`` the serving model's error.

Trading venue: a log price ``p`` tracks a random-walk fundamental ``v``; the day's return is
``r = κ (v − p) + λ q + noise`` for the net order flow ``q``.

Every function draws from the generator it is given, in a fixed order (the simulations' results
depend on it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "VenueTruth",
    "adopt_quotes",
    "draw_rows",
    "history_days",
    "price_true",
    "venue_step",
]


# -- the price market ----------------------------------------------------------------------------
def price_true(X: np.ndarray, w_true: np.ndarray, curvature: float) -> np.ndarray:
    """The true price function f(x), without noise."""
    return X @ w_true + curvature * (X[:, 0] ** 2 - 1.0)


def draw_rows(
    rng: np.random.Generator, n: int, w_true: np.ndarray, curvature: float, noise_sd: float
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` properties ``x ~ N(0, I)`` and their true prices ``f(x) + noise``."""
    X = rng.standard_normal((n, len(w_true)))
    return X, price_true(X, w_true, curvature) + noise_sd * rng.standard_normal(n)


def adopt_quotes(
    rng: np.random.Generator,
    quotes: np.ndarray,
    error: float,
    prices: np.ndarray,
    usage: float,
    adherence: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Recorded prices and which were adopted: with probability ``usage`` a seller takes the
    quote give or take ``adherence · error``; otherwise the market sets the true price."""
    adopted = rng.random(len(prices)) < usage
    follow = quotes + adherence * error * rng.standard_normal(len(prices))
    return np.where(adopted, follow, prices), adopted


def history_days(rows: int, rows_per_day: int) -> np.ndarray:
    """Day stamps of ``rows`` history rows recorded at ``rows_per_day`` before day 0 (the last
    ``rows_per_day`` on day −1)."""
    return -((rows - np.arange(rows) - 1) // rows_per_day + 1).astype(float)


# -- the trading venue ---------------------------------------------------------------------------
@dataclass
class VenueTruth:
    """The venue's truth: log price and fundamental value."""

    price: float = 0.0
    value: float = 0.0


def venue_step(
    state: VenueTruth,
    rng: np.random.Generator,
    net_order: float,
    reversion: float,
    impact: float,
    noise_sd: float,
    fundamental_sd: float,
) -> float:
    """Advance one day: return ``κ (v − p) + λ q + noise``; then the fundamental takes a step."""
    noise = noise_sd * rng.standard_normal()
    r = reversion * (state.value - state.price) + impact * net_order + noise
    state.value += fundamental_sd * rng.standard_normal()
    state.price += r
    return r
