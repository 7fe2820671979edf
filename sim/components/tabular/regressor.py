"""A least-squares regressor on the tabular world's linear label (``noise_sd > 0``).

The textbook model of a data dependency: it predicts ``y`` from the features it is given
(``features``, default all) with an intercept, fitted by ordinary least squares — the first model
on the world's history at time 0, later ones (if ``training.every_days > 0``) on the window of
logged rows. Each deploy records the coefficients (``coefficient``). Its answer is a
:class:`Decisions` whose scores are the predictions (no decisions: the world records the squared
error).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.components.base import MLSystem, TrainingParams
from sim.components.tabular.payloads import Decisions, LabelledRows, Rows
from sim.components.tabular.world_checks import check_features
from sim.core.params import param, table
from sim.engine.wiring import Wiring

__all__ = ["LinearFit", "Regressor", "RegressorParams", "fit_least_squares"]


@dataclass(frozen=True)
class RegressorParams:
    """A regressor: what it reads, its features and its training pipeline."""

    serves: str = param("world", doc="the tabular world it predicts for")
    inputs: tuple[str, ...] = param(["world.history", "world.rows"], doc="signals it reads")
    features: tuple[str, ...] = param([], doc="features it uses (default: all)")
    training: TrainingParams = table(
        TrainingParams(every_days=0.0, window_days=28.0), doc="training pipeline (0: never)"
    )


@dataclass(frozen=True)
class LinearFit:
    """Weights of the named features and an intercept."""

    names: tuple[str, ...]
    weights: np.ndarray
    intercept: float

    def predict(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        """The prediction for each row."""
        X = np.column_stack([features[n] for n in self.names])
        return np.asarray(X @ self.weights + self.intercept)


def fit_least_squares(
    features: Mapping[str, np.ndarray], labels: np.ndarray, names: tuple[str, ...]
) -> LinearFit:
    """Ordinary least squares of ``labels`` on the named features and an intercept."""
    X = np.column_stack([*(features[n] for n in names), np.ones(len(labels))])
    theta, *_ = np.linalg.lstsq(X, labels, rcond=None)
    return LinearFit(names, theta[:-1], float(theta[-1]))


class Regressor(MLSystem):
    """Predicts each row's label; learns from the labelled rows of past days."""

    kind = "regressor"
    Params = RegressorParams
    output = "decisions"
    output_payload = Decisions
    request_payload = Rows
    model_: LinearFit | None

    def validate_wiring(self, wiring: Wiring) -> None:
        """Its features are the world's features."""
        super().validate_wiring(wiring)
        check_features(wiring.components.get(self.params.serves), self.params.features, "features")

    def on_setup(self) -> None:
        self.env.recorder.declare(
            "coefficient",
            "final",
            "the deployed regression's coefficient of each feature",
            unit="label units per feature unit",
        )

    def initial_model(self) -> LinearFit:
        history: LabelledRows = self.bus.get(f"{self.params.serves}.history").read(by=self.name)
        return self._fit([history])

    def act(self, request: Rows) -> Decisions:
        assert self.model_ is not None, "a regressor serves from time 0 on"
        predictions = self.model_.predict(request.features)
        return Decisions(predictions, np.zeros(len(predictions), dtype=bool))

    def learning_inputs(self) -> tuple[str, ...]:
        """The labelled rows (the history is read once, for the first model)."""
        history = f"{self.params.serves}.history"
        return tuple(name for name in self.params.inputs if name != history)

    def fit(self, window: list[LabelledRows]) -> LinearFit | None:
        return self._fit(window) if window else None

    def _fit(self, days: Iterable[LabelledRows]) -> LinearFit:
        days = list(days)
        names = self.params.features or tuple(days[0].features)
        features = {n: np.concatenate([d.features[n] for d in days]) for n in names}
        labels = np.concatenate([d.labels for d in days])
        return fit_least_squares(features, labels, tuple(names))

    def deploy(self, model: LinearFit) -> Mapping[str, Any]:
        self.model_ = model
        self.env.recorder.record_entities(
            self.env.now, self.name, "coefficient", list(model.names), list(model.weights)
        )
        return {}
