"""The template world: units whose true level drifts; observed with noise every day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.components.base import World
from sim.core.params import param
from sim.engine.signals import PerSystem, SignalBus
from toyfam.dynamics import level_on
from toyfam.payloads import Estimate, Observations, Probe

__all__ = ["DriftingLevel", "DriftingLevelParams"]


@dataclass(frozen=True)
class DriftingLevelParams:
    """Parameters of the drifting world."""

    units: int = param(100, ge=1, doc="independent units")
    drift_per_day: float = param(0.05, doc="change of every true level per day")
    noise: float = param(1.0, ge=0, doc="standard deviation of an observation")


class DriftingLevel(World):
    """Probe out, estimates in, observations out; scores each estimate against the truth."""

    kind = "drifting_level"
    Params = DriftingLevelParams
    answer = "estimates"
    request_payload = Probe
    answer_payload = Estimate

    def declare(self, bus: SignalBus) -> None:
        self.declare_world(bus, ("observations", PerSystem(Observations)))

    def on_setup(self) -> None:
        self.start_ = self.rng.standard_normal(self.params.units)
        self.env.recorder.declare(
            "abs_error",
            "mean",
            "mean |level_hat − level| (level units)",
            unit="level units",
            bounds=(0.0, None),
        )

    def make_request(self) -> Probe:
        return Probe(self.env.now, self.params.units)

    def resolve(self, request: Probe, answers: Sequence[Estimate]) -> None:
        truth = level_on(self.start_, self.params.drift_per_day, self.env.now)
        outcomes = {}
        for server, estimate in zip(self.servers, answers, strict=True):
            error = np.abs(estimate.level_hat - truth).mean()
            self.env.recorder.record(self.env.now, server, "abs_error", error)
            noise = self.rng.normal(0.0, self.params.noise, truth.shape)
            outcomes[server] = Observations(self.env.now, truth + noise)
        self.publish("observations", outcomes)
