"""The churn monitor: alarms when a deploy flips too many decisions.

It watches ML systems' ``<system>.deploys`` signals and raises an alert when the share of
decisions that flip at a deploy exceeds ``max_churn`` — the cheapest guard against changes
whose effects spread through an entangled model. Deploys that do not report churn are ignored,
and so are rollbacks: going back to the version that served before is the response to churn,
not more of it (counting it would answer one alert with another rollback).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.components.base.monitor import Alert, Monitor, ResponseParams
from sim.components.base.payloads import Deploy
from sim.core.params import param, table

__all__ = ["ChurnMonitor", "ChurnMonitorParams"]


@dataclass(frozen=True)
class ChurnMonitorParams:
    """Which deploys to watch, when to alert and what to do."""

    watches: tuple[str, ...] = param(["classifier.deploys"], doc="deploy signals to watch")
    max_churn: float = param(0.05, gt=0, le=1, doc="alert when a deploy flips more decisions")
    every_days: float = param(0.0, ge=0, doc="check cadence (0: at every deploy)")
    response: ResponseParams = table(ResponseParams(), doc="what the watched system does")


class ChurnMonitor(Monitor):
    """Raises an ``alert`` (and counts alerts) when a deploy's churn is too high."""

    kind = "churn_monitor"
    Params = ChurnMonitorParams
    watch_payload = Deploy

    def check(self, signal: str, value: Any) -> Alert | None:
        deploy: Deploy = value
        churn = deploy.churn
        if deploy.rollback or math.isnan(churn) or churn <= self.params.max_churn:
            return None
        return Alert(
            f"churn {churn:.3f} > {self.params.max_churn}",
            {"version": deploy.version, "churn": round(churn, 6)},
        )
