"""The training pipeline of an ML system: what is logged, when it retrains, on which window.

Logs arrive after ``label_delay_days`` (a scheduled event, not an immediate call) and are kept
as per-day count matrices (impressions, clicks per context × item), so a retrain over a window
costs O(window × contexts × items) whatever the traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.core.params import param

__all__ = ["CountLog", "TrainingParams"]


@dataclass(frozen=True)
class TrainingParams:
    """How an ML system learns from its logs."""

    every_days: float = param(1.0, gt=0, doc="retrain cadence")
    window_days: float = param(0.0, ge=0, doc="train on the last N days of logs (0: all)")
    label_delay_days: float = param(0.0, ge=0, doc="delay before an outcome reaches the logs")
    deploy_latency_days: float = param(0.0, ge=0, doc="delay from retrain to serving")
    holdout_share: float = param(0.0, ge=0, lt=1, doc="share of requests served at random")
    learn_from: Literal["all", "holdout"] = param("all", doc="which logged requests train")


class CountLog:
    """Impressions and clicks per (context, item): lifetime totals, and per day for a window.

    Outcomes are logged when they arrive, never ahead of the clock. With ``window_days = 0``
    training uses everything, which is the running total; otherwise per-day counts are kept for
    the window only.
    """

    def __init__(self, contexts: int, items: int, window_days: float = 0.0):
        self.shape = (contexts, items)
        self.window_days = window_days
        self.days: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        self.total_impressions = np.zeros(self.shape, dtype=np.int64)
        self.total_clicks = np.zeros(self.shape, dtype=np.int64)

    def add(self, day: float, contexts: np.ndarray, items: np.ndarray, clicks: np.ndarray) -> None:
        """Log one batch of shown items (``items`` (n, k)) and their clicks, on ``day``."""
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

    def training_counts(self, now: float) -> tuple[np.ndarray, np.ndarray]:
        """Summed (impressions, clicks) of the days in ``(now - window_days, now]`` (0: all)."""
        if self.window_days <= 0:
            return self.total_impressions.copy(), self.total_clicks.copy()
        self.days = {d: v for d, v in self.days.items() if d > now - self.window_days}
        imps = np.zeros(self.shape, dtype=np.int64)
        clk = np.zeros(self.shape, dtype=np.int64)
        for day, (i, c) in self.days.items():
            if day <= now:
                imps += i
                clk += c
        return imps, clk
