"""A predictive-policing system whose belief is a Pólya urn (Ensign et al., FAT* 2018).

Belief: ``counts_`` (U, 2), balls per region in each city's urn, starting from ``prior``
(historical incident counts). Policy: each day the patrol goes to region ``i`` with probability
``(1 − explore)·n_i/Σn + explore/2``. Learning: the incidents the police learn about become
balls — the region visited gets its discovered incidents with weight ``w_d = 1 −
reported_weight`` and its reported ones with weight ``reported_weight``, every other region its
reported incidents only; ``update_scale`` scales every weight (the paper's fixed urns add
``0.1·λ``). With ``correction = "rejection"`` (the paper's fix) a visit's discoveries are kept
only with probability ``p_j / max(p_A, p_B)``. With ``decay > 0`` every ball already in the urn
is forgotten with that probability each day, after the draw and before the day's new balls are
added (at least one ball per region remains). Truth (λ) is never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.base.legacy import ServingSystem
from sim.components.incident_payloads import IncidentLog, PatrolRequest, Patrols
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus
from sim.learn.urn import (
    choose_regions,
    decay_balls,
    logged_balls,
    patrol_probabilities,
    rejection_accept,
)

__all__ = ["UrnPolicing", "UrnPolicingParams"]


@dataclass(frozen=True)
class UrnPolicingParams:
    """A predictive-policing system: its urn, how it patrols and how it learns."""

    serves: str = param("world", doc="the world whose patrol requests it answers")
    inputs: tuple[str, ...] = param(["world.incidents"], doc="the incident log it learns from")
    prior: tuple[float, ...] = param(
        [609.0, 379.0], gt=0, doc="initial balls per region (historical incident counts)"
    )
    reported_weight: float = param(
        0.0, ge=0, le=1, doc="w_r, weight of reported incidents (discovered: 1 − w_r)"
    )
    update_scale: float = param(
        1.0, gt=0, le=1, doc="balls per incident (the paper's fixed urns use 0.1)"
    )
    decay: float = param(0.0, ge=0, lt=1, doc="daily probability that each ball is forgotten")
    correction: Literal["none", "rejection"] = param(
        "none", doc="'rejection': keep a visit's discoveries w.p. p_other / max(p) (the fix)"
    )
    explore: float = param(0.0, ge=0, le=1, doc="share of patrols sent to a uniform region")

    def __post_init__(self) -> None:
        if len(self.prior) != 2:
            raise ConfigError(
                f"expected two counts (one per region), got {list(self.prior)!r}", path="prior"
            )
        if len(self.inputs) != 1:
            raise ConfigError(
                f"expected one incident log signal, got {list(self.inputs)!r}", path="inputs"
            )


class UrnPolicing(ServingSystem):
    """Urn belief + proportional patrol policy + incident-count learning."""

    kind = "urn_policing"
    Params = UrnPolicingParams

    def declare(self, bus: SignalBus) -> None:
        self.patrols_signal = self.declare_system(bus, "patrols")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        self.counts_: np.ndarray | None = None  # sized by the first request (one row per city)
        self._plan: np.ndarray | None = None
        rec = env.recorder
        rec.declare("patrol_share", "final", "probability of patrolling the region (mean, cities)")
        rec.declare("patrol_share_sd", "final", "standard deviation of patrol_share over cities")

    def start(self) -> None:
        self.env.process(self._serve())
        self.env.process(self._learn())

    def _serve(self) -> Process:
        requests_signal = self._bus.get(f"{self.params.serves}.requests")
        while True:
            yield requests_signal.changed()
            request: PatrolRequest = requests_signal.read(by=self.name)
            if self.counts_ is None:
                prior = np.asarray(self.params.prior, dtype=float)
                self.counts_ = np.tile(prior, (request.urns, 1))
            plan = patrol_probabilities(self.counts_, self.params.explore)
            region = choose_regions(plan, self.rng)
            self._plan = plan
            self._record(request.regions, plan)
            self.patrols_signal.publish(Patrols(region, plan), by=self.name)

    def _learn(self) -> Process:
        log_signal = self._bus.get(self.params.inputs[0])
        p = self.params
        while True:
            yield log_signal.changed()
            log: IncidentLog = log_signal.read(by=self.name)
            if self.counts_ is None or self._plan is None or log.system != self.name:
                continue
            rows = np.arange(len(log.visited))
            counts = np.array(log.reported, dtype=float)
            counts[rows, log.visited] = log.discovered
            kept = np.ones(len(rows))
            if p.correction == "rejection":
                kept = rejection_accept(self._plan, log.visited, self.rng).astype(float)
            weights = np.full(counts.shape, p.update_scale * p.reported_weight)
            weights[rows, log.visited] = p.update_scale * (
                (1.0 - p.reported_weight) * kept + p.reported_weight
            )
            added = logged_balls(counts, weights, self.rng, log.integer)
            self.counts_ = decay_balls(self.counts_, p.decay, self.rng) + added

    def _record(self, regions: tuple[str, ...], plan: np.ndarray) -> None:
        rec, now = self.env.recorder, self.env.now
        rec.record_entities(now, self.name, "patrol_share", regions, plan.mean(axis=0))
        spread = plan.std(axis=0, ddof=1) if len(plan) > 1 else np.zeros(plan.shape[1])
        rec.record_entities(now, self.name, "patrol_share_sd", regions, spread)
