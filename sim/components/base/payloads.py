"""The contract every ML system, monitor and injector shares: deploys and commands.

Every ML system publishes a :class:`Deploy` on ``<system>.deploys`` at each deploy (including a
rollback); monitors publish :class:`Command` values on ``<monitor>.commands``, read by the
system that responds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["ACTIONS", "Action", "Command", "Deploy"]

Action = Literal["none", "rollback", "pause", "retrain", "recalibrate"]
ACTIONS: tuple[str, ...] = ("none", "rollback", "pause", "retrain", "recalibrate")


@dataclass(frozen=True)
class Deploy:
    """A model version going into service: when, which version, what it changed."""

    day: float
    version: int
    detail: Mapping[str, float] = field(default_factory=dict)
    rollback: bool = False

    @property
    def churn(self) -> float:
        """Share of decisions that flipped at this deploy (NaN where the system does not say)."""
        return float(self.detail.get("churn", math.nan))


@dataclass(frozen=True)
class Command:
    """A monitor's response: ``action`` for the system ``target``."""

    day: float
    action: Action
    target: str
    reason: str
