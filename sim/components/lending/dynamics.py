"""The lending world's pure dynamics (no SimPy): applicants taken one at a time.

Each applicant comes from group 1 with probability ``group_1_prob``, draws a score from its
group's *current* distribution, is accepted with the lender's probability for its (group,
score), and would repay with probability π(C). An accepted applicant who repays moves ``step``
of the group's mass from C up one score; a default moves it down one (never past the ends,
never more mass than C holds); a rejection changes nothing. The closed forms of these dynamics
(expected change, profit, long-run limits) are in :mod:`sim.analysis.lending`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GROUPS", "Applicants", "lend_applicants"]

GROUPS = ("group_1", "group_2")


@dataclass(frozen=True)
class Applicants:
    """One batch of applicants in arrival order, with what truth knows about each."""

    groups: np.ndarray  # (n,) int
    scores: np.ndarray  # (n,) int
    accepted: np.ndarray  # (n,) bool
    would_repay: np.ndarray  # (n,) bool, drawn for everyone (rejected ones included)


def lend_applicants(
    distributions: np.ndarray,
    accept: np.ndarray,
    repay_prob: np.ndarray,
    group_1_prob: float,
    step: float,
    uniforms: np.ndarray,
) -> Applicants:
    """Take ``len(uniforms)`` applicants one at a time; ``distributions`` is updated in place.

    Row i of ``uniforms`` (n, 4) decides applicant i: its group, its score (inverse CDF of
    the group's current distribution), the lender's coin (accept iff u < accept[g, C]) and
    whether it would repay (u < π(C)). Scalar Python on purpose: each applicant's score is
    drawn from the distribution its predecessors left, so the loop cannot be vectorised.
    """
    dist = distributions.tolist()
    acc = np.asarray(accept, dtype=float).tolist()
    pi = np.asarray(repay_prob, dtype=float).tolist()
    last = len(pi) - 1
    n = len(uniforms)
    groups, scores = [0] * n, [0] * n
    accepted, repays = [False] * n, [False] * n
    for i, (u_group, u_score, u_accept, u_repay) in enumerate(uniforms.tolist()):
        g = 0 if u_group < group_1_prob else 1
        d = dist[g]
        c, cum = 0, d[0]
        while u_score >= cum and c < last:
            c += 1
            cum += d[c]
        if d[c] <= 0.0:  # rounding left the draw past the last cell with mass
            c = max(j for j in range(last + 1) if d[j] > 0.0)
        ok = u_repay < pi[c]
        groups[i], scores[i], repays[i] = g, c, ok
        if u_accept < acc[g][c]:
            accepted[i] = True
            target = min(c + 1, last) if ok else max(c - 1, 0)
            moved = step if d[c] > step else d[c]
            d[c] -= moved
            d[target] += moved
    distributions[:] = dist
    return Applicants(
        np.array(groups, dtype=np.int64),
        np.array(scores, dtype=np.int64),
        np.array(accepted, dtype=bool),
        np.array(repays, dtype=bool),
    )
