"""Closed forms of repeated risk minimisation in the testbeds of Perdomo et al. (ICML 2020).

Gaussian mean estimation with K coupled models: model i learns from ``N(μ_i + Σ_j E_ij θ_j, σ²)``
with squared loss, so exact RRM is the linear map ``θ ← μ + E θ``. It converges, from any start,
iff the spectral radius ``ρ(E) < 1``, at the rate ``ρ(E)`` per round, to the performatively
stable point ``θ* = (I − E)⁻¹ μ``. One model with ``E = ε`` is Perdomo's Gaussian testbed
(γ = β = 1: stable iff ε < γ/β = 1). The biased coin ``Y ~ Bernoulli(1/2 + m + εθ)`` with squared
loss gives ``θ ← 1/2 + m + εθ``, stable point ``(1/2 + m)/(1 − ε)``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "coin_stable_point",
    "gaussian_stable_point",
    "rrm_expected_path",
    "spectral_radius",
]


def spectral_radius(coupling: np.ndarray) -> float:
    """Largest absolute eigenvalue of the coupling matrix ``E``."""
    return float(np.max(np.abs(np.linalg.eigvals(np.atleast_2d(coupling)))))


def gaussian_stable_point(means: np.ndarray, coupling: np.ndarray) -> np.ndarray:
    """``θ* = (I − E)⁻¹ μ`` (exists whenever 1 is not an eigenvalue of E)."""
    E = np.atleast_2d(np.asarray(coupling, dtype=float))
    return np.linalg.solve(np.eye(E.shape[0]) - E, np.asarray(means, dtype=float))


def coin_stable_point(bias: float, epsilon: float) -> float:
    """``(1/2 + m) / (1 − ε)``: the fixed point of ``θ ← 1/2 + m + εθ``."""
    return (0.5 + bias) / (1.0 - epsilon)


def rrm_expected_path(
    means: np.ndarray, coupling: np.ndarray, start: np.ndarray, rounds: int
) -> np.ndarray:
    """Expected RRM iterates ``θ_{t+1} = μ + E θ_t`` (rows: rounds 0..rounds)."""
    E = np.atleast_2d(np.asarray(coupling, dtype=float))
    path = [np.asarray(start, dtype=float)]
    for _ in range(rounds):
        path.append(np.asarray(means, dtype=float) + E @ path[-1])
    return np.array(path)
