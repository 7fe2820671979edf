"""Gaussian arms with known unit variance: empirical means and the Thompson posterior.

For Thompson sampling on Gaussian rewards (Agrawal & Goyal's variant) every arm is played
once, then arm ``i`` is scored by a draw from ``N(μ̂_i, σ² / T_i)``, where ``T_i`` counts its
plays. Unplayed arms have mean 0 and draw ``+inf`` so that they are played first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

import numpy as np

from sim.core.params import param
from sim.learn._checks import as_contexts, check_params

__all__ = ["GaussianArms"]


@dataclass
class GaussianArms:
    """Per (context, arm): plays ``counts_`` and reward sums ``sums_``; a Gaussian posterior."""

    sigma: float = param(1.0, gt=0, doc="known standard deviation of each reward")
    counts_: np.ndarray = field(init=False, repr=False, compare=False)
    sums_: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_params(self)

    def reset(self, n_contexts: int, n_arms: int) -> Self:
        """Forget every play."""
        if n_contexts < 1 or n_arms < 1:
            raise ValueError(f"need n_contexts >= 1 and n_arms >= 1, got {n_contexts}, {n_arms}")
        self.counts_ = np.zeros((int(n_contexts), int(n_arms)))
        self.sums_ = np.zeros((int(n_contexts), int(n_arms)))
        return self

    def fit(self, counts: np.ndarray, sums: np.ndarray) -> Self:
        """From scratch: plays and reward sums per (context, arm)."""
        counts = np.asarray(counts, dtype=float)
        if counts.ndim != 2:
            raise ValueError(f"counts must be 2-D (n_contexts, n_arms), got shape {counts.shape}")
        self.reset(*counts.shape)
        return self.partial_fit(counts, sums)

    def partial_fit(self, counts: np.ndarray, sums: np.ndarray) -> Self:
        """Add plays and reward sums."""
        counts = np.asarray(counts, dtype=float)
        sums = np.asarray(sums, dtype=float)
        if not hasattr(self, "counts_"):
            self.reset(*counts.shape)
        if counts.shape != self.counts_.shape or sums.shape != counts.shape:
            raise ValueError(f"expected arrays of shape {self.counts_.shape}")
        if (counts < 0).any() or not (np.isfinite(counts).all() and np.isfinite(sums).all()):
            raise ValueError("counts must be non-negative and every value finite")
        self.counts_ = self.counts_ + counts
        self.sums_ = self.sums_ + sums
        return self

    def mean(self) -> np.ndarray:
        """Empirical means μ̂ (0 where an arm was never played)."""
        return np.divide(
            self.sums_, self.counts_, out=np.zeros_like(self.sums_), where=self.counts_ > 0
        )

    def counts(self) -> np.ndarray:
        """Plays behind each mean."""
        return self.counts_.copy()

    def sample(self, rng: np.random.Generator, contexts: np.ndarray) -> np.ndarray:
        """One draw of N(μ̂, σ²/T) per request and arm; +inf for unplayed arms."""
        ids = as_contexts(contexts, self.counts_.shape[0])
        counts = self.counts_[ids]
        scale = self.sigma / np.sqrt(np.maximum(counts, 1.0))
        draws = self.mean()[ids] + scale * rng.standard_normal(counts.shape)
        return np.where(counts > 0, draws, np.inf)
