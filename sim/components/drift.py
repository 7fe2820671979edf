"""Drift processes: how a world parameter moves away from its base value over time.

A drift adds to one parameter (named by a key path inside the world, e.g. ``features.x1.mean``
or ``intercept``): ``abrupt`` jumps by ``amount`` at ``start_day``; ``gradual`` ramps linearly
from 0 at ``start_day`` to ``amount`` at ``end_day`` and stays; ``seasonal`` oscillates as
``amount · sin(2π (t − start_day) / period_days)`` from ``start_day`` on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from sim.core.errors import ConfigError
from sim.core.params import param

__all__ = ["Drift", "total_shift"]


@dataclass(frozen=True)
class Drift:
    """One drift of one world parameter."""

    target: str = param("", doc="key path of the parameter in the world, e.g. features.x1.mean")
    kind: Literal["abrupt", "gradual", "seasonal"] = param("gradual", doc="shape over time")
    amount: float = param(0.0, doc="size of the shift (amplitude for seasonal)")
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
