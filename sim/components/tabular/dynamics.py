"""The tabular world's pure dynamics: features, labels, drift (no SimPy).

Each feature has a measurement ``x = mean + scale · s`` of a standardised latent value ``s``;
``s`` is either independent or correlated with an earlier feature (``parent``, ``correlation``
ρ: ``s = ρ · s_parent + √(1 − ρ²) · z``). The label is ``y ~ Bernoulli(σ(intercept + Σ weight ·
s))``: features with a weight *cause* the label, features with only a parent are merely
*correlated* with a cause. With ``noise_sd > 0`` the label is linear instead: ``y = intercept +
Σ weight · s + noise_sd · e`` (the textbook regression world). Related labels (other problems on
the same rows) have their own intercept and weights.

A drift adds to one parameter (named by a key path inside the world, e.g. ``features.x1.mean``
or ``intercept``): ``abrupt`` jumps by ``amount`` at ``start_day`` (a drifting ``correlation``
is held in [−1, 1]); ``gradual`` ramps linearly from 0 at ``start_day`` to ``amount`` at
``end_day`` and stays; ``seasonal`` oscillates as ``amount · sin(2π (t − start_day) /
period_days)`` from ``start_day`` on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.special import expit

from sim.components.tabular.payloads import LabelledRows
from sim.core.errors import ConfigError
from sim.core.params import param

__all__ = [
    "DRIFTING_FIELDS",
    "Drift",
    "FeatureSpec",
    "RelatedLabel",
    "check_target",
    "degraded_days",
    "draw_rows",
    "log_loss",
    "loss_change",
    "squared_error",
    "total_shift",
]

DRIFTING_FIELDS = ("mean", "scale", "weight", "correlation")


@dataclass(frozen=True)
class FeatureSpec:
    """One feature: its measurement, its correlation with an earlier feature, its causal weight."""

    mean: float = param(0.0, ge=-1e6, le=1e6, doc="mean of the measurement")
    scale: float = param(1.0, gt=0, le=1e6, doc="scale of the measurement")
    parent: str = param("", doc="an earlier feature this one is correlated with")
    correlation: float = param(0.0, ge=-1, le=1, doc="ρ with the parent's latent value")
    weight: float = param(
        0.0, ge=-1e6, le=1e6, doc="effect of the latent value on the label's log-odds"
    )


@dataclass(frozen=True)
class RelatedLabel:
    """Another label on the same rows (a related problem): its own intercept and weights."""

    intercept: float = param(-1.0, ge=-1e6, le=1e6, doc="log-odds at the latent means")
    weights: Any = None  # feature name -> weight on its latent value

    def __post_init__(self) -> None:
        if not isinstance(self.weights, Mapping) or not all(
            isinstance(w, (int, float)) and not isinstance(w, bool) for w in self.weights.values()
        ):
            raise ConfigError("expected a table of feature = weight", path="weights")
        for name, weight in self.weights.items():
            if not -1e6 <= weight <= 1e6:  # NaN fails too
                raise ConfigError(
                    f"got {weight!r}; must be >= -1e6 and <= 1e6", path=f"weights.{name}"
                )


@dataclass(frozen=True)
class Drift:
    """One drift of one world parameter."""

    target: str = param("", doc="key path of the parameter in the world, e.g. features.x1.mean")
    kind: Literal["abrupt", "gradual", "seasonal"] = param("gradual", doc="shape over time")
    amount: float = param(0.0, ge=-1e6, le=1e6, doc="size of the shift (amplitude for seasonal)")
    start_day: float = param(0.0, ge=0, doc="when it starts")
    end_day: float = param(0.0, ge=0, doc="when a gradual drift reaches its full amount")
    period_days: float = param(7.0, gt=0, doc="period of a seasonal drift")

    def __post_init__(self) -> None:
        if not self.target:
            raise ConfigError("a drift needs a target (e.g. features.x1.mean)", path="target")
        if self.kind == "gradual" and self.end_day <= self.start_day:
            raise ConfigError("a gradual drift needs end_day > start_day", path="end_day")

    def shift(self, day: float) -> float:
        """How far the target has moved on ``day``."""
        if day < self.start_day:
            return 0.0
        if self.kind == "abrupt":
            return self.amount
        if self.kind == "gradual":
            return self.amount * min(1.0, (day - self.start_day) / (self.end_day - self.start_day))
        return self.amount * math.sin(2 * math.pi * (day - self.start_day) / self.period_days)


def total_shift(drifts: list[Drift], target: str, day: float) -> float:
    """The summed shift of every drift on ``target``."""
    return sum(d.shift(day) for d in drifts if d.target == target)


def check_target(target: str, features: Mapping[str, FeatureSpec], path: str) -> None:
    """Refuse, with a located ConfigError, a drift target that is no parameter of the world."""
    if target == "intercept":
        return
    parts = target.split(".")
    if (
        len(parts) != 3
        or parts[0] != "features"
        or parts[1] not in features
        or parts[2] not in DRIFTING_FIELDS
    ):
        raise ConfigError(
            f"{target!r} is not a drifting parameter; allowed: intercept, "
            f"features.<name>.<{'|'.join(DRIFTING_FIELDS)}> with name in {', '.join(features)}",
            path=path,
        )


def draw_rows(
    day: float,
    n: int,
    features: Mapping[str, FeatureSpec],
    value: Callable[[str], float],
    streams: Mapping[str, np.random.Generator],
    label_stream: np.random.Generator,
    related: Mapping[str, RelatedLabel],
    related_streams: Mapping[str, np.random.Generator],
    noise_sd: float = 0.0,
) -> LabelledRows:
    """``n`` rows of ``day``: each feature from its own stream, labels from theirs (Bernoulli;
    with ``noise_sd > 0`` the main label is linear: ``y = intercept + Σ weight · s + noise_sd ·
    e``, e standard normal).

    ``value(path)`` is a drifting parameter's value on the day (``intercept`` or
    ``features.NAME.FIELD``).
    """
    latent: dict[str, np.ndarray] = {}
    measured: dict[str, np.ndarray] = {}
    logit = np.full(n, value("intercept"))
    for name, spec in features.items():
        z = streams[name].standard_normal(n)
        if spec.parent:
            rho = min(1.0, max(-1.0, value(f"features.{name}.correlation")))
            z = rho * latent[spec.parent] + np.sqrt(1 - rho**2) * z
        latent[name] = z
        measured[name] = value(f"features.{name}.mean") + value(f"features.{name}.scale") * z
        logit += value(f"features.{name}.weight") * z
    if noise_sd > 0:  # a linear label: y = intercept + Σ weight · s + noise_sd · e
        labels = logit + noise_sd * label_stream.standard_normal(n)
    else:
        labels = (label_stream.random(n) < expit(logit)).astype(float)
    other = {}
    for name, label in related.items():
        related_logit = label.intercept + sum(w * latent[f] for f, w in label.weights.items())
        draws = related_streams[name].random(n)
        other[name] = (draws < expit(related_logit)).astype(float)
    return LabelledRows(day, measured, labels, other)


def log_loss(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mean log loss of ``scores`` on 0/1 ``labels`` (scores clipped away from 0 and 1)."""
    p = np.clip(scores, 1e-12, 1 - 1e-12)
    return float(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)).mean())


def loss_change(losses: list[tuple[float, float]], day: float, span: float) -> float | None:
    """Mean loss in ``[day, day + span)`` minus in ``[day − span, day)`` (None if one is empty)."""
    before = [v for d, v in losses if day - span <= d < day]
    after = [v for d, v in losses if day <= d < day + span]
    return float(np.mean(after) - np.mean(before)) if before and after else None


def degraded_days(losses: list[tuple[float, float]], day: float, span: float, margin: float) -> int:
    """Days from ``day`` on whose loss exceeds the mean loss of ``[day − span, day)`` by more
    than ``margin`` (0 if no day before)."""
    before = [v for d, v in losses if day - span <= d < day]
    if not before:
        return 0
    reference = float(np.mean(before))
    return sum(1 for d, v in losses if d >= day and v > reference + margin)


def squared_error(predictions: np.ndarray, labels: np.ndarray) -> float:
    """Mean squared error of ``predictions`` on real-valued ``labels``."""
    return float(np.mean((np.asarray(predictions) - labels) ** 2))
