"""A model retrained by repeated risk minimisation (RRM) on the data of its last deployment.

The shared pipeline retrains it every ``training.every_days`` — one round is one day, so
``every_days = 4`` retrains every 4 rounds on 4 rounds of data — by minimising its loss exactly on
the data drawn in response to the deployed version (older data is dropped at each deploy): the
squared loss ``(z − θ)²`` (the minimiser is the mean) or L2-regularised logistic regression,
warm-started from the deployed θ. It answers each round with the deployed θ on
``<name>.theta`` and records ``training_loss``, the deployed θ's loss on the data it was fitted
to, when it deploys. It learns only from what the world showed it, which the world drew in
response to what it deployed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base import BASE_OPTIONS, MLSystem, TrainingParams
from sim.components.performative.payloads import DataBatch, Round, Theta
from sim.core.errors import ConfigError
from sim.core.params import param, table
from sim.engine.signals import Contract, PerSystem
from sim.engine.wiring import Wiring
from sim.learn.risk import fit_logistic_l2, logistic_loss

__all__ = ["RRMModel", "RRMParams", "RepeatedRiskMinimizer"]


@dataclass(frozen=True)
class RRMParams:
    """A model, its loss and its training pipeline."""

    serves: str = param("world", doc="the world whose data it learns from")
    inputs: tuple[str, ...] = param(["world.data"], doc="signals it reads")
    loss: Literal["squared", "logistic"] = param("squared", doc="the risk it minimises")
    l2: float = param(1.0, gt=0, doc="L2 penalty of the logistic loss (intercept free)")
    initial_theta: tuple[float, ...] = param(
        [0.0], ge=-1e6, le=1e6, doc="θ deployed before any data"
    )
    training: TrainingParams = table(TrainingParams(every_days=1.0), doc="training pipeline")


@dataclass(frozen=True)
class RRMModel:
    """Deployed parameters θ and their loss on the data they were fitted to (NaN: none yet)."""

    theta: np.ndarray
    loss: float = float("nan")


class RepeatedRiskMinimizer(MLSystem):
    """Deploys θ, learns from the data its deployment produced, redeploys."""

    kind = "rrm"
    Params = RRMParams
    output = "theta"
    output_payload = Theta
    request_payload = Round
    training_options = BASE_OPTIONS

    def input_payload(self, signal: str) -> Contract | None:
        return PerSystem(DataBatch) if signal == f"{self.params.serves}.data" else None

    def validate_wiring(self, wiring: Wiring) -> None:
        """θ's length is one the world accepts; a logistic loss needs a world with features."""
        super().validate_wiring(wiring)
        world = wiring.world  # the builder checked that it serves the world
        sizes = world.theta_sizes() if hasattr(world, "theta_sizes") else None
        theta = self.params.initial_theta
        if sizes is not None and len(theta) not in sizes:
            allowed = " or ".join(str(n) for n in sizes)
            raise ConfigError(
                f"got {len(theta)} values; the {world.kind} world takes θ of length {allowed}",
                path="initial_theta",
            )
        if not theta:
            raise ConfigError("expected at least one value", path="initial_theta")
        features = getattr(world, "publishes_features", None)
        if self.params.loss == "logistic" and features is not None and not features():
            raise ConfigError(
                f"a logistic loss needs features; the {world.kind} world publishes labels only "
                "(use loss = 'squared')",
                path="loss",
            )

    def on_setup(self) -> None:
        self.env.recorder.declare(
            "training_loss",
            "final",
            "loss of the deployed θ on the data it was fitted to",
            unit="loss",
            bounds=(0.0, None),
        )

    def initial_model(self) -> RRMModel:
        return RRMModel(np.array(self.params.initial_theta, dtype=float))

    def act(self, request: Round) -> Theta:
        return Theta(self.model_.theta, self.version_)

    def fit(self, window: list[DataBatch]) -> RRMModel | None:
        batches = [b for b in window if b.version == self.version_]  # the last deployment's
        if not batches:
            return None
        labels = np.concatenate([b.labels for b in batches])
        if self.params.loss == "squared":
            theta = np.array([labels.mean()])
            return RRMModel(theta, float(((labels - theta[0]) ** 2).mean()))
        X = np.concatenate([b.features for b in batches if b.features is not None])
        deployed = self.model_.theta
        start = deployed if deployed.size == X.shape[1] + 1 else None
        theta = fit_logistic_l2(X, labels, self.params.l2, start=start)
        return RRMModel(theta, logistic_loss(theta, X, labels, self.params.l2))

    def retrain_detail(self, window: list[DataBatch]) -> Mapping[str, Any]:
        return {"rows": int(sum(len(b.labels) for b in window if b.version == self.version_))}

    def deploy(self, model: RRMModel) -> Mapping[str, Any] | None:
        self.model_ = model
        self.log_.entries.clear()  # RRM never trains on an earlier deployment's data again
        if np.isfinite(model.loss):
            self.env.recorder.record(self.env.now, self.name, "training_loss", model.loss)
        return None
