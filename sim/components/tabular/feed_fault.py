"""The feed fault: bad data in one feature of the tabular world's feed.

While active, the feature's values in every batch the world publishes — the day's rows served
(``<world>.requests``) and the labelled rows trained on (``<world>.rows``) alike — are changed:

- ``unit``: multiplied by ``factor`` (an upstream unit change);
- ``nulls``: a share ``null_share`` of rows become NaN (an upstream outage; the same rows in the
  served and the labelled batch of a day);
- ``frozen``: every row holds the first value the feed had when it froze (a stuck pipeline).

The label does not change: only what the models see. Nulls are drawn from the injector's own
stream.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base import Injector
from sim.components.tabular.payloads import LabelledRows, Rows
from sim.components.tabular.world_checks import check_feature
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.signals import Fault, SignalBus
from sim.engine.wiring import Wiring

__all__ = ["FeedFault", "FeedFaultParams"]


@dataclass(frozen=True)
class FeedFaultParams:
    """Which feature goes bad, how, and when."""

    world: str = param("world", doc="the tabular world whose feed goes bad")
    feature: str = param("", doc="the feature whose values go bad")
    mode: Literal["unit", "nulls", "frozen"] = param("unit", doc="unit change, nulls or frozen")
    factor: float = param(10.0, doc="unit: the multiplier")
    null_share: float = param(0.5, gt=0, le=1, doc="nulls: the share of rows that are NaN")
    at_days: tuple[float, ...] = param([], ge=0, doc="days on which the fault starts")
    rate_per_day: float = param(0.0, ge=0, doc="rate of faults at random times (0: none)")
    duration_days: float = param(0.0, ge=0, doc="how long each fault lasts (0: for good)")

    def __post_init__(self) -> None:
        if not self.feature:
            raise ConfigError("name the feature that goes bad, e.g. 'x1'", path="feature")


class FeedFault(Injector):
    """Changes one feature of every batch the world publishes, while active."""

    kind = "feed_fault"
    Params = FeedFaultParams

    def validate_wiring(self, wiring: Wiring) -> None:
        """The feature that goes bad is one of the world's (checked before the run, not at the
        first batch it spoils)."""
        super().validate_wiring(wiring)
        check_feature(wiring.components.get(self.params.world), self.params.feature, "feature")

    def declare(self, bus: SignalBus) -> None:
        for name in self._signals():
            bus.declare_fault(self.name, name)

    def _signals(self) -> tuple[str, str]:
        return f"{self.params.world}.requests", f"{self.params.world}.rows"

    def on_setup(self) -> None:
        self._active: list[Fault] = []
        self._nulls: dict[float, np.ndarray] = {}  # day → the rows that are NaN
        self._frozen: float | None = None

    def _bad(self, values: np.ndarray, day: float) -> np.ndarray:
        p = self.params
        if p.mode == "unit":
            return values * p.factor
        if p.mode == "frozen":
            if self._frozen is None:
                self._frozen = float(values[0])
            return np.full_like(values, self._frozen, dtype=float)
        if day not in self._nulls:
            self._nulls = {day: self.rng.random(len(values)) < p.null_share}
        out = np.array(values, dtype=float)
        out[self._nulls[day]] = np.nan
        return out

    def _transform(self, value: Any) -> Any:
        if not isinstance(value, (Rows, LabelledRows)):
            return value
        name = self.params.feature
        features = {**value.features, name: self._bad(value.features[name], value.day)}
        return dataclasses.replace(value, features=features)

    def inject(self) -> Mapping[str, Any]:
        fault = Fault(self.name, self._transform)
        for name in self._signals():
            self.bus.get(name).add_fault(fault)
        self._active.append(fault)
        self._frozen = None
        return {"feature": self.params.feature, "mode": self.params.mode}

    def clear(self) -> None:
        if self._active:
            fault = self._active.pop(0)
            for name in self._signals():
                self.bus.get(name).remove_fault(fault)
