"""The demand world's pure dynamics (no SimPy): seasonal demand rates and censored sales.

The daily demand rate of store ``s`` and product ``p`` is ``size[s] · popularity[p] ·
season(t)`` with ``season(t) = 1 + amplitude · sin(2π (t + phase) / 7)``. A shelf sells
``min(demand, stock)``; where demand reached the stock the sale is censored (demand ≥ sales)
and what was not in stock is lost, never observed.
"""

from __future__ import annotations

import numpy as np

__all__ = ["demand_rate", "sell"]


def demand_rate(base_rate: np.ndarray, amplitude: float, phase: float, day: float) -> np.ndarray:
    """True demand rate per (store, product) on ``day``."""
    return base_rate * (1.0 + amplitude * np.sin(2 * np.pi * (day + phase) / 7))


def sell(demand: np.ndarray, stock: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(sales, stockout)``: sales capped by stock, and where the shelf ran empty."""
    return np.minimum(demand, stock), demand >= stock
