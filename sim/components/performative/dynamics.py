"""Pure dynamics of the performative worlds (no SimPy): data drawn from D(θ).

- Gaussian, K coupled models: model i sees ``z ~ N(μ_i + Σ_j E_ij θ_j, σ²)``;
- biased coin: ``Y ~ Bernoulli(1/2 + m + εθ)`` (the probability clipped to [0, 1]);
- strategic credit: applicants ``x ~ N(0, I)`` default with probability ``σ(x·w* + b*)`` and
  move their strategic features against the published weights, ``x_S ← x_S − ε θ_S``.

The closed forms of repeated risk minimisation in these worlds live in
:mod:`sim.analysis.performative`. Each function draws from the generator it is given, in a fixed
order (the simulations' results depend on it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import expit

__all__ = ["applicants", "coin_flips", "gaussian_samples", "strategic_shift", "true_weights"]


def gaussian_samples(
    rng: np.random.Generator,
    means: np.ndarray,
    coupling: np.ndarray,
    theta: np.ndarray,
    sigma: float,
    samples: int,
) -> np.ndarray:
    """``samples`` draws per model (rows) of ``N(μ + E θ, σ²)``."""
    centre = means + coupling @ theta
    noise = rng.standard_normal((len(theta), samples))
    return centre[:, None] + sigma * noise


def coin_flips(
    rng: np.random.Generator, bias: float, epsilon: float, theta: float, samples: int
) -> np.ndarray:
    """``samples`` flips (0.0/1.0) of ``Bernoulli(1/2 + m + εθ)``, the probability clipped."""
    prob = float(np.clip(0.5 + bias + epsilon * theta, 0.0, 1.0))
    return (rng.random(samples) < prob).astype(float)


def true_weights(rng: np.random.Generator, features: int, scale: float) -> np.ndarray:
    """The true default model's weights ``w* ~ scale · N(0, I/d)``."""
    return scale * rng.standard_normal(features) / np.sqrt(features)


def applicants(
    rng: np.random.Generator, n: int, w_true: np.ndarray, base_logit: float
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` applicants ``x ~ N(0, I)`` and whether each defaults (1.0), ``σ(x·w* + b*)``."""
    X = rng.standard_normal((n, len(w_true)))
    y = (rng.random(n) < expit(X @ w_true + base_logit)).astype(float)
    return X, y


def strategic_shift(
    X: np.ndarray, theta: np.ndarray, strategic: Sequence[int], epsilon: float
) -> np.ndarray:
    """Features after applicants game the weights ``θ``: ``x_S ← x_S − ε θ_S`` (labels stay)."""
    moved = X.copy()
    s = list(strategic)
    moved[:, s] -= epsilon * theta[s]
    return moved
