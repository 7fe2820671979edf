"""Maximum-likelihood Poisson rates from right-censored counts, vectorised over many cells.

An observation ``x`` is either exact (``D = x``) or censored (``D ≥ x``, e.g. sales that hit
the stock, discoveries that used up the attention sent). The log-likelihood of a rate λ is
``Σ_exact (x log λ − λ) + Σ_censored log P(D ≥ x; λ)`` with ``P(D ≥ x; λ) = P(x, λ)``, the
regularised lower incomplete gamma function (1 for x = 0). It is concave in λ (the Gamma CDF is
log-concave), so its score is decreasing and bisection finds the maximum. When every
observation is censored the likelihood grows without bound; the rate is then capped.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc, gammaln

__all__ = ["censored_poisson_mle", "censored_poisson_score"]


def censored_poisson_score(
    rate: np.ndarray, counts: np.ndarray, censored: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """d/dλ of the log-likelihood, per cell: ``rate`` (cells,), the others (cells, obs)."""
    lam = rate[:, None]
    exact = weights * ~censored * (counts / lam - 1.0)
    x = np.maximum(counts, 1.0)
    # d/dλ log P(D >= x; λ) = pmf(x - 1; λ) / P(D >= x; λ), for x >= 1 (0 for x = 0).
    log_pmf = (x - 1.0) * np.log(lam) - lam - gammaln(x)
    tail = gammainc(x, lam)
    ratio = np.exp(log_pmf - np.log(np.maximum(tail, 1e-300)))
    cens = weights * censored * (counts > 0) * ratio
    return (exact + cens).sum(axis=1)


def censored_poisson_mle(
    counts: np.ndarray,
    censored: np.ndarray,
    weights: np.ndarray | None = None,
    cap: float | np.ndarray | None = None,
    iterations: int = 50,
) -> np.ndarray:
    """The MLE of the Poisson rate of each row of ``counts`` (cells, obs).

    ``censored`` marks observations that are lower bounds; ``weights`` (0 or 1, or any
    non-negative weight) selects which observations count (padding gets weight 0). Rows with no
    weight get rate 0; rows whose likelihood is unbounded (all weight on censored counts) get
    ``cap`` (a number or one per row; default: 4 × the largest count + 10). Without censoring the
    answer is the weighted sample mean.
    """
    counts = np.asarray(counts, dtype=float)
    censored = np.asarray(censored, dtype=bool)
    weights = np.ones_like(counts) if weights is None else np.asarray(weights, dtype=float)
    if counts.ndim != 2 or censored.shape != counts.shape or weights.shape != counts.shape:
        raise ValueError("counts, censored and weights must be 2-D arrays of one shape")
    if (counts < 0).any() or (weights < 0).any():
        raise ValueError("counts and weights must be non-negative")
    total = weights.sum(axis=1)
    default = 4.0 * counts.max(initial=0) + 10
    upper = np.broadcast_to(np.asarray(default if cap is None else cap, dtype=float), total.shape)
    upper = upper.astype(float)
    lower = np.full(counts.shape[0], 1e-9)
    for _ in range(iterations):
        middle = np.sqrt(lower * upper)  # bisection on log λ
        rising = censored_poisson_score(middle, counts, censored, weights) > 0
        lower = np.where(rising, middle, lower)
        upper = np.where(rising, upper, middle)
    rate = np.sqrt(lower * upper)
    exact_mean = (weights * counts).sum(axis=1) / np.maximum(total, 1e-300)
    no_censoring = ~(censored & (weights > 0)).any(axis=1)
    rate = np.where(no_censoring, exact_mean, rate)
    return np.where(total > 0, rate, 0.0)
