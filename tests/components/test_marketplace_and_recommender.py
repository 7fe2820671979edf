"""The marketplace world and the recommender's training pipeline behave as declared."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.components.recsys.count_log import CountLog
from sim.components.recsys.marketplace import Marketplace, MarketplaceParams
from sim.components.recsys.recommender import _rarely_shown
from sim.engine.environment import Ecosystem
from tests.components.lifecycle_events import events

SMALL = ["world.users=400", "world.items=25"]


def _world(**params: object) -> Marketplace:
    world = Marketplace("world", MarketplaceParams(**params))
    Ecosystem([world], seed=3).set_up()
    return world


def test_segment_truth_is_the_mean_over_the_segment_users():
    world = _world(users=300, items=12, segments=3)
    truth = world.signal("truth").value.ctr_true
    users = np.arange(300)
    all_items = np.broadcast_to(np.arange(12), (300, 12))
    ctr = world.ctr_true(users, all_items)
    for s in range(3):
        assert truth[s] == pytest.approx(ctr[world.segment_of == s].mean(axis=0))
    assert ((truth > 0) & (truth < 1)).all()


def test_oracle_value_is_the_best_slate():
    world = _world(users=200, items=10)
    users = np.arange(200)
    ctr = world.ctr_true(users, np.broadcast_to(np.arange(10), (200, 10)))
    best = np.sort(ctr, axis=1)[:, -3:].sum(axis=1)
    assert world.oracle_value(3) == pytest.approx(best)
    random_slates = np.random.default_rng(0).permuted(np.tile(np.arange(10), (200, 1)), axis=1)
    assert (world.ctr_true(users, random_slates[:, :3]).sum(axis=1) <= best + 1e-12).all()


@pytest.mark.parametrize("window", [0.0, 3.0])
def test_count_log_windows_and_totals(window):
    log = CountLog(window)
    log.resize(2, 3)
    log.add_counts(0.0, np.array([0, 1]), np.array([[0, 1], [2, 1]]), np.array([[1, 0], [1, 1]]))
    log.add_counts(5.0, np.array([0]), np.array([[0, 2]]), np.array([[0, 0]]))
    imps, clicks = log.window(6.0, window)  # at the start of day 6
    if window == 0:  # everything
        assert imps.tolist() == [[2, 1, 1], [0, 1, 1]]
        assert clicks.tolist() == [[1, 0, 0], [0, 1, 1]]
    else:  # only day 5
        assert imps.tolist() == [[1, 0, 1], [0, 0, 0]]
        assert clicks.tolist() == [[0, 0, 0], [0, 0, 0]]
    assert log.total_impressions.sum() == 6


def test_label_delay_holds_outcomes_back():
    result = sim.run(
        "direct_feedback_loop",
        reps=1,
        horizon_days=8,
        variants=["greedy"],
        overrides=[*SMALL, "systems.ranker.training.label_delay_days=3"],
    )
    retrains = events(result, "retrain")
    rows = dict(zip(retrains.day, retrains.detail.map(lambda d: d["rows"]), strict=True))
    # Day-0 outcomes are published during day 0 and arrive during day 3, after that day's
    # start-of-day retrain: a delay of d days hides them from the retrains of days 1 … d.
    assert rows[1.0] == rows[2.0] == rows[3.0] == 0
    day0 = result.metrics.query("metric == 'ctr' and day == 0")
    assert rows[4.0] > 0
    assert rows[5.0] > rows[4.0]
    assert len(day0) == 1


@pytest.mark.parametrize("delay", [0, 1, 2, 5])
def test_a_label_delay_of_d_days_shifts_what_retrains_see_by_d_days(delay):
    result = sim.run(
        "direct_feedback_loop",
        reps=1,
        horizon_days=10,
        variants=["greedy"],
        overrides=[*SMALL, f"systems.ranker.training.label_delay_days={delay}"],
    )
    retrains = events(result, "retrain")
    rows = dict(zip(retrains.day, retrains.detail.map(lambda d: d["rows"]), strict=True))
    first_seen = min(day for day, n in rows.items() if n > 0)
    assert first_seen == 1 + delay


def test_deploy_latency_delays_new_versions():
    result = sim.run(
        "direct_feedback_loop",
        reps=1,
        horizon_days=10,
        variants=["greedy"],
        overrides=[
            *SMALL,
            "systems.ranker.training.every_days=2",
            "systems.ranker.training.deploy_latency_days=1.5",
        ],
    )
    retrain_days = events(result, "retrain").day.tolist()
    deploy_days = events(result, "deploy").day.tolist()
    assert retrain_days[:3] == [2.0, 5.5, 9.0]  # every 2 days after the previous deploy
    assert deploy_days[:2] == [3.5, 7.0]


def test_holdout_slice_gets_random_slates_at_the_declared_share():
    result = sim.run(
        "direct_feedback_loop",
        reps=2,
        horizon_days=40,
        variants=["greedy", "holdout"],
        overrides=["world.users=2000", "world.items=25"],
    )
    gini = result.summary.query("metric == 'exposure_gini'").set_index("variant")["mean"]
    assert gini["holdout"] < gini["greedy"]  # random slates spread exposure


def test_shadow_system_is_never_shown():
    result = sim.run(
        "direct_feedback_loop",
        reps=1,
        horizon_days=5,
        variants=["greedy"],
        overrides=[
            *SMALL,
            "systems.shadow.kind=recommender",
            "systems.shadow.mode=shadow",
            "systems.shadow.policy.kind=thompson",
        ],
    )
    shadow = result.metrics[result.metrics.system == "shadow"]
    assert set(shadow.metric) == {"estimate_error", "model_version"}  # no regret, ctr: not shown


def test_rarely_shown_cells_are_the_first_quarter_of_a_stable_sort():
    gen = np.random.default_rng(1)
    for _ in range(500):
        shown = gen.integers(0, int(gen.integers(1, 6)), int(gen.integers(1, 60))).astype(float)
        expected = np.zeros(shown.size, dtype=bool)
        expected[np.argsort(shown, kind="stable")[: max(1, shown.size // 4)]] = True
        np.testing.assert_array_equal(_rarely_shown(shown), expected)
