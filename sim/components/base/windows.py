"""The training window, written once: which logged days a retrain at ``now`` sees.

A window of ``window_days`` = W > 0 holds the last W whole days, ``[now − W, now)``, whenever
in the day the retrain runs; W = 0 holds everything logged so far. Days older than the window
are dropped for good (a window only moves forward). :class:`DailySums` applies the rule to logs
that keep additive tables (counts, sums) instead of every outcome: a retrain then costs
O(days in the window × table size) whatever the traffic, and O(table size) on the whole log.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DailySums", "expired", "in_window"]


def in_window(day: float, now: float, window_days: float) -> bool:
    """Whether outcomes published on ``day`` are in the window of a retrain at ``now``."""
    if window_days <= 0:
        return day <= now
    return now - window_days <= day < now


def expired(day: float, now: float, window_days: float) -> bool:
    """Whether ``day`` is older than any window from ``now`` on (it can be dropped)."""
    return window_days > 0 and day < now - window_days


class DailySums:
    """Additive tables (numpy arrays of fixed shapes) summed per day and in total.

    ``add(day, *parts)`` adds one batch's tables; ``window(now, W)`` gives their sums over the
    window (W = 0: the running totals themselves, not copies). Per-day tables are kept only when
    the system trains on a sliding window (``window_days`` > 0).
    """

    def __init__(self, *zeros: np.ndarray, window_days: float = 0.0) -> None:
        self.window_days = window_days
        self.total = [np.array(z, copy=True) for z in zeros]
        self.days: dict[float, list[np.ndarray]] = {}

    def add(self, day: float, *parts: np.ndarray) -> None:
        """Add one batch of tables published on ``day``."""
        for total, part in zip(self.total, parts, strict=True):
            total += part
        if self.window_days > 0:
            held = self.days.get(day)
            if held is None:
                self.days[day] = [
                    np.array(p, dtype=t.dtype) for p, t in zip(parts, self.total, strict=True)
                ]
            else:
                for sums, part in zip(held, parts, strict=True):
                    sums += part

    def window(self, now: float, window_days: float) -> tuple[np.ndarray, ...]:
        """The tables summed over the window of a retrain at ``now``."""
        if window_days <= 0:
            return tuple(self.total)
        self.days = {d: v for d, v in self.days.items() if not expired(d, now, window_days)}
        sums = [np.zeros_like(t) for t in self.total]
        for day, parts in self.days.items():
            if in_window(day, now, window_days):
                for acc, part in zip(sums, parts, strict=True):
                    acc += part
        return tuple(sums)
