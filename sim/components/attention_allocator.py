"""An attention allocator (D'Amour et al., FAT* 2020): censored-Poisson beliefs + a policy.

Belief: ``estimates_``, the censored-Poisson MLE of each site's rate over the last
``window_steps`` steps of its own logs (attention given, incidents discovered), refitted every
``refit_every_steps`` once ``burn_in_steps`` have passed; a site whose window says nothing (it
got no attention) keeps its last estimate, or drops to zero with ``unobserved = "zero"``.
Policy (``agent``): ``uniform`` (Multinomial(N, 1/K) always), ``proportional``
(Multinomial(N, r̂/Σr̂)), ``greedy`` (maximise expected discoveries) or ``fair_greedy`` (the
same under the constraint that the sites' expected discovered shares differ by at most
``alpha``). The learning agents allocate uniformly during burn-in and, with probability
``epsilon``, at any step (ε-greedy exploration). Truth (the rates) is never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.base.legacy import ServingSystem
from sim.components.incident_payloads import Allocation, AttentionOutcome, AttentionRequest
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus
from sim.learn.allocation import (
    fair_greedy_allocation,
    greedy_allocation,
    proportional_allocation,
    uniform_allocation,
)
from sim.learn.censored_poisson import CensoredPoissonWindow

__all__ = ["AttentionAllocator", "AttentionAllocatorParams"]


@dataclass(frozen=True)
class AttentionAllocatorParams:
    """An attention allocator: which world it serves, its policy and its estimator."""

    serves: str = param("world", doc="the world whose attention requests it answers")
    inputs: tuple[str, ...] = param(["world.outcomes"], doc="the outcome log it learns from")
    agent: Literal["uniform", "proportional", "greedy", "fair_greedy"] = param(
        "greedy", doc="allocation policy"
    )
    epsilon: float = param(0.0, ge=0, le=1, doc="probability of a uniform allocation in a step")
    burn_in_steps: int = param(25, ge=0, doc="uniform allocations before the first fit")
    window_steps: int = param(100, ge=0, doc="steps of logs the MLE uses (0: all)")
    refit_every_steps: int = param(1, ge=1, doc="refit cadence after burn-in")
    alpha: float = param(0.75, ge=0, le=1, doc="fair_greedy: largest allowed gap in f")
    max_rate: float = param(100.0, gt=0, doc="cap of the MLE (reached when all data censored)")
    unobserved: Literal["keep", "zero"] = param(
        "keep", doc="estimate of a site with no informative data in the window"
    )
    record_every_steps: int = param(1, ge=1, doc="record the estimates after every N-th step")

    def __post_init__(self) -> None:
        if len(self.inputs) != 1:
            raise ConfigError(
                f"expected one outcome log signal, got {list(self.inputs)!r}", path="inputs"
            )


class AttentionAllocator(ServingSystem):
    """MLE beliefs about incident rates + an allocation policy."""

    kind = "attention_allocator"
    Params = AttentionAllocatorParams

    def declare(self, bus: SignalBus) -> None:
        self.allocation_signal = self.declare_system(bus, "allocation")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        self.estimates_: np.ndarray | None = None  # sized by the first request
        self.steps_ = 0
        self._sites: tuple[str, ...] = ()
        self.window_: CensoredPoissonWindow | None = None  # sized by the first request
        env.recorder.declare("rate_estimate", "final", "the allocator's estimate of the rate")

    def start(self) -> None:
        self.env.process(self._serve())
        self.env.process(self._learn())

    def _serve(self) -> Process:
        requests_signal = self._bus.get(f"{self.params.serves}.requests")
        p = self.params
        while True:
            yield requests_signal.changed()
            request: AttentionRequest = requests_signal.read(by=self.name)
            k = len(request.sites)
            if self.estimates_ is None:
                self.estimates_ = np.full(k, np.nan)
                self.window_ = CensoredPoissonWindow(k, request.units, p.window_steps)
                self._sites = request.sites
            learning = p.agent != "uniform" and self.steps_ >= p.burn_in_steps
            explore = p.epsilon > 0 and self.rng.random() < p.epsilon
            if not learning or explore:
                units = uniform_allocation(request.units, k, self.rng)
            else:
                beliefs = np.nan_to_num(self.estimates_, nan=0.0)
                if p.agent == "proportional":
                    units = proportional_allocation(request.units, beliefs, self.rng)
                elif p.agent == "greedy":
                    units = greedy_allocation(request.units, beliefs)
                else:
                    units = fair_greedy_allocation(request.units, beliefs, p.alpha)
            self.allocation_signal.publish(Allocation(units), by=self.name)

    def _learn(self) -> Process:
        outcomes_signal = self._bus.get(self.params.inputs[0])
        p = self.params
        while True:
            yield outcomes_signal.changed()
            outcome: AttentionOutcome = outcomes_signal.read(by=self.name)
            if outcome.system != self.name or self.window_ is None:
                continue
            self.window_.add(outcome.discovered, outcome.attention)
            self.steps_ += 1
            due = (self.steps_ - p.burn_in_steps) % p.refit_every_steps == 0
            if p.agent != "uniform" and self.steps_ >= p.burn_in_steps and due:
                self._fit()
            recording = self.steps_ % p.record_every_steps == 0
            if recording and self.estimates_ is not None and not np.isnan(self.estimates_).all():
                self.env.recorder.record_entities(
                    self.env.now, self.name, "rate_estimate", self._sites, self.estimates_
                )

    def _fit(self) -> None:
        assert self.window_ is not None
        fitted = self.window_.fit(self.params.max_rate, start=self.estimates_)
        fallback = 0.0 if self.params.unobserved == "zero" else self.estimates_
        self.estimates_ = np.where(np.isnan(fitted), fallback, fitted)
