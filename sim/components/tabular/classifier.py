"""A classifier on the tabular world: a logistic model, a threshold, the shared training pipeline.

Serving scores each day's rows with the deployed model and decides ``score >= threshold_``. The
first model (version 1) is trained on the world's history at time 0. The labelled rows reach the
log after ``training.label_delay_days``; every ``training.every_days`` the base pipeline fits a
candidate on the last ``training.window_days`` of logged rows (a random ``validation_share``
held out) and deploys it after ``training.deploy_latency_days``. Models
(:mod:`sim.components.tabular.model`): ``logistic`` or ``isolated_ensemble``.

With ``balance_classes`` the training rows are down-sampled to equal classes (scores then reflect
a 1:1 prior, not the base rate). Thresholds: ``fixed`` (the ``threshold`` value), ``set_once``
(tuned on the first model's validation rows to ``target_precision``, then never again — the
hand-set threshold) or ``retune`` (re-tuned on the validation rows at every retrain). On
``change_day`` the team adds ``added_features`` to the model.

A correction model (``upstream``) adds the upstream classifier's log-odds to its own (or, with
``upstream_as = "feature"``, re-weighs them): it answers once the upstream has answered the same
rows, and trains its first model once the upstream has published its scores of the history
(``<name>.history_scores``).

Each deploy records the weights, their change, the decisions that flip (``churn``, also in the
deploy's detail for monitors) and the threshold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base import MLSystem, TrainingParams
from sim.components.tabular.model import (
    Trained,
    balanced_mask,
    feature_groups,
    fit_parts,
    logit,
)
from sim.components.tabular.payloads import Decisions, HistoryScores, LabelledRows, Rows
from sim.components.tabular.thresholds import threshold_for_precision
from sim.core.errors import ConfigError
from sim.core.params import param, suggest, table
from sim.engine.component import Process, ProcessFactory
from sim.engine.signals import Signal, SignalBus
from sim.engine.wiring import Wiring

__all__ = ["Classifier", "ClassifierParams"]


@dataclass(frozen=True)
class ClassifierParams:
    """A classifier: what it reads, its model, threshold and training pipeline."""

    serves: str = param("world", doc="the tabular world it decides for")
    inputs: tuple[str, ...] = param(["world.history", "world.rows"], doc="signals it reads")
    features: tuple[str, ...] = param([], doc="features it uses (default: all)")
    model: Literal["logistic", "isolated_ensemble"] = param("logistic", doc="model structure")
    groups: tuple[tuple[str, ...], ...] = param([], doc="feature groups of the ensemble")
    l2: float = param(0.1, gt=0, doc="L2 penalty on the weights")
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
    training: TrainingParams = table(
        TrainingParams(every_days=7.0, window_days=28.0), doc="training pipeline"
    )


def _check_feature(name: str, known: list[str], path: str) -> None:
    """A ConfigError at ``path`` unless ``name`` is one of the world's features."""
    if name not in known:
        raise ConfigError(
            f"no feature {name!r}{suggest(name, known)} in the world; features: {', '.join(known)}",
            path=path,
        )


def _with_upstream(rows: LabelledRows, logits: np.ndarray) -> LabelledRows:
    """The rows with the upstream model's log-odds as one more feature."""
    return dataclasses.replace(rows, features={**rows.features, "upstream": logits})


class Classifier(MLSystem):
    """Decides for each row; learns from the labelled rows of past days."""

    kind = "classifier"
    Params = ClassifierParams
    output = "decisions"
    output_payload = Decisions
    request_payload = Rows
    model_: Trained | None

    def declare(self, bus: SignalBus) -> None:
        super().declare(bus)
        self.history_scores_signal = bus.produce(
            f"{self.name}.history_scores", self.name, HistoryScores
        )
        if self.params.upstream:
            up = self.params.upstream
            bus.declare_read(self.name, f"{up}.decisions", expects=Decisions)
            bus.declare_read(self.name, f"{up}.history_scores", expects=HistoryScores)

    def validate_wiring(self, wiring: Wiring) -> None:
        """Features, groups and added features name the world's features; the label is one the
        world draws; a correction model's upstream chain ends (no model corrects itself)."""
        super().validate_wiring(wiring)
        p = self.params
        world = wiring.components.get(p.serves)
        names = getattr(getattr(world, "params", None), "features", None)
        if isinstance(names, Mapping):
            known = list(names)
            for key, values in (("features", p.features), ("added_features", p.added_features)):
                for i, name in enumerate(values):
                    _check_feature(name, known, f"{key}[{i}]")
            for i, group in enumerate(p.groups):
                for j, name in enumerate(group):
                    _check_feature(name, known, f"groups[{i}][{j}]")
            labels = list(getattr(world.params, "labels", None) or {})  # type: ignore[union-attr]
            if p.label and p.label not in labels:
                raise ConfigError(
                    f"no related label {p.label!r}{suggest(p.label, labels)} in the world; "
                    f"labels: {', '.join(labels) or 'none'} ('' for the main label)",
                    path="label",
                )
        seen = [self.name]
        upstream = p.upstream
        while upstream:
            if upstream in seen:
                raise ConfigError(
                    f"the correction chain {' → '.join([*seen, upstream])} loops: a model "
                    "cannot correct itself",
                    path="upstream",
                )
            seen.append(upstream)
            other = wiring.components.get(upstream)
            upstream = getattr(getattr(other, "params", None), "upstream", "")

    def on_setup(self) -> None:
        rec = self.env.recorder
        rec.declare(
            "weight",
            "final",
            "the deployed model's weight of each feature",
            unit="logit per feature unit",
        )
        rec.declare(
            "weight_change",
            "total",
            "‖w_new − w_old‖ over the features, per deploy",
            unit="logit per feature unit",
            bounds=(0.0, None),
        )
        rec.declare(
            "churn",
            "total",
            "share of decisions that flip at a deploy",
            unit="share of decisions",
            bounds=(0.0, 1.0),
        )
        rec.declare("threshold", "final", "the deployed decision threshold", unit="score")
        self.threshold_ = self.params.threshold
        self._all_features: list[str] = []
        self._upstream_logits: dict[float, np.ndarray] = {}

    # -- the first model ------------------------------------------------------------------
    def initial_model(self) -> Trained | None:
        """Trained on the world's history; a correction model waits for its upstream's scores."""
        if self.params.upstream:
            return None
        return self._first_model(self._history())

    def more_processes(self) -> Iterable[ProcessFactory]:
        return (self._deploy_first_correction,) if self.params.upstream else ()

    def _deploy_first_correction(self) -> Process:
        scores = self.bus.get(f"{self.params.upstream}.history_scores")
        if not scores.version:
            yield scores.changed()
        history = _with_upstream(self._history(), logit(scores.read(by=self.name).scores))
        model = self._first_model(history)
        self.latest_version_ = 1
        self.install(model, 1)

    def _history(self) -> LabelledRows:
        rows: LabelledRows = self.bus.get(f"{self.params.serves}.history").read(by=self.name)
        return rows

    def _first_model(self, history: LabelledRows) -> Trained:
        trained = self._fit_rows([history], tune=self.params.threshold_mode != "fixed")
        scores = trained.model.score(history.features)
        self.history_scores_signal.publish(HistoryScores(scores), by=self.name)
        return trained

    # -- serving --------------------------------------------------------------------------
    def answer_trigger(self) -> Signal:
        """A correction model answers once its upstream has answered the same rows."""
        if self.params.upstream:
            return self.bus.get(f"{self.params.upstream}.decisions")
        return super().answer_trigger()

    def act(self, request: Rows) -> Decisions:
        assert self.model_ is not None, "a classifier serves from time 0 on"
        features = request.features
        if self.params.upstream:
            upstream: Decisions = self.bus.get(f"{self.params.upstream}.decisions").read(
                by=self.name
            )
            logits = logit(upstream.scores)
            self._upstream_logits[self.env.now] = logits
            features = {**features, "upstream": logits}
        scores = self.model_.model.score(features)
        target = None if self.params.threshold_mode == "fixed" else self.params.target_precision
        return Decisions(scores, scores >= self.threshold_, target, self.params.label)

    # -- training -------------------------------------------------------------------------
    def learning_inputs(self) -> tuple[str, ...]:
        """The labelled rows (the history is read once, for the first model)."""
        history = f"{self.params.serves}.history"
        return tuple(name for name in self.params.inputs if name != history)

    def select(self, signal: str, value: LabelledRows) -> Iterable[LabelledRows]:
        """The day's rows, with the upstream's log-odds of them for a correction model."""
        if self.params.upstream:
            return [_with_upstream(value, self._upstream_logits.pop(value.day))]
        return [value]

    def fit(self, window: list[LabelledRows]) -> Trained | None:
        if not window:
            return None
        return self._fit_rows(window, tune=self.params.threshold_mode == "retune")

    def retrain_detail(self, window: list[LabelledRows]) -> Mapping[str, Any]:
        return {"rows": int(sum(len(rows.labels) for rows in window))}

    def _features(self) -> tuple[str, ...]:
        p = self.params
        names = p.features or tuple(f for f in self._all_features if f != "upstream")
        if p.change_day and self.env.now >= p.change_day:
            names = tuple(dict.fromkeys([*names, *p.added_features]))
        if p.upstream and p.upstream_as == "feature":
            names = (*names, "upstream")
        return names

    def _fit_rows(self, days: list[LabelledRows], tune: bool) -> Trained:
        p = self.params
        features = {k: np.concatenate([d.features[k] for d in days]) for k in days[0].features}
        self._all_features = list(days[0].features)
        labels = np.concatenate([d.label(p.label) for d in days])
        held = self.rng.random(len(labels)) < p.validation_share
        if held.all():  # too few rows to hold any out: tune on the rows it trains on
            held[:] = False
        used = ~held
        if p.balance_classes:
            used &= balanced_mask(labels, self.rng)
        offset = "upstream" if p.upstream and p.upstream_as == "offset" else ""
        groups = feature_groups(p.model, self._features(), p.groups)
        train = {k: v[used] for k, v in features.items()}
        model = fit_parts(train, labels[used], groups, p.l2, offset)
        validation = {k: v[held] for k, v in features.items()}
        threshold = self.threshold_
        if tune:
            threshold = threshold_for_precision(
                model.score(validation), labels[held], p.target_precision
            )
        return Trained(model, threshold, validation)

    # -- deploying ------------------------------------------------------------------------
    def deploy(self, model: Trained) -> Mapping[str, Any]:
        """Serve ``model``; record its weights, their change, the churn and the threshold."""
        rec, now = self.env.recorder, self.env.now
        weights = model.model.weights()
        churn = 0.0
        if self.model_ is not None:
            churn, change = self._change(self.model_, model)
            rec.record(now, self.name, "churn", churn)
            rec.record(now, self.name, "weight_change", change)
        self.model_, self.threshold_ = model, model.threshold
        rec.record_entities(now, self.name, "weight", list(weights), list(weights.values()))
        rec.record(now, self.name, "threshold", model.threshold)
        return {"churn": round(churn, 6)}

    def _change(self, old: Trained, new: Trained) -> tuple[float, float]:
        """Share of the new model's validation rows whose decision flips, and ‖w_new − w_old‖."""
        rows = new.validation
        flipped = (old.model.score(rows) >= old.threshold) != (
            new.model.score(rows) >= new.threshold
        )
        before, after = old.model.weights(), new.model.weights()
        names = sorted(set(before) | set(after))
        change = np.linalg.norm([after.get(n, 0) - before.get(n, 0) for n in names])
        churn = float(flipped.mean()) if flipped.size else 0.0  # no validation rows: none flip
        return churn, float(change)
