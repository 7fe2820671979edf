"""The scale fault: a unit change, or a bug that multiplies a signal's values.

From each firing on, every value published on ``signal`` becomes ``factor × value + offset``
— the payload itself when it is numeric, else its ``field`` (for a per-system map, every
system's entry) — until the fault is cleared (``duration_days``; 0 keeps it for good).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.components.base.injector import Injector
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.signals import Fault, SignalBus

__all__ = ["ScaleFault", "ScaleFaultParams"]


@dataclass(frozen=True)
class ScaleFaultParams:
    """Which signal, which field, how much, and when."""

    signal: str = param("", doc="the signal whose values change, e.g. classifier.decisions")
    field: str = param("", doc="the payload field to scale ('' : the value itself)")
    factor: float = param(1.0, ge=-1e6, le=1e6, doc="multiplier of the values")
    offset: float = param(0.0, ge=-1e6, le=1e6, doc="added after scaling")
    at_days: tuple[float, ...] = param([], ge=0, doc="days on which the fault starts")
    rate_per_day: float = param(0.0, ge=0, doc="rate of faults at random times (0: none)")
    duration_days: float = param(0.0, ge=0, doc="how long each fault lasts (0: for good)")

    def __post_init__(self) -> None:
        if not self.signal:
            raise ConfigError(
                "name the signal to change, e.g. 'classifier.decisions'", path="signal"
            )


class ScaleFault(Injector):
    """Multiplies (and shifts) the values of one signal from the fault on."""

    kind = "scale_fault"
    Params = ScaleFaultParams

    def declare(self, bus: SignalBus) -> None:
        bus.declare_fault(self.name, self.params.signal)

    def on_setup(self) -> None:
        self._active: list[Fault] = []
        payload = self.bus.signals[self.params.signal].payload
        kind = getattr(payload, "of", payload)
        field = self.params.field
        if not (field and isinstance(kind, type) and dataclasses.is_dataclass(kind)):
            return
        names = [f.name for f in dataclasses.fields(kind)]
        if field not in names:
            raise ConfigError(
                f"the payload {kind.__name__} of {self.params.signal!r} has no field "
                f"{field!r}; its fields: {', '.join(names)}",
                path=f"injectors.{self.name}.field",
            )

    def _scaled(self, value: Any) -> Any:
        p = self.params
        if isinstance(value, Mapping):
            return {k: self._scaled(v) for k, v in value.items()}
        if p.field:
            if not dataclasses.is_dataclass(value) or not hasattr(value, p.field):
                raise ConfigError(
                    f"the payload {type(value).__name__} of {p.signal!r} has no field {p.field!r}",
                    path="field",
                )
            changed = {p.field: self._number(getattr(value, p.field))}
            return dataclasses.replace(value, **changed)  # type: ignore[type-var]
        return self._number(value)

    def _number(self, value: Any) -> Any:
        return np.asarray(value) * self.params.factor + self.params.offset

    def inject(self) -> Mapping[str, Any]:
        fault = Fault(self.name, self._scaled)
        self.bus.get(self.params.signal).add_fault(fault)
        self._active.append(fault)
        return {"signal": self.params.signal, "factor": self.params.factor}

    def clear(self) -> None:
        if self._active:
            self.bus.get(self.params.signal).remove_fault(self._active.pop(0))
