"""Exact risk minimisers used by repeated risk minimisation (RRM).

- squared loss ``(z − θ)²``: the minimiser is the sample mean;
- L2-regularised logistic regression (intercept not penalised): Newton's method to convergence,
  so that each RRM round is an exact minimisation, as Perdomo et al. (2020) assume.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["fit_logistic_l2", "logistic_loss"]


def logistic_loss(
    theta: np.ndarray, X: np.ndarray, y: np.ndarray, l2: float, offset: np.ndarray | float = 0.0
) -> float:
    """Mean log loss plus ``l2 / 2 · ‖w‖²``; ``theta = (w, intercept)``; log-odds
    ``offset + X w + intercept`` (the offset is fixed, e.g. another model's log-odds)."""
    z = X @ theta[:-1] + theta[-1] + offset
    log_loss = np.logaddexp(0.0, z) - y * z
    return float(log_loss.mean() + 0.5 * l2 * theta[:-1] @ theta[:-1])


def fit_logistic_l2(
    X: np.ndarray,
    y: np.ndarray,
    l2: float,
    start: np.ndarray | None = None,
    tolerance: float = 1e-10,
    max_iterations: int = 100,
    offset: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Minimise :func:`logistic_loss`; returns ``(w_1..w_d, intercept)``.

    Newton steps with a backtracking line search (halving until the loss does not rise), stopped
    when half the squared Newton decrement ``g·H⁻¹g / 2`` (what is left to gain, for a
    near-quadratic loss) is at most ``tolerance`` and no step coordinate exceeds its square root.
    ``l2 > 0`` makes the problem strongly convex in ``w`` (the intercept is identifiable whenever
    both labels occur). A warm ``start`` in a flat region (every p ≈ 0 or 1, where the Newton step
    is huge and no fraction of it descends) restarts from zero; before, such a fit crept along
    ascending steps and returned a point with a loss thousands of times the minimum.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    theta = np.zeros(d + 1) if start is None else np.array(start, dtype=float)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 1e-12  # the intercept is not penalised (a tiny ridge keeps the step defined)
    loss = logistic_loss(theta, X, y, l2, offset)
    for _ in range(max_iterations):
        p = expit(A @ theta + offset)
        gradient = A.T @ (p - y) / n + penalty * theta
        gradient[-1] -= penalty[-1] * theta[-1]
        hessian = (A * (p * (1 - p))[:, None]).T @ A / n + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        decrement = float(gradient @ step)
        if decrement / 2 <= tolerance and np.abs(step).max() <= np.sqrt(tolerance):
            break
        size = 1.0
        while True:
            candidate = theta - size * step
            new_loss = logistic_loss(candidate, X, y, l2, offset)
            if new_loss <= loss:
                break
            size /= 2
            if size < 1e-8:
                if start is not None:  # a warm start in a flat region (every p ≈ 0 or 1): cold
                    return fit_logistic_l2(X, y, l2, None, tolerance, max_iterations, offset)
                return theta  # no descent along the Newton step: as close as rounding allows
        theta, loss = candidate, new_loss
    return theta
