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
``change_day`` the team adds ``added_features`` to the model (and, with
``balance_from_change``, starts training class-balanced: a recalibration of its scores).

A correction model (``upstream``) adds the upstream classifier's log-odds to its own (or, with
``upstream_as = "feature"``, re-weighs them): it answers once the upstream has answered the same
rows, and trains its first model once the upstream has published its scores of the history
(``<name>.history_scores``).

Each deploy records the weights, their change, the decisions that flip (``churn``, also in the
deploy's detail for monitors) and the threshold.

Scores as a product (:mod:`sim.components.tabular.releases`): with ``publish_scores = N`` the
classifier also publishes ``<name>.scores``, a versioned signal keeping N releases (model
versions: the champion it serves and the newest others — a candidate waiting out
``deploy_latency_days`` is published as a release before it serves), open to anyone or, with
``scores_access = "declared"``, to declared consumers only. A consumer reads them as a feature
with ``upstream_ref`` (``latest``, ``champion``, a release number, or ``pinned``: the release its
deployed model was trained on), declared or not (``upstream_declared``). A consumer that is
release-aware (pinned, or ``upgrade = "on_release"``: subscribed to the upstream's releases)
logs every release's scores and trains each candidate on one release — the newest with
``upgrade_after_days`` days of rows — and a subscribed one retrains as soon as a new release has
them (at the start of the next day, when the day's rows are in its window).
"""

from __future__ import annotations

import dataclasses
import math
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
from sim.components.tabular.payloads import Decisions, HistoryScores, LabelledRows, Rows, Scores
from sim.components.tabular.releases import (
    RELEASE_PREFIX,
    kept_releases,
    release_days,
    rows_for_release,
    target_release,
)
from sim.components.tabular.thresholds import threshold_for_precision
from sim.components.tabular.validation import ValidationParams, failures, reference_of
from sim.components.tabular.world_checks import check_features, check_label
from sim.core.errors import ConfigError
from sim.core.params import param, table
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
    negative_keep: tuple[float, ...] = param(
        [],
        doc="share of negatives kept in training, per model version in turn (cycling; "
        "empty: all): a re-tuned down-sampling rate moves the scores' scale",
    )
    balance_from_change: bool = param(
        False, doc="from change_day on, train class-balanced (the scores' scale moves)"
    )
    publish_scores: int = param(
        0, ge=0, doc="publish <name>.scores keeping this many releases (0: not published)"
    )
    scores_access: Literal["open", "declared"] = param(
        "open", doc="who may read <name>.scores: anyone, or declared consumers (access control)"
    )
    upstream_ref: str = param(
        "",
        doc="read the upstream's scores@REF (latest, champion, a release, pinned) as a feature "
        "instead of its decisions ('' = its decisions)",
    )
    upstream_declared: bool = param(True, doc="declare the read of the upstream (false: hidden)")
    upgrade: Literal["scheduled", "on_release"] = param(
        "scheduled",
        doc="move to a new upstream release at scheduled retrains, or retrain on each release "
        "(subscribed)",
    )
    upgrade_after_days: float = param(
        7.0, gt=0, doc="days of rows scored by a new upstream release needed to train on it"
    )
    training: TrainingParams = table(
        TrainingParams(every_days=7.0, window_days=28.0), doc="training pipeline"
    )
    validation: ValidationParams = table(
        ValidationParams(), doc="expectations checked on each batch before serving and training"
    )

    def __post_init__(self) -> None:
        if not all(0 < share <= 1 for share in self.negative_keep):
            raise ConfigError("each share of negatives kept is in (0, 1]", path="negative_keep")


def _zero_filled(features: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The features with nulls filled with zeros (the same dict's arrays if there are none)."""
    return {k: np.nan_to_num(v, nan=0.0) if np.isnan(v).any() else v for k, v in features.items()}


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
        p = self.params
        if p.publish_scores:
            self.scores_signal = bus.produce(
                f"{self.name}.scores", self.name, Scores, p.publish_scores, p.scores_access
            )
        if p.upstream:
            up, declared = p.upstream, p.upstream_declared
            if p.upstream_ref:
                ref = "1" if p.upstream_ref == "pinned" else p.upstream_ref
                bus.declare_read(self.name, f"{up}.scores@{ref}", declared, expects=Scores)
            else:
                bus.declare_read(self.name, f"{up}.decisions", declared, expects=Decisions)
            bus.declare_read(self.name, f"{up}.history_scores", declared, expects=HistoryScores)

    def release_aware(self) -> bool:
        """Whether it trains each model on one upstream release (pinned or subscribed)."""
        p = self.params
        return bool(p.upstream_ref) and (p.upstream_ref == "pinned" or p.upgrade == "on_release")

    def validate_wiring(self, wiring: Wiring) -> None:
        """Features, groups and added features name the world's features; the label is one the
        world draws; a correction model's upstream chain ends (no model corrects itself)."""
        super().validate_wiring(wiring)
        p = self.params
        world = wiring.components.get(p.serves)
        check_features(world, p.features, "features")
        check_features(world, p.added_features, "added_features")
        for i, group in enumerate(p.groups):
            check_features(world, group, f"groups[{i}]")
        check_label(world, p.label, "label")
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
        self._releases: dict[int, Trained] = {}  # versions whose scores it can publish
        self._upstream_releases: dict[float, dict[int, np.ndarray]] = {}
        self._release_rows: dict[int, int] = {}  # days logged per upstream release
        self.pin_ = 1  # the upstream release the deployed model was trained on
        self._upgrading = 0
        self._reference: dict[str, Any] = {}  # feature → its reference statistics
        if self.params.validation.enabled:
            rec.declare(
                "quarantined",
                "mean",
                "share of the day's batches that failed validation (quarantined)",
                unit="share of batches",
                bounds=(0.0, 1.0),
            )

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
        model = dataclasses.replace(self._first_model(history), release=1)
        self.latest_version_ = 1
        self.install(model, 1)

    def _history(self) -> LabelledRows:
        rows: LabelledRows = self.bus.get(f"{self.params.serves}.history").read(by=self.name)
        return rows

    def _first_model(self, history: LabelledRows) -> Trained:
        trained = self._fit_rows([history], tune=self.params.threshold_mode != "fixed")
        scores = trained.model.score(history.features)
        self.history_scores_signal.publish(HistoryScores(scores), by=self.name)
        self._releases[1] = trained
        if self.params.validation.enabled:
            self._reference = reference_of({n: history.features[n] for n in self._checked()})
        return trained

    # -- serving --------------------------------------------------------------------------
    def answer_trigger(self) -> Signal:
        """A correction model answers once its upstream has answered the same rows."""
        if self.params.upstream:
            output = "scores" if self.params.upstream_ref else "decisions"
            return self.bus.get(f"{self.params.upstream}.{output}")
        return super().answer_trigger()

    def act(self, request: Rows) -> Decisions:
        assert self.model_ is not None, "a classifier serves from time 0 on"
        features = self._validated(request)
        if self.params.upstream:
            logits = self._read_upstream()
            self._upstream_logits[self.env.now] = logits
            features = {**features, "upstream": logits}
        scores = self.model_.model.score(features)
        if self.params.publish_scores:
            self._publish_scores(features, scores)
        target = None if self.params.threshold_mode == "fixed" else self.params.target_precision
        return Decisions(scores, scores >= self.threshold_, target, self.params.label)

    def _checked(self) -> tuple[str, ...]:
        """The input features validation checks (the model's own, not an upstream's)."""
        return tuple(n for n in self._features() if n != "upstream")

    def _validated(self, request: Rows) -> dict[str, np.ndarray]:
        """Today's features. Validation on: a failing feature is served at its reference mean
        (only its nulls, if missing values are all that fails). Off: nulls filled with zeros
        (the naive pipeline)."""
        if not self.params.validation.enabled:
            return _zero_filled(request.features)
        failed = self._failures(request.features, "serving")
        self.env.recorder.record(self.env.now, self.name, "quarantined", float(bool(failed)))
        imputed = {}
        for name, what in failed.items():
            values, mean = request.features[name], self._reference[name].mean
            if all(w.startswith("null share") for w in what):  # only missing: fill the gaps
                imputed[name] = np.where(np.isnan(values), mean, values)
            else:  # the values themselves are wrong: serve the expected value
                imputed[name] = np.full(len(values), mean)
        return _zero_filled({**request.features, **imputed})

    def _failures(self, features: Mapping[str, np.ndarray], stage: str) -> dict[str, list[str]]:
        """The features failing validation, with what fails; a failure records a ``quarantine``
        event."""
        found = failures(features, self._reference, self.params.validation)
        if found:
            self.env.recorder.event(
                self.env.now, self.name, "quarantine", stage=stage, failures=[w for _, w in found]
            )
        out: dict[str, list[str]] = {}
        for name, what in found:
            out.setdefault(name, []).append(what)
        return out

    def _read_upstream(self) -> np.ndarray:
        """The upstream's log-odds of today's rows: its decisions, or a release of its scores
        (a release-aware consumer also keeps every release's, to train on one later)."""
        p = self.params
        if not p.upstream_ref:
            decisions: Decisions = self.bus.get(f"{p.upstream}.decisions").read(by=self.name)
            return logit(decisions.scores)
        signal = self.bus.get(f"{p.upstream}.scores")
        ref = str(self.pin_) if p.upstream_ref == "pinned" else p.upstream_ref
        served: Scores = signal.read(by=self.name, ref=ref)
        if self.release_aware():
            self._upstream_releases[self.env.now] = {
                r: logit(v.scores) for r, v in signal.read_releases(by=self.name).items()
            }
        return logit(served.scores)

    def _publish_scores(self, features: Mapping[str, np.ndarray], served: np.ndarray) -> None:
        """Publish the kept releases' scores of today's rows; ``champion`` is the served one."""
        kept = kept_releases(self._releases, self.version_, self.params.publish_scores)
        for old in [v for v in self._releases if v < kept[0]]:
            del self._releases[old]
        values = {
            r: Scores(served if r == self.version_ else self._releases[r].model.score(features))
            for r in kept
        }
        self.scores_signal.publish_releases(
            values, by=self.name, aliases={"champion": self.version_}
        )

    # -- training -------------------------------------------------------------------------
    def learning_inputs(self) -> tuple[str, ...]:
        """The labelled rows (the history is read once, for the first model)."""
        history = f"{self.params.serves}.history"
        return tuple(name for name in self.params.inputs if name != history)

    def select(self, signal: str, value: LabelledRows) -> Iterable[LabelledRows]:
        """The day's rows, with the upstream's log-odds of them for a correction model; a batch
        that fails validation is quarantined (never logged)."""
        if self.params.validation.enabled and self._failures(value.features, "training"):
            self._upstream_logits.pop(value.day, None)
            self._upstream_releases.pop(value.day, None)
            return []
        if self.params.upstream:
            rows = _with_upstream(value, self._upstream_logits.pop(value.day))
            releases = self._upstream_releases.pop(value.day, {})
            if releases:
                extra = {f"{RELEASE_PREFIX}{r}": v for r, v in releases.items()}
                rows = dataclasses.replace(rows, features={**rows.features, **extra})
            return [rows]
        return [value]

    def on_logged(self, outcome: LabelledRows) -> None:
        """A subscribed consumer retrains once a new upstream release has enough days of rows."""
        if self.params.upgrade != "on_release" or not self.release_aware():
            return
        for release in release_days([outcome]):
            self._release_rows[release] = self._release_rows.get(release, 0) + 1
        newest = max(self._release_rows, default=0)
        ready = self._release_rows.get(newest, 0) >= self.params.upgrade_after_days
        if ready and newest > max(self.pin_, self._upgrading):
            self._upgrading = newest
            self.env.process(self._upgrade())

    def _upgrade(self) -> Process:
        """Retrain at the start of the next day, when today's rows are in the window."""
        yield self.env.urgent_timeout(math.floor(self.env.now) + 1 - self.env.now)
        yield from self._retrain()

    def fit(self, window: list[LabelledRows]) -> Trained | None:
        if not window:
            return None
        tune = self.params.threshold_mode == "retune"
        if self.release_aware():
            release = target_release(
                release_days(window), self.pin_, self.params.upgrade_after_days
            )
            rows = rows_for_release(window, release)
            if not rows:
                return None
            candidate = dataclasses.replace(self._fit_rows(rows, tune), release=release)
        else:
            candidate = self._fit_rows(window, tune)
        if self.params.publish_scores:
            self._releases[self.latest_version_ + 1] = candidate  # the version it will be
        return candidate

    def retrain_detail(self, window: list[LabelledRows]) -> Mapping[str, Any]:
        detail: dict[str, Any] = {"rows": int(sum(len(rows.labels) for rows in window))}
        if self.release_aware():
            detail["upstream_release"] = target_release(
                release_days(window), self.pin_, self.params.upgrade_after_days
            )
        return detail

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
        features = _zero_filled(
            {k: np.concatenate([d.features[k] for d in days]) for k in days[0].features}
        )
        self._all_features = list(days[0].features)
        labels = np.concatenate([d.label(p.label) for d in days])
        held = self.rng.random(len(labels)) < p.validation_share
        if held.all():  # too few rows to hold any out: tune on the rows it trains on
            held[:] = False
        used = ~held
        changed = bool(p.change_day) and self.env.now >= p.change_day
        if p.balance_classes or (p.balance_from_change and changed):
            used &= balanced_mask(labels, self.rng)
        if p.negative_keep:
            share = p.negative_keep[self.latest_version_ % len(p.negative_keep)]
            used &= (labels > 0.5) | (self.rng.random(len(labels)) < share)
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
        if model.release:
            self.pin_ = model.release
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
