"""The supply family's contract: what flows between the demand world, the inventory and the
forecaster (plain, immutable values).

The world opens each day (``StoreDay``), each inventory system answers with what it put on the
shelves (``StockPlan``), the world publishes the sales per inventory system (``SalesBatch``:
censored where a shelf ran empty) and, before day 0, a batch of uncensored history. The
forecaster publishes a ``Forecast`` at each deploy (its version is on
``<forecaster>.deploys``); ``DemandTruth`` is audit-only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["DemandTruth", "Forecast", "SalesBatch", "StockPlan", "StoreDay"]


@dataclass(frozen=True)
class StoreDay:
    """The stores open: the day and the shape of the shelves to stock."""

    day: float
    stores: int
    products: int


@dataclass(frozen=True)
class StockPlan:
    """What an inventory system put on the shelves for the day."""

    stock: np.ndarray  # (stores, products) units
    holdout_stores: np.ndarray  # (stores,) bool: stocked amply so that sales reveal demand


@dataclass(frozen=True)
class SalesBatch:
    """Sales per (store, product) over some days; ``stockout`` marks censored cells."""

    days: np.ndarray  # (n_days,)
    sales: np.ndarray  # (n_days, stores, products)
    stockout: np.ndarray  # (n_days, stores, products) bool: demand >= sales
    holdout_stores: np.ndarray | None = None  # (stores,) bool, as the inventory planned


@dataclass(frozen=True)
class Forecast:
    """A forecaster's deployed model: the daily demand rate it believes per (store, product)."""

    rate_hat: np.ndarray  # (stores, products)


@dataclass(frozen=True)
class DemandTruth:
    """Audit-only truth: the demand rate per (store, product) on a day."""

    rate_on: Callable[[float], np.ndarray]
