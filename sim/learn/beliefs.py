"""Beliefs that are not learned from logs: the oracle, and a view of the arms available so far.

:class:`Oracle` is the *optimal recommender* of published models such as Jiang et al.
(AIES 2019): it knows the true click probabilities, which its owner hands it with
:meth:`Oracle.observe` before every decision (a declared read of the world's truth, part of the
published model, not a learning shortcut). It learns nothing from logs. With the greedy policy it
shows the top-``slate`` items by true interest.

:class:`AvailableArms` restricts any belief to its first ``n`` arms, so that a policy only chooses
among the items a growing candidate pool has made available; arm ``j`` of the view is arm ``j``
of the belief.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np

from sim.learn._checks import as_contexts, as_counts
from sim.learn.estimators import NotFittedError

__all__ = ["AvailableArms", "Oracle"]


@dataclass
class Oracle:
    """Estimates equal to the truth it was last shown; a point-mass posterior; no learning.

    ``counts()`` are zero (nothing is learned from observations), so count-driven exploration
    (UCB1) treats every arm as unobserved: pair the oracle with ``greedy`` (or ``thompson``,
    whose draw from a point mass is the truth itself).
    """

    reads_truth: ClassVar[bool] = True
    shape_: tuple[int, int] = field(init=False, repr=False, compare=False)
    truth_: np.ndarray = field(init=False, repr=False, compare=False)

    def reset(self, n_contexts: int, n_arms: int) -> Self:
        """Forget the truth; keep the shape (n_contexts, n_arms) it must have."""
        if n_contexts < 1 or n_arms < 1:
            raise ValueError(f"need n_contexts >= 1 and n_arms >= 1, got {n_contexts}, {n_arms}")
        self.shape_ = (int(n_contexts), int(n_arms))
        self.__dict__.pop("truth_", None)
        return self

    def fit(self, impressions: np.ndarray, clicks: np.ndarray) -> Self:
        """Learn nothing from logs (the counts are only checked); the truth must be observed."""
        imps, _ = as_counts(impressions, clicks)
        return self.reset(*imps.shape)

    def partial_fit(self, impressions: np.ndarray, clicks: np.ndarray) -> Self:
        """Learn nothing from logs; keeps the truth last observed."""
        imps, _ = as_counts(impressions, clicks)
        if not hasattr(self, "shape_"):
            self.reset(*imps.shape)
        return self

    def observe(self, truth: np.ndarray) -> Self:
        """Be told the current true click probabilities, shape (n_contexts, n_arms)."""
        truth = np.asarray(truth, dtype=float)
        if truth.ndim != 2:
            raise ValueError(f"truth must be 2-D (n_contexts, n_arms), got shape {truth.shape}")
        if hasattr(self, "shape_") and truth.shape != self.shape_:
            raise ValueError(f"truth has shape {truth.shape}, the oracle {self.shape_}")
        self.shape_ = truth.shape
        self.truth_ = truth
        return self

    def _truth(self) -> np.ndarray:
        try:
            return self.truth_
        except AttributeError:
            raise NotFittedError("Oracle has not observed the truth yet; call observe()") from None

    def mean(self) -> np.ndarray:
        """The true click probabilities last observed, shape (n_contexts, n_arms)."""
        return self._truth()

    def counts(self) -> np.ndarray:
        """Zeros: nothing is learned from observations."""
        return np.zeros(self._truth().shape)

    def sample(self, rng: np.random.Generator, contexts: np.ndarray) -> np.ndarray:
        """The truth of each request's context (a point mass draws itself); no draw is made."""
        truth = self._truth()
        return truth[as_contexts(contexts, truth.shape[0])]


class AvailableArms:
    """A view of ``belief`` restricted to its first ``n`` arms (the available items)."""

    def __init__(self, belief: Any, n: int):
        if n < 1:
            raise ValueError(f"need at least one available arm, got {n}")
        self.belief = belief
        self.n = int(n)

    def mean(self) -> np.ndarray:
        """Estimates of the available arms, shape (n_contexts, n)."""
        return np.asarray(self.belief.mean())[:, : self.n]

    def counts(self) -> np.ndarray:
        """Observations behind each available arm's estimate, shape (n_contexts, n)."""
        return np.asarray(self.belief.counts())[:, : self.n]

    def sample(self, rng: np.random.Generator, contexts: np.ndarray) -> np.ndarray:
        """One draw of every available arm per request, shape (len(contexts), n)."""
        return np.asarray(self.belief.sample(rng, contexts))[:, : self.n]
