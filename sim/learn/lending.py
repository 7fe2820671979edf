"""Lending thresholds: acceptance tables, the max-utility and the equal-opportunity thresholds.

A threshold ``t`` on an integer credit score C ∈ {0, …, K−1} is a real number in [0, K]: the
lender accepts every score ≥ ⌈t⌉ and the score ⌊t⌋ with probability ⌈t⌉ − t, that is with
probability ``clip(C − t + 1, 0, 1)``. It is a randomised threshold (Hardt et al. 2016) written
as one number: 3 accepts C ≥ 3; 2.27 accepts C ≥ 3 and 73% of C = 2; 0 accepts everyone and K
rejects everyone.

The evidence is a loan log summarised as counts per (group, score): ``repaid`` and
``defaulted``. A repaid loan earns ``rate`` (times the loan size) and a default loses the loan,
so accepting a cell is worth ``rate · repaid − defaulted`` (the cost matrix of D'Amour et al.
2020: tp = rate, fp = −1, tn = fn = 0). Fed with expected counts instead — ``share_g · μ_g(c) ·
π(c)`` repaid and ``share_g · μ_g(c) · (1 − π(c))`` defaulted — the same functions give the
thresholds of a lender that knows the population (an oracle).

The equal-opportunity thresholds follow the published agent: one true-positive rate τ for
every group, each group's threshold interpolating between adjacent scores to reach τ exactly,
and the τ that maximises the total utility. The utility is piecewise linear in τ with kinks at
the groups' achievable rates, so the maximum is found exactly by trying those rates.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "acceptance",
    "equal_opportunity_thresholds",
    "expected_counts",
    "max_utility_threshold",
    "tpr_curve",
]

_EPS = 1e-12


def acceptance(thresholds: ArrayLike, n_scores: int) -> np.ndarray:
    """(groups, n_scores) acceptance probabilities ``clip(C − t_g + 1, 0, 1)``."""
    t = np.atleast_1d(np.asarray(thresholds, dtype=float))
    if t.ndim != 1 or not np.isfinite(t).all():
        raise ValueError(f"thresholds must be a finite 1-D array, got {t!r}")
    return np.clip(np.arange(n_scores)[None, :] - t[:, None] + 1.0, 0.0, 1.0)


def _as_counts(repaid: ArrayLike, defaulted: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r = np.asarray(repaid, dtype=float)
    d = np.asarray(defaulted, dtype=float)
    if r.shape != d.shape or r.ndim not in (1, 2) or r.shape[-1] < 1:
        raise ValueError(
            f"repaid and defaulted must share a 1-D or 2-D shape: {r.shape}, {d.shape}"
        )
    if (r < 0).any() or (d < 0).any() or not (np.isfinite(r).all() and np.isfinite(d).all()):
        raise ValueError("counts must be finite and non-negative")
    return r, d


def _tail_sums(values: np.ndarray) -> np.ndarray:
    """``out[..., t] = Σ_{c ≥ t} values[..., c]`` for t = 0..K (the last entry is 0)."""
    tail = np.cumsum(values[..., ::-1], axis=-1)[..., ::-1]
    return np.concatenate([tail, np.zeros((*values.shape[:-1], 1))], axis=-1)


def max_utility_threshold(repaid: ArrayLike, defaulted: ArrayLike, rate: float) -> float:
    """The integer threshold t ∈ {0..K} maximising Σ_{c ≥ t} (rate·repaid_c − defaulted_c).

    Counts are per score (1-D); ties go to the highest threshold (no loans without evidence of
    profit). With no profitable tail it returns K: reject everyone.
    """
    r, d = _as_counts(repaid, defaulted)
    if r.ndim != 1:
        raise ValueError("max_utility_threshold takes counts per score (1-D); sum the groups")
    utility = _tail_sums(rate * r - d)
    best = utility.max()
    tolerance = 1e-9 * max(1.0, float(np.abs(utility).max()))
    return float(np.flatnonzero(utility >= best - tolerance)[-1])


def tpr_curve(repaid: ArrayLike) -> np.ndarray:
    """True-positive rate of each integer threshold t = 0..K for one group's repaid counts."""
    r = np.asarray(repaid, dtype=float)
    tail = _tail_sums(r)
    if tail[0] <= 0:
        raise ValueError("the TPR is undefined without any repaid loan")
    return tail / tail[0]


def equal_opportunity_thresholds(
    repaid: ArrayLike, defaulted: ArrayLike, rate: float
) -> np.ndarray:
    """Per-group thresholds with equal true-positive rates that maximise the total utility.

    ``repaid`` and ``defaulted`` are (groups, K). A group without any repaid loan has no TPR;
    it gets its own max-utility threshold (on its counts) and takes no part in the constraint.
    Ties between rates go to the lowest rate (fewest loans).
    """
    r, d = _as_counts(repaid, defaulted)
    if r.ndim != 2:
        raise ValueError("equal_opportunity_thresholds takes (groups, K) counts")
    n_groups, k = r.shape
    thresholds = np.empty(n_groups)
    totals = r.sum(axis=1)
    eligible = np.flatnonzero(totals > 0)
    for g in np.flatnonzero(totals <= 0):
        thresholds[g] = max_utility_threshold(r[g], d[g], rate)
    if eligible.size == 0:
        return thresholds
    gain = rate * r[eligible] - d[eligible]  # (E, K)
    tail_gain = _tail_sums(gain)  # (E, K+1): utility of integer threshold t
    tpr = _tail_sums(r[eligible]) / totals[eligible, None]  # (E, K+1), 1 → 0
    rates = np.unique(np.clip(tpr, 0.0, 1.0))  # candidate τ, ascending
    # t*: the highest integer threshold whose TPR reaches τ (TPR is non-increasing in t).
    reach = tpr[:, None, :] >= rates[None, :, None] - _EPS  # (E, M, K+1)
    top = reach.sum(axis=-1) - 1  # (E, M), in 0..K
    rows = np.arange(len(eligible))[:, None]
    inner = np.minimum(top, k - 1)
    above = tpr[rows, np.minimum(top + 1, k)]
    span = tpr[rows, inner] - above
    share = np.where(
        (top < k) & (span > _EPS), (rates[None, :] - above) / np.maximum(span, _EPS), 0.0
    )
    share = np.clip(share, 0.0, 1.0)  # probability of accepting the score t*
    utility = tail_gain[rows, np.minimum(top + 1, k)] + np.where(
        top < k, share * gain[rows, inner], 0.0
    )
    total = utility.sum(axis=0)  # (M,)
    tolerance = 1e-9 * max(1.0, float(np.abs(total).max()))
    best = int(np.flatnonzero(total >= total.max() - tolerance)[0])
    thresholds[eligible] = np.where(top[:, best] < k, top[:, best] + 1.0 - share[:, best], k)
    return thresholds


def expected_counts(
    distributions: ArrayLike, repay_prob: ArrayLike, group_shares: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Expected (repaid, defaulted) weights per (group, score) of one applicant, all accepted."""
    mu = np.asarray(distributions, dtype=float)
    pi = np.asarray(repay_prob, dtype=float)
    share = np.asarray(group_shares, dtype=float)[:, None]
    return share * mu * pi, share * mu * (1.0 - pi)
