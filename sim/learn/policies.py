"""Policies: turn a belief about arms into slates of distinct arms, one slate per request.

A policy is a frozen dataclass of validated parameters with one method,
``choose(belief, contexts, rng, day) -> (n, slate)`` int array: row ``i`` holds ``slate``
distinct arm indices for request ``i`` (whose context id is ``contexts[i]``), best first by the
score the policy uses. The belief is anything with ``mean()``, ``counts()`` and ``sample()``
(:class:`ArmBelief`), such as :class:`~sim.learn.estimators.BetaBernoulli`. Work is vectorised:
deterministic scores are computed once per distinct context and broadcast to its requests.
Every random draw comes from the ``rng`` argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from sim.core.params import param
from sim.learn._checks import as_contexts, check_params

__all__ = [
    "POLICIES",
    "UCB1",
    "ArmBelief",
    "EpsilonGreedy",
    "Greedy",
    "Policy",
    "Softmax",
    "Thompson",
    "UniformRandom",
    "top_k",
]


class ArmBelief(Protocol):
    """What a policy needs from a learner: per-(context, arm) estimates, counts and draws."""

    def mean(self) -> np.ndarray:
        """Estimates, shape (n_contexts, n_arms)."""
        ...

    def counts(self) -> np.ndarray:
        """Observations behind each estimate, shape (n_contexts, n_arms)."""
        ...

    def sample(self, rng: np.random.Generator, contexts: np.ndarray) -> np.ndarray:
        """One posterior draw of every arm per request, shape (len(contexts), n_arms)."""
        ...


def top_k(scores: np.ndarray, k: int, rng: np.random.Generator | None = None) -> np.ndarray:
    """Indices of each row's ``k`` largest scores, largest first: shape (n_rows, k).

    Without ``rng`` ties are broken by position (deterministically); with ``rng`` tied scores
    are ordered uniformly at random. nan scores rank below every number.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D (n_rows, n_arms), got shape {scores.shape}")
    n, m = scores.shape
    if not 1 <= k <= m:
        raise ValueError(f"k must lie in [1, {m}] (the number of arms), got {k}")
    if rng is not None:
        return _top_k_random_ties(scores, k, rng.random(scores.shape))
    if k < m:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.broadcast_to(np.arange(m), (n, m))
    values = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _top_k_random_ties(scores: np.ndarray, k: int, keys: np.ndarray) -> np.ndarray:
    """``np.lexsort((keys, -scores))[:, :k]``, sorting by ``keys`` only the rows with a tie.

    A row whose ``k + 1`` best scores are strictly ordered has one top-k whatever the keys; the
    others (a tie, or nan, among them) take the lexsort. Same result; most rows skip the sort of
    random keys, which was the hot spot of per-user recommenders (a mispredicted branch per
    comparison).
    """
    order = np.argsort(-scores, axis=1, kind="stable")
    head = np.take_along_axis(scores, order[:, : min(k + 1, scores.shape[1])], axis=1)
    tied = ((head[:, :-1] == head[:, 1:]) | np.isnan(head[:, :-1])).any(axis=1)
    best = order[:, :k]
    if tied.any():
        best = best.copy()
        best[tied] = np.lexsort((keys[tied], -scores[tied]), axis=-1)[:, :k]
    return best


def _per_context(
    scores: np.ndarray, ids: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Top-k of ``scores`` (n_contexts, M) computed once per distinct id, broadcast to ``ids``."""
    if ids.size == scores.shape[0] and np.array_equal(ids, np.arange(ids.size)):
        return top_k(scores, k, rng)  # one request per context, in order: nothing to share
    uniq, inverse = np.unique(ids, return_inverse=True)
    best = top_k(scores[uniq], k, rng)
    return best[inverse.reshape(-1)]


@dataclass(frozen=True)
class Policy:
    """Base class: the ``slate`` parameter, validation and the ``choose`` signature."""

    slate: int = param(1, ge=1, doc="distinct arms shown per request")

    def __post_init__(self) -> None:
        check_params(self)

    def choose(
        self,
        belief: ArmBelief,
        contexts: np.ndarray,
        rng: np.random.Generator,
        day: float = 0.0,
    ) -> np.ndarray:
        """Slates for the requests ``contexts``: int array (len(contexts), slate)."""
        raise NotImplementedError

    def _check(self, belief: ArmBelief, contexts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Validated context ids and the belief's means (n_contexts, n_arms)."""
        means = np.asarray(belief.mean(), dtype=float)
        if means.ndim != 2:
            raise ValueError(f"belief.mean() must be 2-D (n_contexts, n_arms), got {means.shape}")
        if self.slate > means.shape[1]:
            raise ValueError(
                f"{type(self).__name__}: slate={self.slate} exceeds the number of arms "
                f"({means.shape[1]}); a slate holds distinct arms"
            )
        return as_contexts(contexts, means.shape[0]), means

    def _empty(self) -> np.ndarray:
        return np.empty((0, self.slate), dtype=np.intp)


@dataclass(frozen=True)
class Greedy(Policy):
    """Top-``slate`` arms by estimated mean in the request's context; ties broken at random."""

    def choose(
        self,
        belief: ArmBelief,
        contexts: np.ndarray,
        rng: np.random.Generator,
        day: float = 0.0,
    ) -> np.ndarray:
        ids, means = self._check(belief, contexts)
        if ids.size == 0:
            return self._empty()
        return _per_context(means, ids, self.slate, rng)


@dataclass(frozen=True)
class EpsilonGreedy(Policy):
    """Greedy, except that each request explores with probability ε_t.

    An exploring request gets a uniformly random slate of distinct arms. The rate is
    ``ε_t = epsilon`` with ``decay = "none"`` and ``ε_t = epsilon / (1 + day / decay_days)``
    with ``decay = "inverse_time"``. With ``epsilon = 0`` it gives exactly Greedy's slates for
    the same generator state.
    """

    epsilon: float = param(0.1, ge=0, le=1, doc="probability that a request explores")
    decay: Literal["none", "inverse_time"] = param("none", doc="how epsilon decays with the day")
    decay_days: float = param(30.0, gt=0, doc="days for the rate to halve (inverse_time only)")

    def rate(self, day: float = 0.0) -> float:
        """The exploration probability ε_t on ``day`` (days before 0 count as day 0)."""
        if self.decay == "inverse_time":
            return self.epsilon / (1.0 + max(day, 0.0) / self.decay_days)
        return self.epsilon

    def choose(
        self,
        belief: ArmBelief,
        contexts: np.ndarray,
        rng: np.random.Generator,
        day: float = 0.0,
    ) -> np.ndarray:
        ids, means = self._check(belief, contexts)
        if ids.size == 0:
            return self._empty()
        out = _per_context(means, ids, self.slate, rng)
        explore = rng.random(ids.size) < self.rate(day)
        n_explore = int(explore.sum())
        if n_explore:
            out[explore] = top_k(rng.random((n_explore, means.shape[1])), self.slate)
        return out


@dataclass(frozen=True)
class UCB1(Policy):
    """Upper confidence bound: ``mean + sqrt(c ln N_c / n_cj)`` (Auer et al. 2002 use c = 2).

    ``n_cj`` counts the observations of arm ``j`` in context ``c`` and ``N_c`` their total in
    ``c``. Unobserved arms score +inf, so they are played first (ties at random).
    """

    c: float = param(2.0, gt=0, doc="exploration constant multiplying ln N / n")

    def index(self, belief: ArmBelief) -> np.ndarray:
        """The UCB1 index of every (context, arm), shape (n_contexts, n_arms)."""
        means = np.asarray(belief.mean(), dtype=float)
        counts = np.asarray(belief.counts(), dtype=float)
        total = np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
        ratio = np.divide(
            self.c * np.log(total),
            counts,
            out=np.full(counts.shape, np.inf),
            where=counts > 0,
        )
        return means + np.sqrt(ratio)

    def choose(
        self,
        belief: ArmBelief,
        contexts: np.ndarray,
        rng: np.random.Generator,
        day: float = 0.0,
    ) -> np.ndarray:
        ids, _ = self._check(belief, contexts)
        if ids.size == 0:
            return self._empty()
        return _per_context(self.index(belief), ids, self.slate, rng)


@dataclass(frozen=True)
class Thompson(Policy):
    """Thompson sampling: one posterior draw per request, then its top-``slate`` arms."""

    def choose(
        self,
        belief: ArmBelief,
        contexts: np.ndarray,
        rng: np.random.Generator,
        day: float = 0.0,
    ) -> np.ndarray:
        ids, _ = self._check(belief, contexts)
        if ids.size == 0:
            return self._empty()
        return top_k(belief.sample(rng, ids), self.slate)


@dataclass(frozen=True)
class Softmax(Policy):
    """Boltzmann exploration: ``slate`` distinct arms drawn without replacement, P ∝ e^(mean/T).

    Uses the Gumbel-top-k trick: the top-k of ``mean / T + Gumbel noise`` is a draw without
    replacement from the softmax distribution. Means are shifted by their row maximum first and
    no exponential is ever taken, so any temperature is stable; where ``(mean - max) / T``
    overflows to -inf, those arms are ordered by mean (the T -> 0 limit).
    """

    temperature: float = param(0.05, gt=0, doc="temperature T; small → greedy, large → uniform")

    def choose(
        self,
        belief: ArmBelief,
        contexts: np.ndarray,
        rng: np.random.Generator,
        day: float = 0.0,
    ) -> np.ndarray:
        ids, means = self._check(belief, contexts)
        if ids.size == 0:
            return self._empty()
        with np.errstate(over="ignore"):
            logits = (means - means.max(axis=1, keepdims=True)) / self.temperature
        scores = logits[ids] + rng.gumbel(size=(ids.size, means.shape[1]))
        if np.isneginf(logits).any():
            # Logits that overflowed to -inf tie; the T -> 0 limit orders them by mean.
            return np.lexsort((-means[ids], -scores), axis=-1)[:, : self.slate]
        return top_k(scores, self.slate)


@dataclass(frozen=True)
class UniformRandom(Policy):
    """A uniformly random slate of distinct arms, ignoring the belief."""

    def choose(
        self,
        belief: ArmBelief,
        contexts: np.ndarray,
        rng: np.random.Generator,
        day: float = 0.0,
    ) -> np.ndarray:
        ids, means = self._check(belief, contexts)
        if ids.size == 0:
            return self._empty()
        return top_k(rng.random((ids.size, means.shape[1])), self.slate)


POLICIES: dict[str, type[Policy]] = {
    "greedy": Greedy,
    "epsilon_greedy": EpsilonGreedy,
    "ucb1": UCB1,
    "thompson": Thompson,
    "softmax": Softmax,
    "random": UniformRandom,
}
"""Policy kinds, as a scenario names them, mapped to their class."""
