"""The supply family on the shared lifecycle: the forecaster's training pipeline (history as
version 1, weekly cadence, window, label delay), the inventory as a rule (its configuration is
version 1; no training keys but its holdout share), moved keys, and the censored-sales dynamics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.components.supply.dynamics import demand_rate, sell
from sim.core.errors import ConfigError
from sim.scenario.resolve import load_scenario
from tests.components.lifecycle_events import events

SMALL = ("world.stores=3", "world.products=4")


def _run(*overrides: str, days: float = 36, variant: str = "naive") -> sim.RunResult:
    return sim.run(
        "hidden_feedback_loop",
        variants=[variant],
        reps=1,
        horizon_days=days,
        overrides=[*SMALL, *overrides],
    )


def test_the_forecaster_starts_from_history_and_retrains_weekly_on_its_window():
    """Version 1 (the history's mean) at time 0; a retrain every 7 days at the start of the day.
    The window is the shared ``[now − 28, now)``: at the start of day 28 it holds days 0-27."""
    result = _run()
    retrains = events(result, "retrain", "forecaster")
    assert retrains.day.tolist() == [7.0, 14.0, 21.0, 28.0, 35.0]
    assert [d["days"] for d in retrains.detail] == [7, 14, 21, 28, 28]
    assert [d["version"] for d in retrains.detail] == [2, 3, 4, 5, 6]
    deploys = events(result, "deploy", "forecaster")
    assert deploys.day.tolist() == [0.0, 7.0, 14.0, 21.0, 28.0, 35.0]
    versions = result.metrics.query("metric == 'model_version' and system == 'forecaster'")
    assert versions.value.tolist() == [1, 2, 3, 4, 5, 6]


def test_label_delay_shifts_what_each_retrain_sees():
    """Sales reach the log 3 days late: the retrain of day 7 sees days 0-3."""
    retrains = events(
        _run("systems.forecaster.training.label_delay_days=3", days=15), "retrain", "forecaster"
    )
    assert [d["days"] for d in retrains.detail] == [4, 11]


def test_the_inventory_is_a_rule_deployed_once():
    result = _run(days=10)
    assert events(result, "retrain", "inventory").empty
    deploys = events(result, "deploy", "inventory")
    assert deploys.day.tolist() == [0.0] and deploys.detail.iloc[0]["version"] == 1
    versions = result.metrics.query("metric == 'model_version' and system == 'inventory'")
    assert versions.value.tolist() == [1]


def test_the_holdout_share_sets_the_amply_stocked_stores():
    """A fifth of 10 stores stocked amply: their shelves rarely run out, so the stock-out rate
    falls against the same world without a holdout."""
    base = _run("world.stores=10", days=20).metrics
    held = _run("world.stores=10", days=20, variant="holdout_stores").metrics

    def stockouts(frame: pd.DataFrame) -> float:
        return frame.query("metric == 'stockout_rate'").value.mean()

    assert stockouts(held) < stockouts(base)


@pytest.mark.parametrize(
    ("key", "where"),
    [
        ("systems.forecaster.train_on=all_stores", "training.learn_from"),
        ("systems.forecaster.every_days=3", "training.every_days"),
        ("systems.forecaster.window_days=14", "training.window_days"),
        ("systems.inventory.holdout_store_share=0.2", "training.holdout_share"),
    ],
)
def test_an_old_key_names_where_it_moved(key, where):
    with pytest.raises(ConfigError, match=f"this setting moved: write {where}"):
        load_scenario("hidden_feedback_loop", overrides=[key])


def test_a_rule_has_no_retrain_cadence():
    with pytest.raises(ConfigError, match="no every days"):
        load_scenario("hidden_feedback_loop", overrides=["systems.inventory.training.every_days=1"])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), amplitude=st.floats(0, 0.99), day=st.floats(-30, 400))
def test_sales_are_demand_capped_by_stock(seed, amplitude, day):
    rng = np.random.default_rng(seed)
    rate = demand_rate(rng.uniform(0.5, 20, (3, 4)), amplitude, rng.uniform(0, 7), day)
    assert (rate >= 0).all()
    demand = rng.poisson(rate)
    stock = rng.integers(0, 25, rate.shape)
    sales, stockout = sell(demand, stock)
    assert (sales <= demand).all() and (sales <= stock).all()
    assert (sales[~stockout] == demand[~stockout]).all()  # uncensored: sales reveal demand
    assert (sales[stockout] == stock[stockout]).all()  # censored: the shelf ran empty
