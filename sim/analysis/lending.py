"""Closed forms of the lending model of Liu et al. (2018) as simulated by D'Amour et al. (2020).

Each group g has a distribution μ_g over credit scores C ∈ {0..K−1}; an applicant with score C
repays with probability π(C). An applicant comes from group g with probability ``share_g``;
the lender accepts score C of group g with probability ``a_g(C)``. An accepted applicant who
repays moves ``m = min(step, μ_g(C))`` of the group's mass from C to min(C + 1, K − 1); a
default moves it to max(C − 1, 0); a rejection changes nothing.

Here: the exact expected change of the distributions and of the lender's profit after one
applicant, the population true-positive rate of a policy, the groups' mean score and mean
repayment probability, and the long-run distributions under a fixed integer threshold (every
unit of mass at or above it eventually defaults once at the threshold and, rejected from then
on, stays one score below it).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "absorbing_limit",
    "expected_step_change",
    "expected_step_profit",
    "mean_repay_prob",
    "mean_score",
    "population_tpr",
]


def _arrays(distributions: ArrayLike, accept: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    mu = np.atleast_2d(np.asarray(distributions, dtype=float))
    a = np.broadcast_to(np.asarray(accept, dtype=float), mu.shape)
    return mu, a


def mean_repay_prob(distributions: ArrayLike, repay_prob: ArrayLike) -> np.ndarray:
    """Per group, the population mean of π over the group's score distribution."""
    mu = np.atleast_2d(np.asarray(distributions, dtype=float))
    return mu @ np.asarray(repay_prob, dtype=float)


def mean_score(distributions: ArrayLike) -> np.ndarray:
    """Per group, the mean credit score."""
    mu = np.atleast_2d(np.asarray(distributions, dtype=float))
    return mu @ np.arange(mu.shape[1], dtype=float)


def population_tpr(
    distributions: ArrayLike, accept: ArrayLike, repay_prob: ArrayLike
) -> np.ndarray:
    """Per group, P(accepted | would repay) = Σ μπa / Σ μπ (nan if the group never repays)."""
    mu, a = _arrays(distributions, accept)
    pi = np.asarray(repay_prob, dtype=float)
    positives = mu @ pi
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(positives > 0, (mu * a) @ pi / positives, np.nan)


def expected_step_change(
    distributions: ArrayLike,
    accept: ArrayLike,
    repay_prob: ArrayLike,
    group_shares: ArrayLike,
    step: float,
) -> np.ndarray:
    """E[μ' − μ] after one applicant, exactly, shaped like ``distributions`` (groups, K)."""
    mu, a = _arrays(distributions, accept)
    pi = np.asarray(repay_prob, dtype=float)
    share = np.asarray(group_shares, dtype=float)[:, None]
    k = mu.shape[1]
    moved = share * mu * a * np.minimum(step, mu)  # E[mass moved], by the cell it leaves
    up = moved * pi
    down = moved * (1.0 - pi)
    change = -(up + down)
    for c in range(k):  # at the edges the mass "moves" to its own score: no change
        change[:, min(c + 1, k - 1)] += up[:, c]
        change[:, max(c - 1, 0)] += down[:, c]
    return change


def expected_step_profit(
    distributions: ArrayLike,
    accept: ArrayLike,
    repay_prob: ArrayLike,
    group_shares: ArrayLike,
    rate: float,
    loan_size: float = 1.0,
) -> float:
    """E[profit] of one applicant: loan_size · Σ_g share_g Σ_C μ a (rate·π − (1 − π))."""
    mu, a = _arrays(distributions, accept)
    pi = np.asarray(repay_prob, dtype=float)
    share = np.asarray(group_shares, dtype=float)[:, None]
    return float(loan_size * (share * mu * a * (rate * pi - (1.0 - pi))).sum())


def absorbing_limit(distributions: ArrayLike, threshold: int) -> np.ndarray:
    """Long-run distributions under the fixed integer threshold ``threshold`` (1 ≤ t ≤ K).

    Scores below t − 1 never move; the mass at t − 1 and above ends at t − 1. It holds when
    π(C) < 1 for every accepted score (so that every unit of mass can default) and the mass
    sits on the grid of ``step`` (so that every move is a whole unit), as in the published
    parameters; ``threshold = K`` (reject all) leaves the distributions unchanged.
    """
    mu = np.atleast_2d(np.asarray(distributions, dtype=float)).copy()
    k = mu.shape[1]
    if not 1 <= threshold <= k or int(threshold) != threshold:
        raise ValueError(f"threshold must be an integer in 1..{k}, got {threshold!r}")
    if threshold == k:
        return mu
    low = threshold - 1
    mu[:, low] = mu[:, low:].sum(axis=1)
    mu[:, low + 1 :] = 0.0
    return mu
