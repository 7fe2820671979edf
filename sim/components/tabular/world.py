"""The tabular world: rows of named features, a label caused by some of them, and drift.

The dynamics (features, labels, drift) are in :mod:`sim.components.tabular.dynamics`. Every
feature draws from its own stream, so adding or removing a feature changes no other feature's
values (common random numbers). A scale change is a pure change of measurement (the label does
not move), as when an upstream team changes units.

Before day 0 the world publishes ``history_days`` of labelled rows (``world.history``), on which
the classifiers train their first model. Each day it publishes the day's rows without labels
(``world.requests``, :class:`Rows`), waits for each serving classifier's decisions, scores every
server against the true labels — ``precision``, ``recall``, ``loss``, ``base_rate`` (and
``precision_gap`` against the precision the server targets) — and publishes the labelled rows
(``world.rows``). With ``compare_day`` each server's mean loss after that day minus before it is
recorded at the horizon (``loss_change_after_upgrade``), and with ``degraded_margin`` the days
from ``compare_day`` on whose loss exceeds the mean of the ``compare_days`` before by more than
the margin (``days_degraded``). With ``noise_sd > 0`` the label is linear and each server's
``squared_error`` is recorded instead of the classification metrics (and compared the same way).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.components.base import World
from sim.components.tabular.dynamics import (
    Drift,
    FeatureSpec,
    RelatedLabel,
    check_target,
    degraded_days,
    draw_rows,
    log_loss,
    loss_change,
    squared_error,
    total_shift,
)
from sim.components.tabular.payloads import Decisions, LabelledRows, Rows
from sim.core.errors import ConfigError
from sim.core.params import from_mapping, param
from sim.engine.signals import SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["Tabular", "TabularParams"]


@dataclass(frozen=True)
class TabularParams:
    """Rows per day, features, label and drift."""

    rows_per_day: int = param(2000, ge=1, doc="rows per day")
    history_days: int = param(28, ge=1, doc="days of labelled rows before day 0 (first models)")
    intercept: float = param(-1.0, ge=-1e6, le=1e6, doc="label log-odds at the latent means")
    compare_day: float = param(0.0, ge=0, doc="record each model's loss change around this day")
    compare_days: float = param(28.0, gt=0, doc="days before and after compare_day to average")
    noise_sd: float = param(
        0.0,
        ge=0,
        le=1e6,
        doc="0: Bernoulli labels; > 0: linear labels with this noise (squared_error)",
    )
    degraded_margin: float = param(
        0.0, ge=0, doc="count days after compare_day whose loss exceeds the mean before by this"
    )
    features: Any = None  # name -> FeatureSpec, in declaration order
    drift: Any = None  # name -> Drift
    labels: Any = None  # related problems: name -> RelatedLabel

    def names(self) -> list[str]:
        """Feature names in declaration order."""
        return list(self.features)


def _table(raw: Mapping[str, Any], key: str, path: str, what: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"expected a table of named {what}", path=f"{path}.{key}")
    return value


class Tabular(World):
    """Rows out, decisions in, labelled rows out."""

    kind = "tabular"
    Params = TabularParams
    answer = "decisions"
    request_payload = Rows
    answer_payload = Decisions

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> TabularParams:
        flat = {k: v for k, v in raw.items() if k not in ("features", "drift", "labels")}
        base = from_mapping(TabularParams, flat, path, ignore=("kind", "owner"))
        features_raw = raw.get("features")
        if not isinstance(features_raw, Mapping) or not features_raw:
            raise ConfigError("expected a table of named features", path=f"{path}.features")
        features: dict[str, FeatureSpec] = {}
        for name, spec in features_raw.items():
            feature = from_mapping(FeatureSpec, spec, f"{path}.features.{name}")
            if feature.parent and feature.parent not in features:
                raise ConfigError(
                    f"parent {feature.parent!r} must be a feature declared earlier; "
                    f"earlier: {', '.join(features) or 'none'}",
                    path=f"{path}.features.{name}.parent",
                )
            features[name] = feature
        drifts = {}
        for name, spec in _table(raw, "drift", path, "drifts").items():
            drift = from_mapping(Drift, spec, f"{path}.drift.{name}")
            check_target(drift.target, features, f"{path}.drift.{name}.target")
            drifts[name] = drift
        labels = {}
        for name, spec in _table(raw, "labels", path, "labels").items():
            label = from_mapping(RelatedLabel, spec, f"{path}.labels.{name}")
            for feature_name in label.weights:
                if feature_name not in features:
                    raise ConfigError(
                        f"unknown feature {feature_name!r}; features: {', '.join(features)}",
                        path=f"{path}.labels.{name}.weights.{feature_name}",
                    )
            labels[name] = label
        return dataclasses.replace(base, features=features, drift=drifts, labels=labels)

    def resource_needs(self, wiring: Wiring) -> Needs:
        """Rows of every feature and label: the history, and each day's rows kept in the logs."""
        p = self.params
        columns = len(p.features or ()) + len(p.labels or ()) + 2
        days = p.history_days + wiring.ticks
        return super().resource_needs(wiring) + Needs.arrays(
            (p.rows_per_day, columns, days), copies=2 + 2 * len(self.servers)
        )

    def declare(self, bus: SignalBus) -> None:
        self.declare_world(bus, ("rows", LabelledRows), ("history", LabelledRows))

    def on_setup(self) -> None:
        streams = self.env.streams
        self._streams = {n: streams.stream(f"{self.name}.{n}") for n in self.params.names()}
        self._label_stream = streams.stream(f"{self.name}.labels")
        self._related_streams = {
            n: streams.stream(f"{self.name}.labels.{n}") for n in self.params.labels
        }
        self._losses: dict[str, list[tuple[float, float]]] = {s: [] for s in self.servers}
        self._today: LabelledRows | None = None
        days = [self._draw(float(d)) for d in range(-self.params.history_days, 0)]
        self.publish(
            "history",
            LabelledRows(
                -1.0,
                {n: np.concatenate([d.features[n] for d in days]) for n in self.params.names()},
                np.concatenate([d.labels for d in days]),
                {n: np.concatenate([d.related[n] for d in days]) for n in days[0].related},
            ),
        )
        rec = self.env.recorder
        rec.declare(
            "precision",
            "mean",
            "share of positive decisions whose label is positive",
            unit="share of positive decisions that are right",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "recall",
            "mean",
            "share of positive labels decided positive",
            unit="share of positive labels caught",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "precision_gap",
            "mean",
            "realised precision minus the targeted precision",
            unit="precision − target",
            bounds=(-1.0, 1.0),
        )
        rec.declare(
            "loss",
            "mean",
            "log loss of the scores on the day's true labels",
            unit="log loss (nats)",
            bounds=(0.0, None),
        )
        rec.declare(
            "base_rate",
            "mean",
            "share of positive labels on the day",
            unit="share of labels",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "loss_change_after_upgrade",
            "final",
            "mean loss in the compare_days after compare_day minus in those before",
            unit="log loss (nats)",
        )
        if self.params.noise_sd > 0:
            rec.declare(
                "squared_error",
                "mean",
                "mean squared error of the predictions on the day's linear labels",
                unit="squared error (label units²)",
                bounds=(0.0, None),
            )
        if self.params.degraded_margin:
            rec.declare(
                "days_degraded",
                "final",
                "days from compare_day on whose loss exceeds the mean before by degraded_margin",
                unit="days",
                bounds=(0.0, None),
            )

    def value(self, path: str, day: float) -> float:
        """A drifting parameter's value on ``day`` (``intercept`` or ``features.NAME.FIELD``)."""
        if path == "intercept":
            base = self.params.intercept
        else:
            _, name, field = path.split(".")
            base = getattr(self.params.features[name], field)
        return float(base + total_shift(list(self.params.drift.values()), path, day))

    def _draw(self, day: float) -> LabelledRows:
        p = self.params
        return draw_rows(
            day,
            p.rows_per_day,
            p.features,
            lambda path: self.value(path, day),
            self._streams,
            self._label_stream,
            p.labels,
            self._related_streams,
            p.noise_sd,
        )

    # -- the tick's hooks -----------------------------------------------------------------
    def make_request(self) -> Rows:
        self._today = self._draw(self.env.now)
        return Rows(self._today.day, self._today.features)

    def resolve(self, request: Rows, answers: Sequence[Decisions]) -> None:
        rows = self._today
        assert rows is not None and rows.day == request.day
        for server, answer in zip(self.servers, answers, strict=True):
            self._score(server, answer, rows.label(answer.label))
        self.publish("rows", rows)

    def finish(self) -> None:
        p = self.params
        if not p.compare_day:
            return
        for server, losses in self._losses.items():
            change = loss_change(losses, p.compare_day, p.compare_days)
            if change is not None:
                self.env.recorder.record(self.env.now, server, "loss_change_after_upgrade", change)
            if p.degraded_margin:
                days = degraded_days(losses, p.compare_day, p.compare_days, p.degraded_margin)
                self.env.recorder.record(self.env.now, server, "days_degraded", days)

    def _score(self, server: str, answer: Decisions, labels: np.ndarray) -> None:
        rec, now = self.env.recorder, self.env.now
        if self.params.noise_sd > 0:
            error = squared_error(answer.scores, labels)
            rec.record(now, server, "squared_error", error)
            self._losses[server].append((now, error))
            return
        decided = answer.decisions.astype(bool)
        positives = labels.astype(bool)
        if decided.any():
            precision = float(positives[decided].mean())
            rec.record(now, server, "precision", precision)
            if answer.target_precision is not None:
                rec.record(now, server, "precision_gap", precision - answer.target_precision)
        if positives.any():
            rec.record(now, server, "recall", float(decided[positives].mean()))
        loss = log_loss(answer.scores, labels)
        rec.record(now, server, "loss", loss)
        self._losses[server].append((now, loss))
        rec.record(now, server, "base_rate", float(labels.mean()))
