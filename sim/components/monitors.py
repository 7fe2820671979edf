"""Monitors: periodic or event-driven checks over signals that raise alerts.

``churn_monitor`` watches a classifier's deploys and raises an alert when the share of decisions
that flip at a deploy exceeds ``max_churn`` — the cheapest guard against changes whose effects
spread through an entangled model.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.params import param
from sim.engine.component import Component, Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus

__all__ = ["ChurnMonitor", "ChurnMonitorParams"]


@dataclass(frozen=True)
class ChurnMonitorParams:
    """Which deploys to watch and when to alert."""

    serves: str = param("world", doc="the world of the watched system")
    inputs: tuple[str, ...] = param(["classifier.deploys"], doc="deploy signals to watch")
    max_churn: float = param(0.05, gt=0, le=1, doc="alert when a deploy flips more decisions")


class ChurnMonitor(Component):
    """Raises an ``alert`` event (and counts alerts) when a deploy's churn is too high."""

    kind = "churn_monitor"
    Params = ChurnMonitorParams
    serving = False

    def declare(self, bus: SignalBus) -> None:
        for signal in self.params.inputs:
            bus.declare_read(self.name, signal)
        self._bus = bus

    def setup(self, env: Environment) -> None:
        super().setup(env)
        env.recorder.declare("alerts", "total", "alerts raised")

    def start(self) -> None:
        for signal in self.params.inputs:
            self.env.process(self._watch(signal))

    def _watch(self, name: str) -> Process:
        signal = self._bus.get(name)
        watched = name.split(".")[0]
        while True:
            yield signal.changed()
            deploy = signal.read(by=self.name)
            alert = deploy.churn > self.params.max_churn
            if alert:
                self.env.recorder.event(
                    self.env.now,
                    self.name,
                    "alert",
                    watched=watched,
                    version=deploy.version,
                    churn=round(deploy.churn, 6),
                )
            self.env.recorder.record(self.env.now, self.name, "alerts", float(alert))
