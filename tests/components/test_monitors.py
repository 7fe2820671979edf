"""Monitors' responses through the shared pipeline: rollback and the churn monitor."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sim.components.base import ChurnMonitor, MLSystem, ResponseParams, TrainingParams
from sim.components.base.churn_monitor import ChurnMonitorParams
from sim.core.params import param, table
from sim.engine.environment import Ecosystem


@dataclass(frozen=True)
class CounterParams:
    serves: str = param("world")
    inputs: tuple[str, ...] = param([])
    training: TrainingParams = table(TrainingParams(every_days=1.0))


class Counter(MLSystem):
    """Trains a new version every day; versions in ``bad`` flip many decisions, and going back
    to an older version (a rollback) flips ``rollback_churn`` of them."""

    kind = "counter"
    Params = CounterParams
    bad: frozenset[int] = frozenset()
    rollback_churn = 0.0

    def fit(self, window):
        return self.latest_version_ + 1  # the model is the version it was trained as

    def deploy(self, model):
        self.model_ = model
        if model < self.latest_version_:
            return {"churn": self.rollback_churn}
        return {"churn": 0.9 if model in self.bad else 0.0}


def _deploys(bad: set[int], rollback_churn: float = 0.0) -> list[tuple[int, bool]]:
    system = Counter("counter", CounterParams())
    system.bad, system.rollback_churn = frozenset(bad), rollback_churn
    monitor = ChurnMonitor(
        "guard",
        ChurnMonitorParams(
            watches=("counter.deploys",), max_churn=0.5, response=ResponseParams("rollback")
        ),
    )
    events = Ecosystem([system, monitor], seed=1).run(6.5).events()
    deploys = events[events.event == "deploy"].detail.map(json.loads)
    return [(d["version"], d.get("rollback", False)) for d in deploys]


def test_rollback_restores_the_version_that_served_before():
    # v3 is rolled back to v2; v4 is bad too: the version serving before it is v2, not v3
    assert _deploys({3, 4}) == [
        (1, False),
        (2, False),
        (3, False),
        (2, True),
        (4, False),
        (2, True),
        (5, False),
        (6, False),
    ]


def test_the_churn_monitor_ignores_rollbacks():
    # the rollback from v3 to v2 flips as many decisions back; it is no new alarm
    assert _deploys({3}, rollback_churn=0.9) == [
        (1, False),
        (2, False),
        (3, False),
        (2, True),
        (4, False),
        (5, False),
        (6, False),
    ]
