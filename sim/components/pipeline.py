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
    """Per-day impressions and clicks per (context, item), plus lifetime totals."""

    def __init__(self, contexts: int, items: int):
        self.shape = (contexts, items)
        self.days: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        self.total_impressions = np.zeros(self.shape, dtype=np.int64)

    def add(self, day: float, contexts: np.ndarray, items: np.ndarray, clicks: np.ndarray) -> None:
        """Log one batch of shown items (``items`` (n, k)) and their clicks, on ``day``."""
        imps, clk = self.days.get(day) or (
            np.zeros(self.shape, dtype=np.int64),
            np.zeros(self.shape, dtype=np.int64),
        )
        cells = np.ravel_multi_index(
            (np.broadcast_to(contexts[:, None], items.shape).ravel(), items.ravel()), self.shape
        )
        size = self.shape[0] * self.shape[1]
        shown = np.bincount(cells, minlength=size).reshape(self.shape)
        clicked = np.bincount(cells, weights=clicks.ravel(), minlength=size).reshape(self.shape)
        self.days[day] = (imps + shown, clk + clicked.astype(np.int64))
        self.total_impressions += shown

    def window(self, now: float, window_days: float) -> tuple[np.ndarray, np.ndarray]:
        """Summed (impressions, clicks) of the days in ``(now - window_days, now]`` (0: all)."""
        imps = np.zeros(self.shape, dtype=np.int64)
        clk = np.zeros(self.shape, dtype=np.int64)
        for day, (i, c) in self.days.items():
            if day <= now and (window_days <= 0 or day > now - window_days):
                imps += i
                clk += c
        if window_days > 0:
            self.days = {d: v for d, v in self.days.items() if d > now - window_days}
        return imps, clk
