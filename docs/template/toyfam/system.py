"""The template system: estimates each unit's level as the mean of its training window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.components.base import MLSystem, TrainingParams
from sim.core.params import param, table
from toyfam.payloads import Estimate, Observations, Probe

__all__ = ["Tracker", "TrackerParams"]


@dataclass(frozen=True)
class TrackerParams:
    """A tracker: what it serves and reads, and its training pipeline."""

    serves: str = param("world", doc="the world it answers")
    inputs: tuple[str, ...] = param(["world.observations"], doc="signals its training reads")
    training: TrainingParams = table(TrainingParams(every_days=1.0, window_days=7.0))


class Tracker(MLSystem):
    """Acts with the deployed estimate; fits the window's mean."""

    kind = "tracker"
    Params = TrackerParams
    output = "estimates"
    output_payload = Estimate
    request_payload = Probe

    def act(self, request: Probe) -> Estimate:
        if self.model_ is None:
            return Estimate(np.zeros(request.units))
        return Estimate(self.model_)

    def fit(self, window: list[Observations]) -> np.ndarray | None:
        if not window:
            return None
        return np.mean([o.observed for o in window], axis=0)
