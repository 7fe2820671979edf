"""Closed forms of the predictive-policing urn (Ensign et al., FAT* 2018), derived here.

Two regions A and B; the urn holds ``n_A, n_B`` balls and a day's patrol goes to A with
probability ``q``. With the replacement matrix ``[[a, b], [c, d]]`` (row: region visited;
columns: balls added to A and to B) the expected balls added in a day are

    E_A(q) = q·a + (1 − q)·c,        E_B(q) = q·b + (1 − q)·d.

A limit share ``x`` of the urn must reproduce itself, ``x = E_A / (E_A + E_B)``: with
``q = (1 − ε)·x + ε/2`` (uniform exploration ε) the difference ``g(x) = E_A − x·(E_A + E_B)``
is a quadratic, and the urn settles at its *stable* root in [0, 1] (``g`` falls through zero
there). Special cases:

- equal rates, discovered incidents only (``a = d``, ``b = c = 0``): ``g ≡ 0``, a Pólya urn.
  The share is a martingale and its limit is random, Beta(n_A/Δ, n_B/Δ) for a deterministic
  step Δ (:func:`polya_limit`). After ``T`` draws, with ``m = (n_A + n_B)/Δ``,
  ``Var x_T = x_0(1 − x_0)·T/((m + T)(m + 1))`` (:func:`polya_share_variance`): the
  conditional variance of a step is ``x(1 − x)/(m + t + 1)²`` and ``E[x(1 − x)]`` shrinks by
  ``1 − 1/(m + t + 1)²`` a step, a telescoping product.
- unequal rates, discovered only: ``g(x) = x(1 − x)(a − d)``; the stable root is 1 if ``a > d``
  (the share runs away to the higher-rate region) whatever the prior.
- reported incidents mixed in (``b, c > 0``): one root in (0, 1) (:func:`stationary_share`).
- the fix (rejection sampling): every visit to ``i`` is kept with probability ``p_j / max p``,
  so the expected balls per day are proportional to the true rates for every ``x``; the limit is
  ``λ_A / (λ_A + λ_B)`` (:func:`true_share`).

How fast: in "urn time" ``log N`` (N the number of balls) the share follows
``dx/dlog N = g(x)/(E_A + E_B)``, so near the limit the error shrinks like ``N^(−κ)`` with
``κ = −g'(x*)/(E_A + E_B)(x*)`` (:func:`convergence_exponent`): ``(a − d)/a`` for the runaway
with discovered incidents only (``1 − x ∝ t^(d/a − 1)``), 1 for the fix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "beta_moments",
    "convergence_exponent",
    "patrol_share",
    "polya_limit",
    "polya_share_variance",
    "replacement_matrix",
    "stationary_share",
    "true_share",
]


def replacement_matrix(
    rates: Sequence[float], reported_weight: float = 0.0, scale: float = 1.0
) -> np.ndarray:
    """The paper's ``[[a, b], [c, d]]``: ``a = λ_A, b = w_r·λ_B, c = w_r·λ_A, d = λ_B``, × scale.

    ``reported_weight`` is ``w_r = 1 − w_d``; a visited region receives its discovered incidents
    with weight ``w_d`` and its reported ones with weight ``w_r`` (``λ`` in all), every other
    region its reported incidents only.
    """
    lam = np.asarray(rates, dtype=float)
    if lam.shape != (2,) or (lam < 0).any():
        raise ValueError(f"rates must be two non-negative numbers, got {rates!r}")
    if not 0.0 <= reported_weight <= 1.0:
        raise ValueError(f"reported_weight must lie in [0, 1], got {reported_weight}")
    w = reported_weight
    return scale * np.array([[lam[0], w * lam[1]], [w * lam[0], lam[1]]])


def true_share(rates: Sequence[float]) -> np.ndarray:
    """Each region's share of the true incident rate, ``λ_i / Σλ``."""
    lam = np.asarray(rates, dtype=float)
    return lam / lam.sum()


def patrol_share(urn_share: float, explore: float = 0.0) -> float:
    """Probability of patrolling A when the urn's share is ``urn_share`` (two regions)."""
    return (1.0 - explore) * urn_share + explore / 2.0


def _drift_coefficients(matrix: np.ndarray, explore: float) -> tuple[float, float, float]:
    """``g(x) = g0 + g1·x + g2·x²`` (see the module docstring)."""
    (a, b), (c, d) = np.asarray(matrix, dtype=float)
    alpha, beta = explore / 2.0, 1.0 - explore  # q = alpha + beta·x
    a0, a1 = c + (a - c) * alpha, (a - c) * beta  # E_A = a0 + a1·x
    t0, t1 = (c + d) + (a + b - c - d) * alpha, (a + b - c - d) * beta  # E_A + E_B
    return a0, a1 - t0, -t1


def stationary_share(matrix: np.ndarray, explore: float = 0.0) -> float:
    """The urn's limiting share of A: the stable root in [0, 1] of ``g``; nan for a Pólya urn.

    ``matrix`` is the mean replacement matrix (its entries may be expected values of random
    updates). Raises ``ValueError`` if there is more than one stable root.
    """
    if not 0.0 <= explore <= 1.0:
        raise ValueError(f"explore must lie in [0, 1], got {explore}")
    g0, g1, g2 = _drift_coefficients(matrix, explore)
    scale = max(abs(g0), abs(g1), abs(g2))
    if scale == 0.0:
        return float("nan")
    tol = 1e-12 * scale
    candidates = [0.0, 1.0]
    if abs(g2) > tol:
        candidates += [r.real for r in np.roots([g2, g1, g0]) if abs(r.imag) <= 1e-12]
    elif abs(g1) > tol:
        candidates.append(-g0 / g1)
    stable = []
    for r in candidates:
        if not -1e-9 <= r <= 1 + 1e-9:
            continue
        r = min(max(r, 0.0), 1.0)
        value, slope = g0 + g1 * r + g2 * r * r, g1 + 2 * g2 * r
        # A root is stable where g falls through zero (g(0) ≥ 0 and g(1) ≤ 0 always hold).
        if abs(value) <= 1e-9 * scale and slope < 0:
            stable.append(r)
    stable.sort()
    unique = [r for i, r in enumerate(stable) if i == 0 or r - stable[i - 1] > 1e-9]
    if len(unique) != 1:
        raise ValueError(f"expected one stable share, found {unique} for g = {g0, g1, g2}")
    return float(unique[0])


def polya_limit(prior: Sequence[float], step: float) -> tuple[float, float]:
    """Beta parameters ``(n_A/Δ, n_B/Δ)`` of a Pólya urn's limit share of A (step Δ > 0)."""
    n = np.asarray(prior, dtype=float)
    if n.shape != (2,) or (n <= 0).any() or step <= 0:
        raise ValueError("expected two positive prior counts and a positive step")
    return float(n[0] / step), float(n[1] / step)


def beta_moments(alpha: float, beta: float) -> tuple[float, float]:
    """Mean and variance of Beta(alpha, beta)."""
    total = alpha + beta
    return alpha / total, alpha * beta / (total * total * (total + 1.0))


def polya_share_variance(prior: Sequence[float], step: float, draws: int) -> float:
    """Variance of a Pólya urn's share of A after ``draws`` draws of deterministic step Δ."""
    n = np.asarray(prior, dtype=float)
    if n.shape != (2,) or (n <= 0).any() or step <= 0 or draws < 0:
        raise ValueError("expected two positive prior counts, a positive step, draws >= 0")
    x0, m = n[0] / n.sum(), n.sum() / step
    return float(x0 * (1.0 - x0) * draws / ((m + draws) * (m + 1.0)))


def convergence_exponent(matrix: np.ndarray, explore: float = 0.0) -> float:
    """κ: near its limit the urn's error shrinks like (balls)^(−κ); nan for a Pólya urn."""
    x = stationary_share(matrix, explore)
    if np.isnan(x):
        return float("nan")
    _, g1, g2 = _drift_coefficients(matrix, explore)
    (a, b), (c, d) = np.asarray(matrix, dtype=float)
    q = patrol_share(x, explore)
    added = q * (a + b) + (1.0 - q) * (c + d)
    return float(-(g1 + 2.0 * g2 * x) / added)
