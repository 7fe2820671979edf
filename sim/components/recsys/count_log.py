"""A recommender's training log: impressions and clicks per (context, item), per day.

Outcomes are kept as per-day count matrices, so a retrain over a window costs
O(window × contexts × items) whatever the traffic. With ``window_days = 0`` training uses
everything, which is the running total. The log is sized when the world's shape is known.
"""

from __future__ import annotations

import numpy as np

from sim.components.base import DailySums
from sim.components.recsys.payloads import Outcomes

__all__ = ["CountLog"]


class CountLog:
    """Impressions and clicks per (context, item): lifetime totals, and per day for a window.

    ``holdout_only`` keeps only the outcomes of the randomized holdout slice.
    """

    def __init__(self, window_days: float = 0.0, holdout_only: bool = False):
        self.window_days = window_days
        self.holdout_only = holdout_only
        self.resize(0, 0)

    def resize(self, contexts: int, items: int) -> None:
        """Size the (empty) log for ``contexts`` × ``items``."""
        self.shape = (contexts, items)
        zeros = np.zeros(self.shape, dtype=np.int64)
        self.sums = DailySums(zeros, zeros, window_days=self.window_days)

    @property
    def total_impressions(self) -> np.ndarray:
        """Impressions per (context, item) over the whole log."""
        return self.sums.total[0]

    def add(self, day: float, outcome: Outcomes) -> None:
        """Log one batch of shown items and their clicks, published on ``day``."""
        keep = outcome.holdout if self.holdout_only else slice(None)
        self.add_counts(day, outcome.contexts[keep], outcome.items[keep], outcome.clicks[keep])

    def add_counts(
        self, day: float, contexts: np.ndarray, items: np.ndarray, clicks: np.ndarray
    ) -> None:
        """Log shown items (``items`` (n, k)) of ``contexts`` and their clicks, on ``day``."""
        cells = np.ravel_multi_index(
            (np.broadcast_to(contexts[:, None], items.shape).ravel(), items.ravel()), self.shape
        )
        size = self.shape[0] * self.shape[1]
        shown = np.bincount(cells, minlength=size).reshape(self.shape)
        clicked = np.bincount(cells, weights=clicks.ravel(), minlength=size).reshape(self.shape)
        self.sums.add(day, shown, clicked.astype(np.int64))

    def window(self, now: float, window_days: float) -> tuple[np.ndarray, np.ndarray]:
        """Summed (impressions, clicks) of the window (copies: the caller may keep them)."""
        impressions, clicks = self.sums.window(now, window_days)
        return impressions.copy(), clicks.copy()
