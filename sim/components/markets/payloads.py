"""The markets family's contract: what flows between its markets and the models that price and
trade in them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "DayReturn",
    "Listings",
    "Order",
    "Quotes",
    "ReturnHistory",
    "Rows",
    "TestSet",
    "TradingDay",
]


# -- the price market (Khritankov's adherence loop) --------------------------------------------
@dataclass(frozen=True)
class Listings:
    """One day's properties coming to market: their features (the request)."""

    day: float
    features: np.ndarray  # (n, d)


@dataclass(frozen=True)
class Quotes:
    """A regressor's answer: a price per listing and the serving model's own error."""

    prices: np.ndarray  # (n,)
    error: float  # MAE of the serving model on its training window


@dataclass(frozen=True)
class Rows:
    """Features and recorded prices; ``adopted`` marks prices set by the model.

    ``days`` stamps each row with the day it was recorded (history rows: the days before 0).
    """

    features: np.ndarray  # (n, d)
    prices: np.ndarray  # (n,)
    adopted: np.ndarray  # (n,) bool
    days: np.ndarray  # (n,)


@dataclass(frozen=True)
class TestSet:
    """Audit-only: fresh rows labelled by the true price function."""

    features: np.ndarray
    prices: np.ndarray


# -- the trading venue ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TradingDay:
    """What traders see before ordering: the last daily return (the request)."""

    day: float
    last_return: float


@dataclass(frozen=True)
class Order:
    """A trader's answer: its net order for the day (log-price units of impact)."""

    size: float


@dataclass(frozen=True)
class DayReturn:
    """One day on the venue: yesterday's and today's return, and today's net order flow."""

    day: float
    previous: float
    current: float
    net_order: float


@dataclass(frozen=True)
class ReturnHistory:
    """Daily returns before day 0, with no traders in the market (oldest first)."""

    returns: np.ndarray
