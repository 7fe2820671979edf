"""The generalised Pólya urn of Ensign et al. (FAT* 2018) as array operations (no SimPy).

Every function works on ``U`` independent urns at once: ``counts`` has shape ``(U, K)`` (balls
per colour, a colour per region; real numbers are allowed, a fractional ball is a ball of that
mass). One day of the predictive-policing loop is

1. :func:`patrol_probabilities` — the urn's shares, mixed with uniform exploration;
2. :func:`choose_regions` — one patrol per urn;
3. :func:`rejection_accept` — the paper's fix: keep a visit's discoveries only with probability
   ``p_j / max(p_A, p_B)`` (``j`` the region not visited), a rejection-sampling form of inverse
   propensity weighting;
4. :func:`logged_balls` — incidents turned into balls: real counts are multiplied by their
   weight, integer counts are *thinned* (each incident logged with probability = its weight), so
   that Poisson incidents give Poisson(weight·λ) balls exactly as the paper's random updates;
5. :func:`decay_balls` — exponential forgetting: every ball is removed with probability ``p``,
   and at least one ball per colour remains.

Every random draw comes from the ``rng`` argument.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "choose_regions",
    "decay_balls",
    "logged_balls",
    "patrol_probabilities",
    "rejection_accept",
]


def _as_counts(counts: np.ndarray) -> np.ndarray:
    c = np.asarray(counts, dtype=float)
    if c.ndim != 2 or c.shape[1] < 2:
        raise ValueError(f"counts must be (urns, colours >= 2), got shape {c.shape}")
    if not np.isfinite(c).all() or (c < 0).any() or (c.sum(axis=1) <= 0).any():
        raise ValueError("counts must be finite, non-negative, with balls in every urn")
    return c


def patrol_probabilities(counts: np.ndarray, explore: float = 0.0) -> np.ndarray:
    """Probability of patrolling each region: ``(1 − explore)·n_i/Σn + explore/K``, (U, K)."""
    if not 0.0 <= explore <= 1.0:
        raise ValueError(f"explore must lie in [0, 1], got {explore}")
    c = _as_counts(counts)
    share = c / c.sum(axis=1, keepdims=True)
    return (1.0 - explore) * share + explore / c.shape[1]


def choose_regions(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One region per urn, drawn from its row of ``probabilities``: (U,) ints."""
    p = np.asarray(probabilities, dtype=float)
    cumulative = np.cumsum(p, axis=1)
    u = rng.random(p.shape[0]) * cumulative[:, -1]
    return np.minimum((u[:, None] >= cumulative).sum(axis=1), p.shape[1] - 1)


def rejection_accept(
    probabilities: np.ndarray, visited: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The fix: accept a visit to ``i`` with probability ``p_j / max(p_A, p_B)``; (U,) bool.

    Defined for two regions (the paper's setting). Over a day, region ``i`` is then credited
    with probability ``p_i · p_j / max(p)``, the same for both regions, so the balls added per
    day are proportional to the true rates whatever the urn believes.
    """
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"the fix is defined for two regions, got shape {p.shape}")
    rows = np.arange(p.shape[0])
    other = p[rows, 1 - np.asarray(visited)]
    accept = other / p.max(axis=1)
    return rng.random(p.shape[0]) < accept


def logged_balls(
    incidents: np.ndarray, weights: np.ndarray, rng: np.random.Generator, integer: bool
) -> np.ndarray:
    """Balls added for ``incidents`` (U, K) logged with ``weights`` in [0, 1] (U, K).

    Real (expected) counts are multiplied; integer counts are thinned, each incident logged
    independently with probability equal to its weight (a thinned Poisson stays Poisson).
    """
    w = np.asarray(weights, dtype=float)
    if (w < 0).any() or (w > 1).any():
        raise ValueError("weights must lie in [0, 1]")
    y = np.asarray(incidents, dtype=float)
    if not integer:
        return y * w
    return rng.binomial(y.astype(np.int64), w).astype(float)


def decay_balls(counts: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    """Remove every ball independently with probability ``p``; keep at least one per colour.

    A fractional ball (the part after the decimal point) is removed whole with probability
    ``p``, so the expected removal is exactly ``p·n``. A colour never falls below one ball (or
    below its current mass, if that is already less than one).
    """
    if not 0.0 <= p < 1.0:
        raise ValueError(f"decay must lie in [0, 1), got {p}")
    c = _as_counts(counts)
    if p == 0.0:
        return c.copy()
    whole = np.floor(c)
    removed = rng.binomial(whole.astype(np.int64), p) + (c - whole) * (rng.random(c.shape) < p)
    return np.maximum(c - removed, np.minimum(c, 1.0))
