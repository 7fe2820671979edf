"""A lender's training log: granted loans repaid and defaulted per (group, score), per day.

A re-fit needs only these counts, so the log keeps count tables (per day for a sliding window,
and running totals) instead of every applicant: a re-fit costs O(days in the window × groups ×
scores) whatever the traffic, and O(groups × scores) on the whole log (``window_days = 0``).
The log is sized by the first request (the score table's shape).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.components.lending.payloads import LoanLog

__all__ = ["LoanCountLog", "LoanCounts"]


@dataclass(frozen=True)
class LoanCounts:
    """A training window: granted loans repaid and defaulted per (group, score), and how many
    applicants (granted or not) it spans."""

    repaid: np.ndarray  # (n_groups, n_scores)
    defaulted: np.ndarray  # (n_groups, n_scores)
    applicants: int


class LoanCountLog:
    """Repaid and defaulted loans per (group, score): running totals, and per day for a window."""

    def __init__(self, window_days: float = 0.0):
        self.window_days = window_days
        self.shape: tuple[int, int] | None = None
        self.days: dict[float, LoanCounts] = {}
        self.total: LoanCounts | None = None

    def resize(self, n_groups: int, n_scores: int) -> None:
        """Size the (empty) log for ``n_groups`` × ``n_scores``."""
        self.shape = (n_groups, n_scores)
        self.total = self.empty()

    def empty(self) -> LoanCounts:
        """No loans (of the log's shape; 0 × 0 before it is sized)."""
        shape = self.shape or (0, 0)
        return LoanCounts(np.zeros(shape), np.zeros(shape), 0)

    def add(self, day: float, log: LoanLog) -> None:
        """Log one day's applicants (``repaid`` counts only where the loan was granted)."""
        if self.shape is None or self.total is None:
            raise ValueError("a loan log arrived before any request sized the lender's log")
        counts = self._count(log)
        self.total = _sum(self.total, counts)
        if self.window_days > 0:
            earlier = self.days.get(day)
            self.days[day] = counts if earlier is None else _sum(earlier, counts)

    def window(self, now: float, window_days: float) -> LoanCounts:
        """The counts of the days ``[now − window_days, now)`` (0: everything logged so far)."""
        if window_days <= 0:
            return self.total if self.total is not None else self.empty()
        self.days = {d: c for d, c in self.days.items() if d >= now - window_days}
        counts = self.empty()
        for day, day_counts in self.days.items():
            if day < now:
                counts = _sum(counts, day_counts)
        return counts

    def _count(self, log: LoanLog) -> LoanCounts:
        assert self.shape is not None
        cells = np.ravel_multi_index((log.groups, log.scores), self.shape)
        size = self.shape[0] * self.shape[1]
        won = log.accepted & log.repaid
        lost = log.accepted & ~log.repaid
        repaid = np.bincount(cells[won], minlength=size).reshape(self.shape).astype(float)
        defaulted = np.bincount(cells[lost], minlength=size).reshape(self.shape).astype(float)
        return LoanCounts(repaid, defaulted, len(log.groups))


def _sum(a: LoanCounts, b: LoanCounts) -> LoanCounts:
    return LoanCounts(a.repaid + b.repaid, a.defaulted + b.defaulted, a.applicants + b.applicants)
