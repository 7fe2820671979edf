"""A classifier system on the tabular world: logistic model(s), a threshold, a training pipeline.

Serving scores each day's rows and decides ``score >= threshold_``. Labelled rows reach the logs
after ``label_delay_days``; every ``every_days`` the model is retrained on the last
``window_days`` of logs (a random ``validation_share`` held out) and redeployed. Models:

- ``logistic``: one L2-regularised logistic regression over ``features`` (entangled: every
  weight depends on every input);
- ``isolated_ensemble``: one logistic sub-model per group of features, trained separately on the
  label and averaged in log-odds (a change to one input moves only its group's sub-model).

With ``balance_classes`` the training rows are down-sampled to equal classes (scores then reflect
a 1:1 prior, not the base rate). Thresholds: ``fixed`` (the ``threshold`` value), ``set_once``
(tuned on day 0's validation rows to ``target_precision``, then never again — the hand-set
threshold) or ``retune`` (re-tuned on the validation rows at every retrain). On ``change_day``
the team adds ``added_features`` to the model. Each deploy records the weights, their change, the
decisions that flip (``churn``) and publishes ``<name>.deploys`` for monitors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import expit

from sim.analysis.thresholds import threshold_for_precision
from sim.components.base.legacy import ServingSystem
from sim.components.tabular import Decisions, LabelledRows
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus
from sim.learn.risk import fit_logistic_l2

__all__ = ["Classifier", "ClassifierParams", "Deploy", "LogisticModel"]


@dataclass(frozen=True)
class ClassifierParams:
    """A classifier: what it reads, its model, threshold and training pipeline."""

    serves: str = param("world", doc="the tabular world it decides for")
    inputs: tuple[str, ...] = param(["world.history", "world.rows"], doc="signals it reads")
    features: tuple[str, ...] = param([], doc="features it uses (default: all)")
    model: Literal["logistic", "isolated_ensemble"] = param("logistic", doc="model structure")
    groups: tuple[tuple[str, ...], ...] = param([], doc="feature groups of the ensemble")
    l2: float = param(0.1, gt=0, doc="L2 penalty on the weights")
    every_days: float = param(7.0, gt=0, doc="retrain cadence")
    window_days: float = param(28.0, gt=0, doc="days of logs per retrain")
    label_delay_days: float = param(0.0, ge=0, doc="delay before a label reaches the logs")
    validation_share: float = param(0.25, gt=0, lt=1, doc="logged rows held out to tune")
    threshold_mode: Literal["fixed", "set_once", "retune"] = param("fixed", doc="threshold policy")
    threshold: float = param(0.5, gt=0, lt=1, doc="the fixed threshold")
    target_precision: float = param(0.8, gt=0, lt=1, doc="precision a tuned threshold aims at")
    label: str = param("", doc="the related label it learns ('' = the world's main label)")
    upstream: str = param("", doc="a classifier whose log-odds it corrects (a correction model)")
    upstream_as: Literal["offset", "feature"] = param(
        "offset", doc="offset: learn a correction added to the upstream log-odds; feature: reweigh"
    )
    balance_classes: bool = param(
        False, doc="train on a class-balanced sample (negatives down-sampled), as fraud teams do"
    )
    change_day: float = param(0.0, ge=0, doc="day the team adds added_features (0: never)")
    added_features: tuple[str, ...] = param([], doc="features added on change_day")


@dataclass
class LogisticModel:
    """Sub-models (feature names, weights with the intercept last) averaged in log-odds."""

    parts: list[tuple[tuple[str, ...], np.ndarray]]
    offset: str = ""  # a feature added to the log-odds with weight 1 (an upstream's log-odds)

    def logit(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        total = 0.0
        for names, theta in self.parts:
            X = np.column_stack([features[n] for n in names])
            total = total + X @ theta[:-1] + theta[-1]
        base = features[self.offset] if self.offset else 0.0
        return base + np.asarray(total) / len(self.parts)

    def score(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        return expit(self.logit(features))

    def weights(self) -> dict[str, float]:
        """The effective weight of each feature in the averaged log-odds."""
        out: dict[str, float] = {}
        for names, theta in self.parts:
            for name, w in zip(names, theta[:-1], strict=True):
                out[name] = out.get(name, 0.0) + w / len(self.parts)
        return out


def _logit(scores: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(scores, dtype=float), 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


def _with_upstream(rows: LabelledRows, logits: np.ndarray) -> LabelledRows:
    """The rows with the upstream model's log-odds as one more feature."""
    return dataclasses.replace(rows, features={**rows.features, "upstream": logits})


@dataclass(frozen=True)
class Deploy:
    """What a deploy changed (published for monitors)."""

    day: float
    version: int
    churn: float
    weight_change: float


class Classifier(ServingSystem):
    """Decides for each row; learns from the labelled rows of past days."""

    kind = "classifier"
    Params = ClassifierParams

    def declare(self, bus: SignalBus) -> None:
        self.decisions_signal = self.declare_system(bus, "decisions")
        self.deploys_signal = bus.produce(f"{self.name}.deploys", self.name)
        self.history_scores_signal = bus.produce(f"{self.name}.history_scores", self.name)
        if self.params.upstream:
            bus.declare_read(self.name, f"{self.params.upstream}.decisions")
            bus.declare_read(self.name, f"{self.params.upstream}.history_scores")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        rec = env.recorder
        rec.declare("weight", "final", "the deployed model's weight of each feature")
        rec.declare("weight_change", "total", "‖w_new − w_old‖ over the features, per deploy")
        rec.declare("churn", "total", "share of decisions that flip at a deploy")
        rec.declare("threshold", "final", "the deployed decision threshold")
        self._log: list[LabelledRows] = []
        self._history = self._bus.get(f"{self.params.serves}.history").read(by=self.name)
        self.version_ = 0
        self.model_: LogisticModel | None = None
        self.threshold_ = self.params.threshold
        self._upstream_logits: dict[float, np.ndarray] = {}
        if not self.params.upstream:
            self._first_deploy()

    def _first_deploy(self) -> None:
        """Train on the history (with the upstream's scores of it, for a correction model)."""
        history = self._history
        if self.params.upstream:
            scores = self._bus.get(f"{self.params.upstream}.history_scores").read(by=self.name)
            history = _with_upstream(history, _logit(scores))
        self._deploy(self._train([history], tune=self.params.threshold_mode != "fixed"))
        self.history_scores_signal.publish(self.model_.score(history.features), by=self.name)

    # -- training -------------------------------------------------------------------------
    def _features(self) -> tuple[str, ...]:
        names = self.params.features or tuple(f for f in self._all_features if f != "upstream")
        if self.params.change_day and self.env.now >= self.params.change_day:
            names = tuple(dict.fromkeys([*names, *self.params.added_features]))
        if self.params.upstream and self.params.upstream_as == "feature":
            names = (*names, "upstream")
        return names

    def _groups(self, names: tuple[str, ...]) -> list[tuple[str, ...]]:
        if self.params.model == "logistic":
            return [names]
        groups = [tuple(n for n in g if n in names) for g in self.params.groups] or [
            (n,) for n in names
        ]
        grouped = {n for g in groups for n in g}
        groups += [(n,) for n in names if n not in grouped]
        return [g for g in groups if g]

    def _train(self, days: list[LabelledRows], tune: bool) -> tuple[LogisticModel, float, dict]:
        features = {k: np.concatenate([d.features[k] for d in days]) for k in days[0].features}
        self._all_features = list(days[0].features)
        labels = np.concatenate([d.label(self.params.label) for d in days])
        held = self.rng.random(len(labels)) < self.params.validation_share
        used = ~held
        if self.params.balance_classes:
            used &= self._balanced(labels)
        train = {k: v[used] for k, v in features.items()}
        offset_name = (
            "upstream" if self.params.upstream and self.params.upstream_as == "offset" else ""
        )
        offset = train[offset_name] if offset_name else 0.0
        groups = self._groups(self._features())
        parts = []
        for group in groups:
            X = np.column_stack([train[n] for n in group])
            share = offset / len(groups) if offset_name else 0.0
            parts.append((group, fit_logistic_l2(X, labels[used], self.params.l2, offset=share)))
        model = LogisticModel(parts, offset_name)
        validation = {k: v[held] for k, v in features.items()}
        threshold = self.threshold_
        if tune:
            threshold = threshold_for_precision(
                model.score(validation), labels[held], self.params.target_precision
            )
        return model, threshold, validation

    def _balanced(self, labels: np.ndarray) -> np.ndarray:
        """A mask keeping every row of the rarer class and as many rows of the other."""
        positive = labels > 0.5
        rare = positive if positive.sum() <= (~positive).sum() else ~positive
        keep = rare.copy()
        common = np.flatnonzero(~rare)
        keep[self.rng.permutation(common)[: int(rare.sum())]] = True
        return keep

    def _deploy(self, trained: tuple[LogisticModel, float, dict]) -> None:
        model, threshold, validation = trained
        rec, now = self.env.recorder, self.env.now
        weights = model.weights()
        churn = change = 0.0
        if self.model_ is not None:
            old = self.model_.score(validation) >= self.threshold_
            new = model.score(validation) >= threshold
            churn = float((old != new).mean())
            before = self.model_.weights()
            names = sorted(set(before) | set(weights))
            change = float(np.linalg.norm([weights.get(n, 0) - before.get(n, 0) for n in names]))
            rec.record(now, self.name, "churn", churn)
            rec.record(now, self.name, "weight_change", change)
        self.model_, self.threshold_ = model, threshold
        self.version_ += 1
        rec.record_entities(now, self.name, "weight", list(weights), list(weights.values()))
        rec.record(now, self.name, "threshold", threshold)
        rec.event(now, self.name, "deploy", version=self.version_, churn=round(churn, 6))
        self.deploys_signal.publish(Deploy(now, self.version_, churn, change), by=self.name)

    # -- processes --------------------------------------------------------------------------
    def start(self) -> None:
        self.env.process(self._serve())
        self.env.process(self._collect())
        self.env.process(self._retrain())

    def _serve(self) -> Process:
        requests = self._bus.get(f"{self.params.serves}.requests")
        target = None if self.params.threshold_mode == "fixed" else self.params.target_precision
        upstream = (
            self._bus.get(f"{self.params.upstream}.decisions") if self.params.upstream else None
        )
        if upstream is not None:
            history = self._bus.get(f"{self.params.upstream}.history_scores")
            if history.value is None:  # the upstream is itself waiting for its own upstream
                yield history.changed()
            self._first_deploy()
        while True:
            # A correction model waits for its upstream's answer to the same rows.
            yield (upstream or requests).changed()
            features = requests.read(by=self.name)
            if upstream is not None:
                logits = _logit(upstream.read(by=self.name).scores)
                self._upstream_logits[self.env.now] = logits
                features = {**features, "upstream": logits}
            scores = self.model_.score(features)
            answer = Decisions(scores, scores >= self.threshold_, target, self.params.label)
            self.decisions_signal.publish(answer, by=self.name)

    def _collect(self) -> Process:
        rows_signal = self._bus.get(self.params.inputs[-1])
        while True:
            yield rows_signal.changed()
            rows = rows_signal.read(by=self.name)
            if self.params.upstream:
                rows = _with_upstream(rows, self._upstream_logits.pop(rows.day))
            arrival = self.env.timeout(self.params.label_delay_days, value=rows)
            arrival.callbacks.append(lambda event: self._log.append(event.value))

    def _retrain(self) -> Process:
        p = self.params
        while True:
            yield self.env.timeout(p.every_days)
            self._log = [d for d in self._log if d.day > self.env.now - p.window_days]
            if self._log:
                self._deploy(self._train(self._log, tune=p.threshold_mode == "retune"))
