"""Same scenario and seed → identical frames, whatever the worker count; components are isolated."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import sim

SMALL = ["world.users=500", "world.items=30"]


def _run(**kwargs: object) -> sim.RunResult:
    options = {"reps": 3, "horizon_days": 15, "overrides": SMALL}
    options.update(kwargs)
    return sim.run("direct_feedback_loop", **options)


def test_same_seed_gives_identical_frames() -> None:
    first, second = _run(), _run()
    assert_frame_equal(first.metrics, second.metrics)
    assert_frame_equal(first.events, second.events)
    assert_frame_equal(first.summary, second.summary)


def test_worker_count_does_not_change_results() -> None:
    assert_frame_equal(_run(jobs=1).metrics, _run(jobs=2).metrics)


def test_another_seed_gives_other_results() -> None:
    a, b = _run(seed=1).metrics, _run(seed=2).metrics
    assert not a["value"].equals(b["value"])


def test_replicates_do_not_depend_on_how_many_run() -> None:
    three = _run(reps=3).metrics
    two = _run(reps=2).metrics
    assert_frame_equal(three[three.replicate < 2].reset_index(drop=True), two)


@pytest.mark.parametrize("policy", ["thompson", "epsilon_greedy"])
def test_unrelated_component_changes_no_other_trajectory(policy: str) -> None:
    """A shadow system (draws its own random numbers, is never shown) leaves the ranker alone."""
    base = _run(variants=["thompson"])
    shadow = [
        *SMALL,
        "systems.shadow.kind=recommender",
        f"systems.shadow.policy.kind={policy}",
        "systems.shadow.mode=shadow",
        "systems.shadow.owner=another-team",
    ]
    with_shadow = _run(variants=["thompson"], overrides=shadow)
    ranker = with_shadow.metrics[with_shadow.metrics.system == "ranker"].reset_index(drop=True)
    assert_frame_equal(base.metrics, ranker)
    assert (with_shadow.metrics.system == "shadow").any()


def test_run_folder_round_trips(tmp_path: pd.DataFrame) -> None:
    result = _run(out=tmp_path / "run")
    loaded = sim.load(tmp_path / "run")
    assert_frame_equal(result.metrics, loaded.metrics)
    assert loaded.manifest["root_seed"] == 7
    assert len(loaded.manifest["replicate_seeds"]) == 3
    assert set(loaded.manifest["variants"]) == {
        "greedy",
        "epsilon_greedy",
        "epsilon_decay",
        "ucb1",
        "thompson",
        "softmax",
        "holdout",
    }


def test_the_blas_thread_limit_changes_no_result() -> None:
    """A task runs with one BLAS thread; the same ecosystem run directly may use more."""
    import numpy as np

    from sim.experiment.runner import Task, run_task
    from sim.scenario.build import build_ecosystem
    from sim.scenario.resolve import load_scenario

    overrides = ["world.users=1500", "world.initial_items=200", "world.new_items_per_step=0"]
    scenario = load_scenario("homogenization", overrides, ["repeated"])
    config, tick = scenario.configs["repeated"], scenario.meta.tick_days
    limited = run_task(Task("repeated", 0, 5, config, 15, tick)).metrics
    ecosystem = build_ecosystem(config, np.random.SeedSequence(5, spawn_key=(0,)), tick)
    direct = ecosystem.run(15).metrics()
    assert_frame_equal(
        limited.drop(columns=["variant", "replicate"]).reset_index(drop=True),
        direct.reset_index(drop=True),
    )
