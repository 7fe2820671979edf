"""Closed forms of the degenerate feedback loop of Jiang et al. (AIES 2019).

A user's interest ``μ`` in a shown item moves by ``δ(2c − 1)`` after click ``c``, with
``c ~ Bernoulli(σ(μ + U[−w, w]))`` and ``δ ~ U[δ_low, δ_high]``. Interest resets (Khritankov &
Pilkevich, WISE 2021): with probability ``r0`` a shown item's (updated) interest becomes
``s·μ + (1 − s)·u``, ``u`` a fresh draw of the initial distribution ``U[a, b]``.

Functions here are pure numpy: the expected click probability under user noise, the expected
one-step change of a shown item's interest (and of any item under the random recommender), the
drift ``‖μ_t − μ_0‖²`` per user, and a ceiling on the second moment of interest under resets.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import expit

__all__ = [
    "expected_click_prob",
    "expected_interest_step",
    "interest_drift",
    "quantiles",
    "random_recommender_step",
    "reset_drift_ceiling",
    "reset_second_moment_ceiling",
]


def expected_click_prob(mu: Any, noise: float = 0.0) -> np.ndarray:
    """``E[σ(μ + U)]`` with ``U ~ U[−w, w]``: ``(softplus(μ + w) − softplus(μ − w)) / 2w``.

    ``w = 0`` gives ``σ(μ)``. Increasing in ``μ`` for every ``w``, and ``1/2`` at ``μ = 0``.
    """
    mu = np.asarray(mu, dtype=float)
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if noise < 1e-8:  # the correction is O(w²): below rounding
        return expit(mu)
    if noise < 1.0:
        # softplus(μ + w) − softplus(μ − w) = log1p(σ(μ − w)·expm1(2w)): no cancellation.
        total = np.log1p(expit(mu - noise) * np.expm1(2.0 * noise))
    else:
        # softplus(x) = logaddexp(0, x), exact and overflow-free for any x.
        total = np.logaddexp(0.0, mu + noise) - np.logaddexp(0.0, mu - noise)
    return np.clip(total / (2.0 * noise), 0.0, 1.0)


def expected_interest_step(
    mu: Any,
    delta_low: float = 0.0,
    delta_high: float = 0.01,
    noise: float = 0.0,
    reset_prob: float = 0.0,
    reset_scale: float = 0.0,
    low: float = -0.5,
    high: float = 0.5,
) -> np.ndarray:
    """Expected one-step change of a *shown* item's interest.

    Without resets it is ``g(μ) = E[δ]·(2·E[c] − 1)``: positive for ``μ > 0`` and negative for
    ``μ < 0``, so interest drifts away from zero, which is the degeneracy. With resets
    (``r0``, ``s``, fresh draws ``u ~ U[low, high]``) the updated interest ``μ + Δ`` is replaced by
    ``s·(μ + Δ) + (1 − s)·u`` with probability ``r0``, which gives
    ``(1 − r0(1 − s))·g(μ) − r0(1 − s)·(μ − E[u])``: a pull back towards ``E[u]``.
    """
    mu = np.asarray(mu, dtype=float)
    mean_delta = 0.5 * (delta_low + delta_high)
    drift = mean_delta * (2.0 * expected_click_prob(mu, noise) - 1.0)
    pull = reset_prob * (1.0 - reset_scale)
    return (1.0 - pull) * drift - pull * (mu - 0.5 * (low + high))


def random_recommender_step(
    mu: Any, slate: int, available: int | None = None, **dynamics: float
) -> np.ndarray:
    """Expected one-step change of every available item's interest under the random recommender.

    Each of ``available`` items (default: all columns of ``mu``) is shown with probability
    ``slate / available``, independently of its interest, so the expected change is
    ``(slate / available)`` times :func:`expected_interest_step` (whose keyword arguments
    ``dynamics`` are passed on).
    """
    mu = np.asarray(mu, dtype=float)
    n = mu.shape[-1] if available is None else available
    if not 1 <= slate <= n:
        raise ValueError(f"need 1 <= slate <= available, got slate={slate}, available={n}")
    return (slate / n) * expected_interest_step(mu, **dynamics)


def interest_drift(mu: np.ndarray, mu0: np.ndarray) -> np.ndarray:
    """Per user (row), the squared distance ``‖μ_t − μ_0‖²`` over items (columns)."""
    diff = np.asarray(mu, dtype=float) - np.asarray(mu0, dtype=float)
    return np.einsum("...i,...i->...", diff, diff)


def quantiles(values: Any, probs: Any) -> np.ndarray:
    """``np.quantile(values, probs)`` (linear interpolation) by a partial sort: cheap every tick."""
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0:
        raise ValueError("quantiles of an empty array")
    position = np.asarray(probs, dtype=float) * (x.size - 1)
    below = np.floor(position).astype(np.intp)
    above = np.minimum(below + 1, x.size - 1)
    part = np.partition(x, np.unique(np.concatenate([below.ravel(), above.ravel()])))
    return part[below] + (position - below) * (part[above] - part[below])


def reset_second_moment_ceiling(
    reset_prob: float,
    reset_scale: float,
    low: float = -0.5,
    high: float = 0.5,
    delta_low: float = 0.0,
    delta_high: float = 0.01,
) -> float:
    """A ceiling ``X*`` on ``E[μ²]`` of an item under resets, for exposure independent of ``μ``.

    For a shown item ``E[μ'² | μ] ≤ A·μ² + B`` with ``q = 1 − r0(1 − s²)``, ``A = q'(1 + E[δ])``
    and ``B = q'·E[δ²] + r0(1 − s)²·E[u²] + r0·s(1 − s)·E[u]²``, where ``q' = q`` if the reset
    distribution is centred and ``q + r0·s(1 − s)`` otherwise. It uses ``|2E[c] − 1| ≤ |μ|/2``
    (σ is 1/4-Lipschitz), so it holds for every user noise ``w``. An item that is not shown keeps
    its interest, so when ``A < 1``, ``E[μ_t²] ≤ X* = max(B / (1 − A), E[μ_0²])`` for every t
    whenever whether an item is shown does not depend on its interest (the random recommender);
    for interest-seeking recommenders it is the level an always-shown item settles under.
    Returns ``inf`` when resets are too rare to beat the drift (``A ≥ 1``).
    """
    if not (0 <= reset_prob <= 1 and 0 <= reset_scale <= 1):
        raise ValueError("need 0 <= reset_prob <= 1 and 0 <= reset_scale <= 1")
    if low > high or delta_low > delta_high or delta_low < 0:
        raise ValueError("need low <= high and 0 <= delta_low <= delta_high")
    r0, s = reset_prob, reset_scale
    mean_delta = 0.5 * (delta_low + delta_high)
    delta_sq = _uniform_second_moment(delta_low, delta_high)
    u_mean = 0.5 * (low + high)
    u_sq = _uniform_second_moment(low, high)
    q = 1.0 - r0 * (1.0 - s * s)
    if u_mean != 0:
        # 2·s(1 − s)·E[u]·x ≤ s(1 − s)(E[u]² + x²) for the cross term of the reset mixture.
        q += r0 * s * (1.0 - s)
    a = q * (1.0 + mean_delta)
    b = q * delta_sq + r0 * (1.0 - s) ** 2 * u_sq + r0 * s * (1.0 - s) * u_mean**2
    if a >= 1.0:
        return math.inf
    return max(b / (1.0 - a), u_sq)


def reset_drift_ceiling(
    items: int,
    reset_prob: float,
    reset_scale: float,
    low: float = -0.5,
    high: float = 0.5,
    delta_low: float = 0.0,
    delta_high: float = 0.01,
) -> float:
    """A ceiling on ``E‖μ_t − μ_0‖²`` under resets: ``M·(√X* + √E[μ_0²])²`` (Minkowski).

    ``X*`` is :func:`reset_second_moment_ceiling`; the same conditions apply.
    """
    ceiling = reset_second_moment_ceiling(reset_prob, reset_scale, low, high, delta_low, delta_high)
    start = _uniform_second_moment(low, high)
    return items * (math.sqrt(ceiling) + math.sqrt(start)) ** 2


def _uniform_second_moment(low: float, high: float) -> float:
    """``E[u²]`` for ``u ~ U[low, high]``."""
    return (low**2 + low * high + high**2) / 3.0
