"""The tabular world and the classifier's training pipeline behave as declared."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.core.errors import ConfigError
from sim.engine.environment import Ecosystem
from sim.scenario.build import build_components
from sim.scenario.resolve import load_scenario
from tests.components.lifecycle_events import events

SMALL = ["world.rows_per_day=100", "world.history_days=7"]


def _run(*overrides: str, days: float = 30, variant: str = "stable") -> sim.RunResult:
    return sim.run(
        "cace_entanglement",
        reps=1,
        horizon_days=days,
        variants=[variant],
        overrides=[*SMALL, *overrides],
    )


def test_retrains_follow_the_cadence_and_the_window():
    result = _run(
        "systems.classifier.training.every_days=5", "systems.classifier.training.window_days=10"
    )
    retrains = events(result, "retrain")
    rows = dict(zip(retrains.day, retrains.detail.map(lambda d: d["rows"]), strict=True))
    # start-of-day retrains see the days before: 0–4 on day 5, then the last 10 whole days
    assert rows == {5.0: 500, 10.0: 1000, 15.0: 1000, 20.0: 1000, 25.0: 1000}


def test_a_label_delay_of_d_days_hides_the_last_d_days():
    result = _run(
        "systems.classifier.training.every_days=1",
        "systems.classifier.training.label_delay_days=3",
        days=8,
    )
    retrains = events(result, "retrain")
    rows = dict(zip(retrains.day, retrains.detail.map(lambda d: d["rows"]), strict=True))
    assert min(rows) == 4.0  # nothing logged before: no candidate, no retrain
    assert rows[4.0] == 100 and rows[7.0] == 400


def test_versions_go_up_with_each_deploy_and_after_the_latency():
    result = _run(
        "systems.classifier.training.every_days=7",
        "systems.classifier.training.deploy_latency_days=2",
        days=22,
    )
    retrains, deploys = events(result, "retrain"), events(result, "deploy")
    assert retrains.day.tolist() == [7.0, 16.0]  # the next cadence starts after the deploy
    assert deploys.day.tolist() == [0.0, 9.0, 18.0]
    assert deploys.detail.map(lambda d: d["version"]).tolist() == [1, 2, 3]
    versions = result.metrics.query("metric == 'model_version'")
    assert versions.value.tolist() == [1.0, 2.0, 3.0]
    weights = result.metrics.query("metric == 'weight'")
    assert sorted(set(weights.day)) == [0.0, 9.0, 18.0]  # recorded at the deploys only


def test_never_retraining_keeps_the_first_model():
    result = _run("systems.classifier.training.every_days=0", days=20)
    assert events(result, "retrain").empty
    assert events(result, "deploy").detail.map(lambda d: d["version"]).tolist() == [1]


def test_a_correction_chain_does_not_depend_on_the_order_of_its_systems():
    config = load_scenario("correction_cascade", overrides=SMALL, variants=["chain_3"]).configs[
        "chain_3"
    ]
    reversed_config = {**config, "systems": dict(reversed(list(config["systems"].items())))}
    frames = []
    for cfg in (config, reversed_config):
        metrics = Ecosystem(build_components(cfg), seed=5).run(16).metrics()
        frames.append(
            metrics.sort_values(["day", "system", "metric", "entity"]).reset_index(drop=True)
        )
    assert list(reversed_config["systems"]) == ["d", "c", "b", "a"]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    first = frames[0].query("metric == 'model_version' and day == 0 and value == 1")
    assert sorted(first.system) == ["a", "b", "c", "d"]  # every link deploys its first model


@pytest.mark.parametrize(
    ("key", "moved_to"),
    [("every_days", "training.every_days"), ("window_days", "training.window_days")],
)
def test_the_old_training_keys_say_where_they_moved(key, moved_to):
    with pytest.raises(ConfigError, match=moved_to):
        load_scenario("threshold_decay", overrides=[f"systems.classifier.{key}=7"])
