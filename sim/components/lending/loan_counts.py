"""A lender's training log: granted loans repaid and defaulted per (group, score), per day.

A re-fit needs only these counts, so the log keeps count tables (:class:`DailySums`: per day
for a sliding window, running totals for the whole log) instead of every applicant: a re-fit
costs O(groups × scores) on the whole log, whatever the traffic. The log is sized by the first
request (the score table's shape).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.components.base import DailySums
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
    """Repaid and defaulted loans per (group, score), and applicants, summed per day."""

    def __init__(self, window_days: float = 0.0):
        self.window_days = window_days
        self.shape: tuple[int, int] | None = None
        self.sums = self._sums((0, 0))

    def _sums(self, shape: tuple[int, int]) -> DailySums:
        zeros = np.zeros(shape)
        return DailySums(zeros, zeros, np.zeros(1, dtype=np.int64), window_days=self.window_days)

    def resize(self, n_groups: int, n_scores: int) -> None:
        """Size the (empty) log for ``n_groups`` × ``n_scores``."""
        self.shape = (n_groups, n_scores)
        self.sums = self._sums(self.shape)

    def empty(self) -> LoanCounts:
        """No loans (of the log's shape; 0 × 0 before it is sized)."""
        shape = self.shape or (0, 0)
        return LoanCounts(np.zeros(shape), np.zeros(shape), 0)

    def add(self, day: float, log: LoanLog) -> None:
        """Log one day's applicants (``repaid`` counts only where the loan was granted)."""
        if self.shape is None:
            raise ValueError("a loan log arrived before any request sized the lender's log")
        cells = np.ravel_multi_index((log.groups, log.scores), self.shape)
        size = self.shape[0] * self.shape[1]
        won = log.accepted & log.repaid
        lost = log.accepted & ~log.repaid
        repaid = np.bincount(cells[won], minlength=size).reshape(self.shape)
        defaulted = np.bincount(cells[lost], minlength=size).reshape(self.shape)
        self.sums.add(day, repaid, defaulted, np.array([len(log.groups)]))

    def window(self, now: float, window_days: float) -> LoanCounts:
        """The counts of the window (:mod:`sim.components.base.windows`)."""
        repaid, defaulted, applicants = self.sums.window(now, window_days)
        return LoanCounts(repaid, defaulted, int(applicants[0]))
