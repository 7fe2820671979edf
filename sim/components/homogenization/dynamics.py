"""The generative model of Chaney, Stewart & Engelhardt (RecSys 2018): users, items, utilities.

A simulated community has ``K`` attributes. Two population hyper-parameters are drawn once,
``μ_ρ ~ Dirichlet(user_concentration · 1_K) · user_scale`` (published: Dirichlet(1) · 10) and
``μ_α ~ Dirichlet(item_concentration · 1_K) · item_scale`` (published: Dirichlet(100) · 0.1);
each user's preferences are ``θ_u ~ Dirichlet(μ_ρ)`` and each item's attributes
``β_i ~ Dirichlet(μ_α)``. True utility is ``V_ui ~ Beta'(θ_u·β_i, σ²)`` and users know the part
``η_ui · V_ui`` of it with ``η_ui ~ Beta'(known_share, known_variance)`` (published: 0.98 and
10⁻⁵), where ``Beta'(μ, σ²)`` is the Beta distribution with mean ``μ`` and variance ``σ²``
(the paper's footnote: ``α = μ(μ(1 − μ)/σ² − 1)``, ``β = (1 − μ)(μ(1 − μ)/σ² − 1)``).

A Beta with mean ``μ`` exists only for ``σ² < μ(1 − μ)``; items of an attribute a user does
not care for have ``θ_u·β_i`` far below 10⁻⁵ (Dirichlet draws with small concentrations are
almost sparse). For those the mean is clipped to ``[MEAN_FLOOR, 1 − MEAN_FLOOR]`` and the
variance capped at half its largest possible value, so the utility stays a Beta draw with the
requested mean (a tiny one). Draws below ``FLUSH`` (10⁻³⁰) are set to 0: such values change
no sum or ranking that matters (utility means are floored at 10⁻⁹), and they, or products of
them, would fall into the subnormal range of float32 or float64, where arithmetic is tens of
times slower. Every draw comes from the generator passed in.
"""

from __future__ import annotations

import numpy as np

from sim.learn.linalg import matmul_rows

__all__ = [
    "FLUSH",
    "MEAN_FLOOR",
    "beta_parameters",
    "draw_beta",
    "draw_hyperparameters",
    "draw_profiles",
    "draw_utilities",
]

MEAN_FLOOR = 1e-9  # smallest Beta mean used: θ_u·β_i can underflow to exactly 0
FLUSH = 1e-30  # draws below this are 0 (keeps values and products out of the subnormal range)
_CONCENTRATION_FLOOR = 1e-12  # Dirichlet needs strictly positive concentrations
_BLOCK_CELLS = 1 << 16  # users × items drawn at a time


def beta_parameters(mean: np.ndarray | float, variance: float) -> tuple[np.ndarray, np.ndarray]:
    """``(α, β)`` of the Beta distribution with the given mean and variance (``Beta'``).

    Means are clipped to ``[MEAN_FLOOR, 1 − MEAN_FLOOR]``; where ``variance`` is not below
    ``μ(1 − μ)`` (no such Beta exists) it is capped at ``μ(1 − μ) / 2``.
    """
    if variance <= 0:
        raise ValueError(f"variance must be > 0, got {variance!r}")
    mu = np.array(mean, dtype=float, ndmin=1)
    np.clip(mu, MEAN_FLOOR, 1.0 - MEAN_FLOOR, out=mu)
    total = mu * (1.0 - mu)  # μ(1 − μ), then the Beta's α + β = μ(1 − μ)/σ² − 1
    np.divide(total, np.minimum(variance, total / 2.0), out=total)
    total -= 1.0
    alpha = mu * total
    total -= alpha  # β = (1 − μ)(α + β) = (α + β) − α
    shape = np.shape(mean)
    return alpha.reshape(shape), total.reshape(shape)


def draw_beta(
    rng: np.random.Generator, mean: np.ndarray | float, variance: float, size: tuple | None = None
) -> np.ndarray:
    """Draws of ``Beta'(mean, variance)`` (shape of ``mean``, or ``size`` for a scalar mean)."""
    a, b = beta_parameters(mean, variance)
    if size is not None:
        return rng.beta(float(a), float(b), size=size)
    return rng.beta(a, b)


def draw_hyperparameters(
    rng: np.random.Generator, attributes: int, concentration: float, scale: float
) -> np.ndarray:
    """A population hyper-parameter ``Dirichlet(concentration · 1_K) · scale`` (shape ``(K,)``)."""
    if attributes < 1 or concentration <= 0 or scale <= 0:
        raise ValueError("attributes must be >= 1, concentration and scale > 0")
    draw = rng.dirichlet(np.full(attributes, float(concentration)))
    return np.maximum(draw * scale, _CONCENTRATION_FLOOR)


def draw_profiles(rng: np.random.Generator, concentration: np.ndarray, n: int) -> np.ndarray:
    """``n`` draws of ``Dirichlet(concentration)``: rows on the simplex, shape ``(n, K)``."""
    alpha = np.maximum(np.asarray(concentration, dtype=float), _CONCENTRATION_FLOOR)
    if n == 0:
        return np.empty((0, alpha.size))
    return _flush(rng.dirichlet(alpha, size=n))


def _flush(values: np.ndarray) -> np.ndarray:
    """``values`` with entries below :data:`FLUSH` set to 0 (in place)."""
    values[values < FLUSH] = 0.0
    return values


def draw_utilities(
    rng: np.random.Generator,
    preferences: np.ndarray,
    attributes: np.ndarray,
    variance: float,
    known_share: float,
    known_variance: float,
    dtype: type = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """True and known utility of every user for the given items, each shaped ``(users, items)``.

    ``V_ui ~ Beta'(θ_u·β_i, variance)``; the known part is ``η_ui · V_ui`` with
    ``η_ui ~ Beta'(known_share, known_variance)`` (``known_variance = 0``: ``η`` is constant;
    ``known_share = 1``: users know everything). Drawn in blocks of users (a fixed number of
    cells, so the same inputs always give the same draws) to keep temporaries in cache; each
    block is computed in float64 and stored in ``dtype``.
    """
    users, items = preferences.shape[0], attributes.shape[0]
    true: np.ndarray = np.empty((users, items), dtype=dtype)
    known: np.ndarray = np.empty((users, items), dtype=dtype)
    exact = known_share >= 1.0 or known_variance == 0
    block = max(1, _BLOCK_CELLS // max(items, 1))
    for start in range(0, users, block):
        rows = slice(start, min(start + block, users))
        mean = matmul_rows(preferences[rows], attributes.T)
        block_true = _flush(draw_beta(rng, mean, variance))
        if exact:
            block_known = block_true * known_share
        else:
            share = draw_beta(rng, known_share, known_variance, size=mean.shape)
            block_known = np.multiply(share, block_true, out=share)
        true[rows] = block_true
        known[rows] = _flush(block_known)
    return true, known
