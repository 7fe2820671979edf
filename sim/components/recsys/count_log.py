"""A recommender's training log: impressions and clicks per (context, item), per day.

Outcomes are kept as per-day count matrices, so a retrain over a window costs
O(window × contexts × items) whatever the traffic. With ``window_days = 0`` training uses
everything, which is the running total. The log is sized when the world's shape is known.
"""

from __future__ import annotations

import numpy as np

from sim.components.recsys.payloads import Outcomes

__all__ = ["CountLog"]


class CountLog:
    """Impressions and clicks per (context, item): lifetime totals, and per day for a window.

    ``holdout_only`` keeps only the outcomes of the randomized holdout slice.
    """

    def __init__(self, window_days: float = 0.0, holdout_only: bool = False):
        self.window_days = window_days
        self.holdout_only = holdout_only
        self.shape = (0, 0)
        self.days: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        self.total_impressions = np.zeros(self.shape, dtype=np.int64)
        self.total_clicks = np.zeros(self.shape, dtype=np.int64)

    def resize(self, contexts: int, items: int) -> None:
        """Size the (empty) log for ``contexts`` × ``items``."""
        self.shape = (contexts, items)
        self.total_impressions = np.zeros(self.shape, dtype=np.int64)
        self.total_clicks = np.zeros(self.shape, dtype=np.int64)

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
        clicked = clicked.astype(np.int64)
        self.total_impressions += shown
        self.total_clicks += clicked
        if self.window_days > 0:
            imps, clk = self.days.get(day, (0, 0))
            self.days[day] = (imps + shown, clk + clicked)

    def window(self, now: float, window_days: float) -> tuple[np.ndarray, np.ndarray]:
        """Summed (impressions, clicks) of the days ``[now - window_days, now)`` (0: all so far)."""
        if window_days <= 0:
            return self.total_impressions.copy(), self.total_clicks.copy()
        self.days = {d: v for d, v in self.days.items() if d >= now - window_days}
        imps = np.zeros(self.shape, dtype=np.int64)
        clk = np.zeros(self.shape, dtype=np.int64)
        for day, (i, c) in self.days.items():
            if day < now:
                imps += i
                clk += c
        return imps, clk
