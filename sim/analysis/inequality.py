"""Concentration of exposure: Gini coefficient and normalised entropy."""

from __future__ import annotations

import numpy as np

__all__ = ["gini", "normalized_entropy"]


def gini(counts: np.ndarray) -> float:
    """Gini coefficient of non-negative ``counts`` (0: equal, → 1: all on one entity).

    Zero when every count is zero.
    """
    x = np.sort(np.asarray(counts, dtype=float).ravel())
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2.0 * np.sum(ranks * x) / (n * total)) - (n + 1.0) / n)


def normalized_entropy(counts: np.ndarray) -> float:
    """Shannon entropy of the shares of ``counts`` divided by ln(n): 1 is uniform exposure."""
    x = np.asarray(counts, dtype=float).ravel()
    n = x.size
    total = x.sum()
    if n <= 1 or total <= 0:
        return 1.0
    p = x[x > 0] / total
    return float(-np.sum(p * np.log(p)) / np.log(n))
