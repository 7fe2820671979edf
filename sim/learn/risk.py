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

    Newton steps with a backtracking line search; ``l2 > 0`` makes the problem strongly convex in
    ``w`` (the intercept is identifiable whenever both labels occur).
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
        size = 1.0
        while size > 1e-8:
            candidate = theta - size * step
            new_loss = logistic_loss(candidate, X, y, l2, offset)
            if new_loss <= loss:
                break
            size /= 2
        theta, improvement = candidate, loss - new_loss
        loss = new_loss
        if improvement < tolerance and np.abs(size * step).max() < np.sqrt(tolerance):
            break
    return theta
