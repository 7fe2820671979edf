"""An attention allocator (D'Amour et al., FAT* 2020): censored-Poisson beliefs + a policy.

Belief (the model): ``estimates_``, the censored-Poisson MLE of each site's rate over the
training window of its own logs (attention given, incidents discovered). It runs on the shared
training pipeline, one step being one day: it retrains every ``training.every_days`` (the
published agents: every step) on the last ``training.window_days`` steps logged (published:
100; 0: all), once ``burn_in_steps`` steps are logged; a site whose window says nothing (it got
no attention) keeps its last estimate, or drops to zero with ``unobserved = "zero"``. Policy
(``agent``): ``uniform`` (Multinomial(N, 1/K) always), ``proportional`` (Multinomial(N,
r̂/Σr̂)), ``greedy`` (maximise expected discoveries) or ``fair_greedy`` (the same under the
constraint that the sites' expected discovered shares differ by at most ``alpha``). The
learning agents allocate uniformly until a model is deployed and, with probability
``epsilon``, at any step (ε-greedy exploration). Each ``record_every_steps``-th step it records
the estimates of the deployed model that allocated that step. Truth (the rates) is never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base import MLSystem, TrainingParams
from sim.components.policing.payloads import Allocation, AttentionOutcome, AttentionRequest
from sim.core.errors import ConfigError
from sim.core.params import param, table
from sim.learn.allocation import (
    fair_greedy_allocation,
    greedy_allocation,
    proportional_allocation,
    uniform_allocation,
)
from sim.learn.censored_poisson import CensoredPoissonWindow

__all__ = ["AttentionAllocator", "AttentionAllocatorParams", "AttentionLog"]


@dataclass(frozen=True)
class AttentionAllocatorParams:
    """An attention allocator: which world it serves, its policy and its estimator."""

    serves: str = param("world", doc="the world whose attention requests it answers")
    inputs: tuple[str, ...] = param(["world.outcomes"], doc="the outcome log it learns from")
    agent: Literal["uniform", "proportional", "greedy", "fair_greedy"] = param(
        "greedy", doc="allocation policy"
    )
    epsilon: float = param(0.0, ge=0, le=1, doc="probability of a uniform allocation in a step")
    burn_in_steps: int = param(25, ge=0, doc="steps (days) logged before the first fit")
    alpha: float = param(0.75, ge=0, le=1, doc="fair_greedy: largest allowed gap in f")
    max_rate: float = param(100.0, gt=0, doc="cap of the MLE (reached when all data censored)")
    unobserved: Literal["keep", "zero"] = param(
        "keep", doc="estimate of a site with no informative data in the window"
    )
    record_every_steps: int = param(1, ge=1, doc="record the estimates after every N-th step")
    training: TrainingParams = table(
        TrainingParams(every_days=1.0, window_days=100.0), doc="training pipeline"
    )

    def __post_init__(self) -> None:
        if len(self.inputs) != 1:
            raise ConfigError(
                f"expected one outcome log signal, got {list(self.inputs)!r}", path="inputs"
            )


class AttentionLog:
    """The censored-Poisson statistics of the last ``window`` steps logged (0: all).

    One step is one day: the window counts the steps that arrived in the log, so with a label
    delay it ends at the newest step delivered. Sized by the first request.
    """

    def __init__(self) -> None:
        self.stats: CensoredPoissonWindow | None = None
        self.steps = 0

    def size(self, sites: int, units: int, window: int) -> None:
        """Size the (empty) log: ``sites``, up to ``units`` per site, ``window`` steps."""
        if self.stats is None:
            self.stats = CensoredPoissonWindow(sites, units, window)

    def add(self, day: float, outcome: AttentionOutcome) -> None:
        """Log one step's allocation and discoveries."""
        if self.stats is None:
            raise ValueError("an outcome arrived before any request sized the log")
        self.stats.add(outcome.discovered, outcome.attention)
        self.steps += 1

    def window(self, now: float, window_days: float) -> AttentionLog:
        """The log itself: its statistics already cover the window."""
        return self


class AttentionAllocator(MLSystem):
    """MLE beliefs about incident rates + an allocation policy."""

    kind = "attention_allocator"
    Params = AttentionAllocatorParams
    output = "allocation"
    output_payload = Allocation
    request_payload = AttentionRequest
    model_: np.ndarray | None  # the deployed estimates (K,)
    log_: AttentionLog

    def make_log(self) -> AttentionLog:
        return AttentionLog()

    def on_setup(self) -> None:
        self.estimates_: np.ndarray | None = None  # the latest fit (trained; warm start)
        self._sites: tuple[str, ...] = ()
        self._outcomes = 0  # own outcomes published so far
        self.env.recorder.declare(
            "rate_estimate",
            "final",
            "the allocator's estimate of the rate",
            unit="incidents per step",
            bounds=(0.0, None),
        )

    # -- the pipeline's hooks ------------------------------------------------------------
    def act(self, request: AttentionRequest) -> Allocation:
        p, k = self.params, len(request.sites)
        if self.estimates_ is None:
            self.estimates_ = np.full(k, np.nan)
            steps = round(self.training.window_days / self.env.tick_days)
            self.log_.size(k, request.units, steps)
            self._sites = request.sites
        model = self.model_ if p.agent != "uniform" else None
        explore = p.epsilon > 0 and self.rng.random() < p.epsilon
        if model is None or explore:
            units = uniform_allocation(request.units, k, self.rng)
        else:
            beliefs = np.nan_to_num(model, nan=0.0)
            if p.agent == "proportional":
                units = proportional_allocation(request.units, beliefs, self.rng)
            elif p.agent == "greedy":
                units = greedy_allocation(request.units, beliefs)
            else:
                units = fair_greedy_allocation(request.units, beliefs, p.alpha)
        return Allocation(units)

    def select(self, signal: str, value: AttentionOutcome) -> list[AttentionOutcome]:
        """Its own outcomes."""
        return [value] if value.system == self.name else []

    def fit(self, window: AttentionLog) -> np.ndarray | None:
        """The MLE over the window once the burn-in is logged (the uniform agent never fits)."""
        p = self.params
        if p.agent == "uniform" or window.steps < max(p.burn_in_steps, 1):
            return None
        assert window.stats is not None
        fitted = window.stats.fit(p.max_rate, start=self.estimates_)
        fallback: Any = 0.0 if p.unobserved == "zero" else self.estimates_
        self.estimates_ = np.where(np.isnan(fitted), fallback, fitted)
        return self.estimates_

    def on_outcomes(self) -> None:
        """Every ``record_every_steps``-th step: the deployed model's estimates of the sites it
        has an estimate for (a site never observed yet has none, e.g. without a burn-in)."""
        self._outcomes += 1
        recording = self._outcomes % self.params.record_every_steps == 0
        if recording and self.model_ is not None:
            known = np.flatnonzero(np.isfinite(self.model_))
            if known.size:
                self.env.recorder.record_entities(
                    self.env.now,
                    self.name,
                    "rate_estimate",
                    [self._sites[i] for i in known],
                    self.model_[known],
                )
