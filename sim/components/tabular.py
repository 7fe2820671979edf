"""The tabular world: rows of named features, a label caused by some of them, and drift.

Each feature has a measurement ``x = mean + scale · s`` of a standardised latent value ``s``;
``s`` is either independent or correlated with an earlier feature (``parent``, ``correlation``
ρ: ``s = ρ · s_parent + √(1 − ρ²) · z``). The label is ``y ~ Bernoulli(σ(intercept + Σ weight ·
s))``: features with a weight *cause* the label, features with only a parent are merely
*correlated* with a cause. A scale change is therefore a pure change of measurement (the label
does not move), as when an upstream team changes units. Drift processes move any ``mean``,
``scale``, ``weight`` or the ``intercept`` over time. Every feature draws from its own stream, so
adding or removing a feature changes no other feature's values (common random numbers).

Each day the world publishes the day's rows (``world.requests``), waits for each serving
classifier's decisions, publishes the labelled rows (``world.rows``) and scores every server
against the true labels: ``precision``, ``recall``, ``loss`` (and ``precision_gap`` against the
precision the server targets).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit

from sim.components.base.legacy import World
from sim.components.drift import Drift, total_shift
from sim.core.errors import ConfigError
from sim.core.params import from_mapping, param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus

__all__ = [
    "Decisions",
    "FeatureSpec",
    "LabelledRows",
    "RelatedLabel",
    "Tabular",
    "TabularParams",
]


@dataclass(frozen=True)
class FeatureSpec:
    """One feature: its measurement, its correlation with an earlier feature, its causal weight."""

    mean: float = param(0.0, doc="mean of the measurement")
    scale: float = param(1.0, gt=0, doc="scale of the measurement")
    parent: str = param("", doc="an earlier feature this one is correlated with")
    correlation: float = param(0.0, ge=-1, le=1, doc="ρ with the parent's latent value")
    weight: float = param(0.0, doc="effect of the latent value on the label's log-odds")


@dataclass(frozen=True)
class RelatedLabel:
    """Another label on the same rows (a related problem): its own intercept and weights."""

    intercept: float = param(-1.0, doc="log-odds at the latent means")
    weights: Any = None  # feature name -> weight on its latent value

    def __post_init__(self) -> None:
        if not isinstance(self.weights, Mapping) or not all(
            isinstance(w, (int, float)) and not isinstance(w, bool) for w in self.weights.values()
        ):
            raise ConfigError("expected a table of feature = weight", path="weights")


@dataclass(frozen=True)
class TabularParams:
    """Rows per day, features, label and drift."""

    rows_per_day: int = param(2000, ge=1, doc="rows per day")
    history_days: int = param(28, ge=0, doc="days of labelled rows before day 0")
    intercept: float = param(-1.0, doc="label log-odds at the latent means")
    compare_day: float = param(0.0, ge=0, doc="record each model's loss change around this day")
    compare_days: float = param(28.0, gt=0, doc="days before and after compare_day to average")
    features: Any = None
    drift: Any = None
    labels: Any = None  # related problems: name -> RelatedLabel

    def names(self) -> list[str]:
        """Feature names in declaration order."""
        return list(self.features)


@dataclass(frozen=True)
class LabelledRows:
    """A batch of rows with their labels."""

    day: float
    features: dict[str, np.ndarray]
    labels: np.ndarray
    related: dict[str, np.ndarray] = field(default_factory=dict)

    def label(self, name: str = "") -> np.ndarray:
        """The main label (``""``) or a related one."""
        return self.related[name] if name else self.labels


@dataclass(frozen=True)
class Decisions:
    """A classifier's answer: a score per row, the decisions, and the precision it targets."""

    scores: np.ndarray
    decisions: np.ndarray
    target_precision: float | None = None
    label: str = ""  # the problem the scores are for ("" = the main label)


class Tabular(World):
    """Rows out, decisions in, labelled rows out."""

    kind = "tabular"
    Params = TabularParams

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> TabularParams:
        flat = {k: v for k, v in raw.items() if k not in ("features", "drift")}
        base = from_mapping(TabularParams, flat, path, ignore=("kind", "owner"))
        features_raw = raw.get("features")
        if not isinstance(features_raw, Mapping) or not features_raw:
            raise ConfigError("expected a table of named features", path=f"{path}.features")
        features = {}
        for name, spec in features_raw.items():
            feature = from_mapping(FeatureSpec, spec, f"{path}.features.{name}")
            if feature.parent and feature.parent not in features:
                raise ConfigError(
                    f"parent {feature.parent!r} must be a feature declared earlier; "
                    f"earlier: {', '.join(features) or 'none'}",
                    path=f"{path}.features.{name}.parent",
                )
            features[name] = feature
        drift_raw = raw.get("drift", {})
        if not isinstance(drift_raw, Mapping):
            raise ConfigError("expected a table of named drifts", path=f"{path}.drift")
        drifts = {}
        for name, spec in drift_raw.items():
            drift = from_mapping(Drift, spec, f"{path}.drift.{name}")
            _check_target(drift.target, features, f"{path}.drift.{name}.target")
            drifts[name] = drift
        labels_raw = raw.get("labels", {})
        if not isinstance(labels_raw, Mapping):
            raise ConfigError("expected a table of named labels", path=f"{path}.labels")
        labels = {}
        for name, spec in labels_raw.items():
            label = from_mapping(RelatedLabel, spec, f"{path}.labels.{name}")
            for feature in label.weights:
                if feature not in features:
                    raise ConfigError(
                        f"unknown feature {feature!r}; features: {', '.join(features)}",
                        path=f"{path}.labels.{name}.weights.{feature}",
                    )
            labels[name] = label
        return TabularParams(
            base.rows_per_day,
            base.history_days,
            base.intercept,
            base.compare_day,
            base.compare_days,
            features,
            drifts,
            labels,
        )

    def declare(self, bus: SignalBus) -> None:
        self.requests_signal = bus.produce(f"{self.name}.requests", self.name)
        self.rows_signal = bus.produce(f"{self.name}.rows", self.name)
        self.history_signal = bus.produce(f"{self.name}.history", self.name)
        self.declare_answers(bus, "decisions")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        self._streams = {n: env.streams.stream(f"{self.name}.{n}") for n in self.params.names()}
        self._label_stream = env.streams.stream(f"{self.name}.labels")
        self._related_streams = {
            n: env.streams.stream(f"{self.name}.labels.{n}") for n in (self.params.labels or {})
        }
        self._losses: dict[str, list[tuple[float, float]]] = {s: [] for s in self.servers}
        days = [self._draw(float(d)) for d in range(-self.params.history_days, 0)]
        if days:
            history = LabelledRows(
                -1.0,
                {n: np.concatenate([d.features[n] for d in days]) for n in self.params.names()},
                np.concatenate([d.labels for d in days]),
                {n: np.concatenate([d.related[n] for d in days]) for n in days[0].related},
            )
            self.history_signal.publish(history, by=self.name)
        rec = env.recorder
        rec.declare("precision", "mean", "share of positive decisions whose label is positive")
        rec.declare("recall", "mean", "share of positive labels decided positive")
        rec.declare("precision_gap", "mean", "realised precision minus the targeted precision")
        rec.declare("loss", "mean", "log loss of the scores on the day's true labels")
        rec.declare("base_rate", "mean", "share of positive labels on the day")
        rec.declare(
            "loss_change_after_upgrade",
            "final",
            "mean loss in the compare_days after compare_day minus in those before",
        )

    def value(self, path: str, day: float) -> float:
        """A drifting parameter's value on ``day`` (``intercept`` or ``features.NAME.FIELD``)."""
        if path == "intercept":
            base = self.params.intercept
        else:
            _, name, field = path.split(".")
            base = getattr(self.params.features[name], field)
        return base + total_shift(list(self.params.drift.values()), path, day)

    def _draw(self, day: float) -> LabelledRows:
        n = self.params.rows_per_day
        latent: dict[str, np.ndarray] = {}
        measured: dict[str, np.ndarray] = {}
        logit = np.full(n, self.value("intercept", day))
        for name, spec in self.params.features.items():
            z = self._streams[name].standard_normal(n)
            if spec.parent:
                rho = spec.correlation
                z = rho * latent[spec.parent] + np.sqrt(1 - rho**2) * z
            latent[name] = z
            mean = self.value(f"features.{name}.mean", day)
            scale = self.value(f"features.{name}.scale", day)
            measured[name] = mean + scale * z
            logit += self.value(f"features.{name}.weight", day) * z
        labels = (self._label_stream.random(n) < expit(logit)).astype(float)
        related = {}
        for name, spec in (self.params.labels or {}).items():
            related_logit = spec.intercept + sum(w * latent[f] for f, w in spec.weights.items())
            draws = self._related_streams[name].random(n)
            related[name] = (draws < expit(related_logit)).astype(float)
        return LabelledRows(day, measured, labels, related)

    def start(self) -> None:
        self.env.process(self._days())

    def _days(self) -> Process:
        env = self.env
        signals = self.answer_signals("decisions")
        yield env.timeout(0)
        while True:
            rows = self._draw(env.now)
            answers = yield from self.ask(self.requests_signal, rows.features, signals)
            for server, answer in zip(self.servers, answers, strict=True):
                self._score(server, answer, rows.label(answer.label))
            self.rows_signal.publish(rows, by=self.name)
            yield env.timeout(env.tick_days)

    def finish(self) -> None:
        p = self.params
        if not p.compare_day:
            return
        for server, losses in self._losses.items():
            change = _loss_change(losses, p.compare_day, p.compare_days)
            if change is not None:
                self.env.recorder.record(self.env.now, server, "loss_change_after_upgrade", change)

    def _score(self, server: str, answer: Decisions, labels: np.ndarray) -> None:
        rec, now = self.env.recorder, self.env.now
        decided = answer.decisions.astype(bool)
        positives = labels.astype(bool)
        if decided.any():
            precision = float(positives[decided].mean())
            rec.record(now, server, "precision", precision)
            if answer.target_precision is not None:
                rec.record(now, server, "precision_gap", precision - answer.target_precision)
        if positives.any():
            rec.record(now, server, "recall", float(decided[positives].mean()))
        p = np.clip(answer.scores, 1e-12, 1 - 1e-12)
        loss = -(labels * np.log(p) + (1 - labels) * np.log(1 - p)).mean()
        rec.record(now, server, "loss", float(loss))
        self._losses[server].append((now, float(loss)))
        rec.record(now, server, "base_rate", float(labels.mean()))


def _loss_change(losses: list[tuple[float, float]], day: float, span: float) -> float | None:
    before = [v for d, v in losses if day - span <= d < day]
    after = [v for d, v in losses if day <= d < day + span]
    return float(np.mean(after) - np.mean(before)) if before and after else None


def _check_target(target: str, features: Mapping[str, FeatureSpec], path: str) -> None:
    if target == "intercept":
        return
    parts = target.split(".")
    fields = ("mean", "scale", "weight")
    if (
        len(parts) != 3
        or parts[0] != "features"
        or parts[1] not in features
        or parts[2] not in fields
    ):
        raise ConfigError(
            f"{target!r} is not a drifting parameter; allowed: intercept, "
            f"features.<name>.<{'|'.join(fields)}> with name in {', '.join(features)}",
            path=path,
        )
