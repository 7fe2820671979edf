"""A model retrained by repeated risk minimisation (RRM) on the data of its last deployment.

Every ``every_days`` rounds it minimises its loss exactly on the data gathered since it last
deployed — the squared loss ``(z − θ)²`` (the minimiser is the mean) or L2-regularised logistic
regression — and publishes the new parameters on ``<name>.theta``. It learns only from what the
world showed it, which the world drew in response to what it deployed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.performative import DataBatch
from sim.core.params import param
from sim.engine.component import Component, Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus
from sim.learn.risk import fit_logistic_l2, logistic_loss

__all__ = ["RRMParams", "RepeatedRiskMinimizer"]


@dataclass(frozen=True)
class RRMParams:
    """A model, its loss and its retraining cadence."""

    serves: str = param("world", doc="the world whose data it learns from")
    inputs: tuple[str, ...] = param(["world.data"], doc="signals it reads")
    loss: Literal["squared", "logistic"] = param("squared", doc="the risk it minimises")
    l2: float = param(1.0, gt=0, doc="L2 penalty of the logistic loss (intercept free)")
    every_days: int = param(1, ge=1, doc="rounds of data per retrain")
    initial_theta: tuple[float, ...] = param([0.0], doc="θ deployed before any data")


class RepeatedRiskMinimizer(Component):
    """Deploys θ, learns from the data its deployment produced, redeploys."""

    legacy_lifecycle = True  # TRANSITIONAL: not yet on the base lifecycle
    section = "systems"

    kind = "rrm"
    Params = RRMParams
    serving = True

    def declare(self, bus: SignalBus) -> None:
        self.theta_signal = bus.produce(f"{self.name}.theta", self.name)
        for signal in self.params.inputs:
            bus.declare_read(self.name, signal)
        self._bus = bus

    def setup(self, env: Environment) -> None:
        super().setup(env)
        self.theta_ = np.array(self.params.initial_theta, dtype=float)
        self.version_ = 0
        self._batches: list[DataBatch] = []
        self.theta_signal.publish(self.theta_, by=self.name)
        env.recorder.declare("training_loss", "final", "loss of the deployed θ on its own data")

    def start(self) -> None:
        self.env.process(self._learn())

    def _learn(self) -> Process:
        data = self._bus.get(self.params.inputs[0])
        while True:
            yield data.changed()
            self._batches.append(data.read(by=self.name)[self.name])
            if len(self._batches) >= self.params.every_days:
                self.theta_ = self._fit(self._batches)
                self._batches = []
                self.version_ += 1
                self.theta_signal.publish(self.theta_, by=self.name)

    def _fit(self, batches: list[DataBatch]) -> np.ndarray:
        labels = np.concatenate([b.labels for b in batches])
        rec, now = self.env.recorder, self.env.now
        if self.params.loss == "squared":
            theta = np.array([labels.mean()])
            rec.record(now, self.name, "training_loss", float(((labels - theta[0]) ** 2).mean()))
            return theta
        X = np.concatenate([b.features for b in batches])
        start = self.theta_ if self.theta_.size == X.shape[1] + 1 else None
        theta = fit_logistic_l2(X, labels, self.params.l2, start=start)
        rec.record(now, self.name, "training_loss", logistic_loss(theta, X, labels, self.params.l2))
        return theta
