"""The recorder: components append tidy rows of metrics and events; frames are built once.

Metric rows are ``(day, system, entity, metric, value)``; ``entity`` names a region, item,
group or feature where the metric is per entity, else it is empty. Each metric declares how a
replicate is summarised: its ``final`` value, its ``total`` over days, or its ``mean``, and
its unit and the range its values can take (figures label axes and clip bands with them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["EVENT_COLUMNS", "METRIC_COLUMNS", "Bounds", "MetricSpec", "Recorder"]

METRIC_COLUMNS = ["day", "system", "entity", "metric", "value"]
EVENT_COLUMNS = ["day", "system", "event", "detail"]
Aggregate = Literal["final", "total", "mean"]
Bounds = tuple[float | None, float | None]  # the range a metric's values can take (None: open)


@dataclass(frozen=True)
class MetricSpec:
    """What a metric means and how one replicate is summarised."""

    name: str
    aggregate: Aggregate
    description: str
    unit: str = ""
    bounds: Bounds = (None, None)


class Recorder:
    """Collects metric rows and events in plain lists; :meth:`metrics` builds the frame once."""

    def __init__(self) -> None:
        self._days: list[float] = []
        self._systems: list[str] = []
        self._entities: list[str] = []
        self._metrics: list[str] = []
        self._values: list[float] = []
        self._events: list[tuple[float, str, str, str]] = []
        self.specs: dict[str, MetricSpec] = {}

    def declare(
        self,
        name: str,
        aggregate: Aggregate,
        description: str,
        *,
        unit: str,
        bounds: Bounds = (None, None),
    ) -> None:
        """Declare metric ``name`` with its unit (``"share"``, ``"incidents"``…) and the range its
        values can take; declaring it again with another aggregate is an error."""
        low, high = bounds
        if low is not None and high is not None and low >= high:
            raise ValueError(f"metric {name!r}: bounds {bounds} are empty")
        if not unit:
            raise ValueError(f"metric {name!r} declared without a unit")
        spec = MetricSpec(name, aggregate, description, unit, bounds)
        if self.specs.setdefault(name, spec).aggregate != aggregate:
            raise ValueError(f"metric {name!r} declared with two aggregates")

    def record(self, day: float, system: str, metric: str, value: float, entity: str = "") -> None:
        """Append one row."""
        if metric not in self.specs:
            raise KeyError(f"metric {metric!r} was not declared")
        self._days.append(float(day))
        self._systems.append(system)
        self._entities.append(entity)
        self._metrics.append(metric)
        self._values.append(float(value))

    def record_entities(
        self, day: float, system: str, metric: str, entities: Iterable[str], values: Iterable[float]
    ) -> None:
        """Append one row per entity."""
        for entity, value in zip(entities, values, strict=True):
            self.record(day, system, metric, value, entity)

    def event(self, day: float, system: str, event: str, **detail: Any) -> None:
        """Append one event (a retrain, a deploy, an alert...) with JSON detail."""
        self._events.append((float(day), system, event, json.dumps(detail, sort_keys=True)))

    def metrics(self) -> pd.DataFrame:
        """The tidy metric frame."""
        return pd.DataFrame(
            {
                "day": np.asarray(self._days, dtype=float),
                "system": pd.Series(self._systems, dtype=str),
                "entity": pd.Series(self._entities, dtype=str),
                "metric": pd.Series(self._metrics, dtype=str),
                "value": np.asarray(self._values, dtype=float),
            },
            columns=METRIC_COLUMNS,
        )

    def events(self) -> pd.DataFrame:
        """The event frame."""
        frame = pd.DataFrame(self._events, columns=EVENT_COLUMNS)
        return frame.astype({"day": float, "system": str, "event": str, "detail": str})
