"""The policing systems on the shared training pipeline: cadence, label delay, window, keys."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.core.errors import ConfigError
from sim.scenario.build import build_ecosystem
from sim.scenario.resolve import load_scenario

DETERMINISTIC_URN = [  # expected incidents, no decay: the urn is the prior plus what was found
    "world.incidents=expected",
    "world.parallel_urns=4",
    "systems.hotspots.decay=0.0",
]


def _build(scenario: str, variant: str, *overrides: str):
    config = load_scenario(scenario, list(overrides), [variant]).configs[variant]
    return build_ecosystem(config, seed=8)


def _events(ecosystem, event: str) -> list[dict]:
    rows = ecosystem.env.recorder.events()
    rows = rows[rows.event == event]
    return [{"day": day, **json.loads(d)} for day, d in zip(rows.day, rows.detail, strict=True)]


def test_the_urn_learns_each_day_at_the_start_of_the_next() -> None:
    ecosystem = _build("runaway_policing", "discovered_only", *DETERMINISTIC_URN)
    ecosystem.run(6)
    retrains = _events(ecosystem, "retrain")
    assert [(r["day"], r["version"], r["days"]) for r in retrains] == [
        (float(d), d, 1) for d in range(1, 6)
    ]
    metrics = ecosystem.env.recorder.metrics()
    versions = metrics[metrics.metric == "model_version"]
    assert versions.value.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]  # the prior is version 0


def test_the_urn_retrains_every_three_days_on_the_days_since() -> None:
    ecosystem = _build(
        "runaway_policing",
        "discovered_only",
        *DETERMINISTIC_URN,
        "systems.hotspots.training.every_days=3",
    )
    ecosystem.run(10)
    world, system = ecosystem.components
    retrains = _events(ecosystem, "retrain")
    assert [(r["day"], r["days"]) for r in retrains] == [(3.0, 3), (6.0, 3), (9.0, 3)]
    # The urn is the prior plus every ball found on days 0 … 8 (day 9's log is pending).
    last = world.signal("incidents").value
    found = world._discovered.copy()
    found[np.arange(4), last.visited] -= last.discovered
    np.testing.assert_allclose(system.model_, np.array([609.0, 379.0]) + found)
    # Patrols follow the deployed urn: the plan changes only on retrain days.
    metrics = ecosystem.env.recorder.metrics()
    share = metrics[(metrics.metric == "patrol_share") & (metrics.entity == "top1")]
    changes = share.day[share.value.diff().fillna(0) != 0].tolist()
    assert changes == [3.0, 6.0, 9.0]


def test_a_label_delay_reaches_the_urn_later() -> None:
    ecosystem = _build(
        "runaway_policing",
        "discovered_only",
        *DETERMINISTIC_URN,
        "systems.hotspots.training.label_delay_days=2",
    )
    ecosystem.run(7)
    assert [r["day"] for r in _events(ecosystem, "retrain")] == [3.0, 4.0, 5.0, 6.0]


def test_an_urn_has_no_training_window() -> None:
    with pytest.raises(ConfigError, match="has no window days") as error:
        load_scenario("runaway_policing", ["systems.hotspots.training.window_days=30"])
    assert error.value.path == "systems.hotspots.training.window_days"


@pytest.mark.parametrize(
    ("key", "where"),
    [("window_steps", "training.window_days"), ("refit_every_steps", "training.every_days")],
)
def test_the_allocators_old_keys_name_their_new_place(key: str, where: str) -> None:
    with pytest.raises(ConfigError, match=f"this setting moved: write {where}") as error:
        load_scenario("attention_allocation", [f"systems.allocator.{key}=5"])
    assert error.value.path == f"systems.allocator.{key}"


def _allocator(*overrides: str, days: int = 40):
    every_step = ["world.record_every_steps=1", "systems.allocator.record_every_steps=1"]
    ecosystem = _build("attention_allocation", "greedy", *every_step, *overrides)
    ecosystem.run(days)
    return ecosystem


def test_the_allocator_fits_after_the_burn_in_on_its_cadence() -> None:
    ecosystem = _allocator("systems.allocator.training.every_days=5")
    deploys = _events(ecosystem, "deploy")
    assert [(d["day"], d["version"]) for d in deploys] == [(25.0, 1), (30.0, 2), (35.0, 3)]
    metrics: pd.DataFrame = ecosystem.env.recorder.metrics()
    estimates = metrics[metrics.metric == "rate_estimate"]
    assert estimates.day.min() == 25.0  # the deployed model's estimates, from its first deploy


def test_a_label_delay_postpones_the_first_fit() -> None:
    ecosystem = _allocator("systems.allocator.training.label_delay_days=3")
    assert _events(ecosystem, "deploy")[0]["day"] == 28.0  # day 24's outcomes arrive on day 27


def test_the_allocators_window_counts_steps() -> None:
    ecosystem = _allocator("systems.allocator.training.window_days=10")
    _, system = ecosystem.components
    assert system.log_.stats.window == 10
    assert system.log_.stats.count_.sum() <= 10 * 5  # at most one exact count per site and step
