"""The training pipeline's settings and its default log, the same in every ML system.

Names and units are the same everywhere: ``every_days`` (retrain cadence; 0 never retrains),
``window_days`` (train on outcomes of the last N days; 0 on all), ``label_delay_days`` (from an
outcome's publication to its arrival in the log), ``deploy_latency_days`` (from a retrain to
serving), ``holdout_share`` (requests served by the exploration policy) and ``learn_from``
(every logged outcome, or only those the model's own actions did not shape: the holdout slice,
the amply stocked stores, the prices users set themselves). A system that has no holdout
refuses the last two keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from sim.components.base.windows import expired, in_window
from sim.core.params import param

__all__ = ["BASE_OPTIONS", "HOLDOUT_OPTIONS", "OutcomeLog", "TrainingLog", "TrainingParams"]


@dataclass(frozen=True)
class TrainingParams:
    """How an ML system learns from its logs (cadence, window, delays, holdout)."""

    every_days: float = param(1.0, ge=0, doc="retrain cadence in days (0: never retrain)")
    window_days: float = param(0.0, ge=0, doc="train on outcomes of the last N days (0: all)")
    label_delay_days: float = param(0.0, ge=0, doc="delay before an outcome reaches the log")
    deploy_latency_days: float = param(0.0, ge=0, doc="delay from a retrain to serving")
    holdout_share: float = param(0.0, ge=0, lt=1, doc="share of requests served by exploration")
    learn_from: Literal["all", "holdout"] = param(
        "all", doc="train on every logged outcome, or only on those the model did not shape"
    )


BASE_OPTIONS = frozenset({"every_days", "window_days", "label_delay_days", "deploy_latency_days"})
HOLDOUT_OPTIONS = BASE_OPTIONS | {"holdout_share", "learn_from"}


class TrainingLog(Protocol):
    """What the pipeline needs of a log: add arrivals, give the training window."""

    def add(self, day: float, outcome: Any) -> None: ...

    def window(self, now: float, window_days: float) -> Any: ...


class OutcomeLog:
    """Outcomes in arrival order, stamped with the day they were published."""

    def __init__(self) -> None:
        self.entries: list[tuple[float, Any]] = []

    def add(self, day: float, outcome: Any) -> None:
        """Log one outcome published on ``day``."""
        self.entries.append((day, outcome))

    def window(self, now: float, window_days: float) -> list[Any]:
        """The outcomes in the window of a retrain at ``now`` (:mod:`.windows`: the last
        ``window_days`` whole days; 0: every outcome so far). Expired entries are dropped."""
        self.entries = [(d, o) for d, o in self.entries if not expired(d, now, window_days)]
        return [o for d, o in self.entries if in_window(d, now, window_days)]
