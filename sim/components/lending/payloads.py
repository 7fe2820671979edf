"""What the lending world and a lender exchange each day (plain, immutable values).

The world asks (``LoanRequest``: the day, the loan terms, the shape of the score table), the
lender answers with a policy (``LendingPolicy``: per group and score, the probability of
accepting), the world returns the day's loan log (``LoanLog``: every applicant's group and
score, the decisions, and the outcomes of the granted loans only). ``LendingTruth`` is what an
oracle policy of the published model may read: π and the current score distributions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LendingPolicy", "LendingTruth", "LoanLog", "LoanRequest"]


@dataclass(frozen=True)
class LoanRequest:
    """Today's applicants are about to arrive: the loan terms and the score table's shape."""

    day: float
    applicants: int
    n_groups: int
    n_scores: int
    interest_rate: float
    loan_size: float


@dataclass(frozen=True)
class LendingPolicy:
    """The lender's answer: P(accept) per (group, score), and its thresholds (for the record)."""

    accept: np.ndarray  # (n_groups, n_scores) in [0, 1]
    thresholds: np.ndarray  # (n_groups,)


@dataclass(frozen=True)
class LoanLog:
    """The day's applicants in arrival order; ``repaid`` is meaningful only where accepted."""

    groups: np.ndarray  # (n,) int
    scores: np.ndarray  # (n,) int
    accepted: np.ndarray  # (n,) bool
    repaid: np.ndarray  # (n,) bool, False where not accepted (the lender never learns)


@dataclass(frozen=True)
class LendingTruth:
    """Oracle-only truth: repayment probability per score and the current distributions."""

    repay_prob: np.ndarray  # (n_scores,)
    distributions: np.ndarray  # (n_groups, n_scores), a copy
    group_shares: np.ndarray  # (n_groups,)
