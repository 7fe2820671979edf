"""The prediction-bias monitor: a team's own check of its classifier against the day's labels.

It watches the world's labelled rows (``<world>.rows``) and, at each publish, compares the mean
score the watched classifier gave the day's rows (its ``<system>.decisions``, a declared read)
with the share of positive labels (``label``: the main label or a related one). An absolute
difference above ``max_bias`` is an ``alert`` — the cheapest monitor a consumer can run, and the
first to notice when an input it depends on changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.components.base import Alert, Monitor, ResponseParams
from sim.components.tabular.payloads import Decisions, LabelledRows
from sim.components.tabular.world_checks import check_label
from sim.core.params import param, table
from sim.engine.signals import SignalBus
from sim.engine.wiring import Wiring

__all__ = ["BiasMonitor", "BiasMonitorParams"]


@dataclass(frozen=True)
class BiasMonitorParams:
    """Which classifier, against which label, how much bias is tolerated."""

    system: str = param("classifier", doc="the classifier whose scores are checked")
    watches: tuple[str, ...] = param(["world.rows"], doc="the labelled rows to check them on")
    label: str = param("", doc="the related label the classifier predicts ('' = the main one)")
    max_bias: float = param(0.05, gt=0, lt=1, doc="alert when |mean score − label rate| exceeds")
    every_days: float = param(0.0, ge=0, doc="check cadence (0: at every publish)")
    response: ResponseParams = table(ResponseParams(), doc="what the classifier does")


class BiasMonitor(Monitor):
    """Raises an ``alert`` when the mean score of a day's rows is far from their label rate."""

    kind = "bias_monitor"
    Params = BiasMonitorParams
    watch_payload = LabelledRows

    @property
    def target(self) -> str:
        return self.params.response.target or self.params.system

    def validate_wiring(self, wiring: Wiring) -> None:
        """The label is the world's main label or one of its related labels."""
        super().validate_wiring(wiring)
        check_label(wiring.world, self.params.label, "label")

    def declare(self, bus: SignalBus) -> None:
        super().declare(bus)
        bus.declare_read(self.name, f"{self.params.system}.decisions", expects=Decisions)

    def check(self, signal: str, value: Any) -> Alert | None:
        rows: LabelledRows = value
        decisions: Decisions = self.bus.get(f"{self.params.system}.decisions").read(by=self.name)
        if len(decisions.scores) != len(rows.labels):
            return None
        bias = float(np.mean(decisions.scores) - np.mean(rows.label(self.params.label)))
        if abs(bias) <= self.params.max_bias:
            return None
        return Alert(f"prediction bias {bias:+.3f}", {"bias": round(bias, 6)})
