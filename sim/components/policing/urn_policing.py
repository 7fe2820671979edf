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

The urn is the model, on the shared training pipeline: the prior is version 0 (sized by the
first request, one row per city); each retrain (``training.every_days``, one day being one round
of the urn) adds the balls of the incident logs that arrived since the last one, in order, each
with the patrol plan that produced it, and deploys the updated urn as a new version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base import BASE_OPTIONS, MLSystem, TrainingParams
from sim.components.policing.payloads import IncidentLog, PatrolRequest, Patrols
from sim.core.errors import ConfigError
from sim.core.params import param, table
from sim.learn.urn import (
    choose_regions,
    decay_balls,
    logged_balls,
    patrol_probabilities,
    rejection_accept,
)

__all__ = ["PatrolRecord", "UpdateLog", "UrnPolicing", "UrnPolicingParams"]


@dataclass(frozen=True)
class UrnPolicingParams:
    """A predictive-policing system: its urn, how it patrols and how it learns."""

    serves: str = param("world", doc="the world whose patrol requests it answers")
    inputs: tuple[str, ...] = param(["world.incidents"], doc="the incident log it learns from")
    prior: tuple[float, ...] = param(
        [609.0, 379.0],
        gt=0,
        le=1e12,
        doc="initial balls per region (historical incident counts)",
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
    training: TrainingParams = table(TrainingParams(every_days=1.0), doc="training pipeline")

    def __post_init__(self) -> None:
        if len(self.prior) != 2:
            raise ConfigError(
                f"expected two counts (one per region), got {list(self.prior)!r}", path="prior"
            )
        if len(self.inputs) != 1:
            raise ConfigError(
                f"expected one incident log signal, got {list(self.inputs)!r}", path="inputs"
            )


@dataclass(frozen=True)
class PatrolRecord:
    """One day's incident log, with the patrol plan (U, K) that produced it."""

    log: IncidentLog
    plan: np.ndarray


class UpdateLog:
    """The records that arrived since the last retrain: an urn learns each day once."""

    def __init__(self) -> None:
        self.pending: list[PatrolRecord] = []

    def add(self, day: float, outcome: PatrolRecord) -> None:
        """Log one day's record (published on ``day``)."""
        self.pending.append(outcome)

    def window(self, now: float, window_days: float) -> list[PatrolRecord]:
        """The records not learned from yet, in arrival order (taken: each is learned once)."""
        taken, self.pending = self.pending, []
        return taken


class UrnPolicing(MLSystem):
    """Urn belief + proportional patrol policy + incident-count learning."""

    kind = "urn_policing"
    Params = UrnPolicingParams
    output = "patrols"
    output_payload = Patrols
    request_payload = PatrolRequest
    training_options = BASE_OPTIONS - {"window_days"}
    model_: np.ndarray | None  # the deployed urn: balls per region in each city (U, K)

    def make_log(self) -> UpdateLog:
        return UpdateLog()

    def on_setup(self) -> None:
        self.counts_: np.ndarray | None = None  # the latest urn (trained; the model deploys it)
        self._plan: np.ndarray | None = None  # the plan of the last patrols
        rec = self.env.recorder
        rec.declare(
            "patrol_share",
            "final",
            "probability of patrolling the region (mean, cities)",
            unit="patrol probability",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "patrol_share_sd",
            "final",
            "standard deviation of patrol_share over cities",
            unit="sd over cities",
            bounds=(0.0, None),
        )

    # -- the pipeline's hooks ------------------------------------------------------------
    def act(self, request: PatrolRequest) -> Patrols:
        if self.model_ is None:  # the prior, version 0: one urn per city
            self.model_ = np.tile(np.asarray(self.params.prior, dtype=float), (request.urns, 1))
            self.counts_ = self.model_
        plan = patrol_probabilities(self.model_, self.params.explore)
        region = choose_regions(plan, self.rng)
        self._plan = plan
        self._record(request.regions, plan)
        return Patrols(region, plan)

    def select(self, signal: str, value: IncidentLog) -> Iterable[PatrolRecord]:
        """Its own incident log, with the plan of the patrols that produced it."""
        if value.system != self.name or self._plan is None:
            return []
        return [PatrolRecord(value, self._plan)]

    def fit(self, window: list[PatrolRecord]) -> np.ndarray | None:
        """The latest urn with every new day's balls added, in order (``None``: no new day)."""
        if not window or self.counts_ is None:
            return None
        counts = self.counts_
        for record in window:
            counts = self._learn(counts, record)
        self.counts_ = counts
        return counts

    def retrain_detail(self, window: list[PatrolRecord]) -> dict[str, Any]:
        return {"days": len(window)}

    # -- learning --------------------------------------------------------------------------
    def _learn(self, urn: np.ndarray, record: PatrolRecord) -> np.ndarray:
        """The urn after one day: decayed, plus the balls of the day's incidents."""
        p, log = self.params, record.log
        rows = np.arange(len(log.visited))
        counts = np.array(log.reported, dtype=float)
        counts[rows, log.visited] = log.discovered
        kept = np.ones(len(rows))
        if p.correction == "rejection":
            kept = rejection_accept(record.plan, log.visited, self.rng).astype(float)
        weights = np.full(counts.shape, p.update_scale * p.reported_weight)
        weights[rows, log.visited] = p.update_scale * (
            (1.0 - p.reported_weight) * kept + p.reported_weight
        )
        added = logged_balls(counts, weights, self.rng, log.integer)
        return decay_balls(urn, p.decay, self.rng) + added

    def _record(self, regions: tuple[str, ...], plan: np.ndarray) -> None:
        rec, now = self.env.recorder, self.env.now
        rec.record_entities(now, self.name, "patrol_share", regions, plan.mean(axis=0))
        spread = plan.std(axis=0, ddof=1) if len(plan) > 1 else np.zeros(plan.shape[1])
        rec.record_entities(now, self.name, "patrol_share_sd", regions, spread)
