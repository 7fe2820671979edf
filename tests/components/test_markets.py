"""The markets family on the shared lifecycle: the price regressor's and the momentum trader's
retrain cadence, window, label delay and never-retrain setting, their serving-model metrics, and
the keys that moved."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.core.errors import ConfigError
from sim.scenario.resolve import load_scenario
from tests.components.lifecycle_events import events


def _run(scenario: str, variant: str, horizon: float, *overrides: str) -> sim.RunResult:
    return sim.run(scenario, variants=[variant], reps=1, horizon_days=horizon, overrides=overrides)


def test_the_regressor_retrains_daily_on_its_last_1000_rows() -> None:
    result = _run("hidden_loop_adherence", "adopted", 8)
    retrains = events(result, "retrain", "regressor")
    assert list(retrains.day) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert list(retrains.version) == [2, 3, 4, 5, 6, 7, 8]  # version 1: fitted on the history
    assert (retrains.rows == 1000).all()  # 50-day window at 20 rows a day: days t − 49 … t
    versions = result.metrics.query("metric == 'model_version' and system == 'regressor'")
    assert list(versions.value) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_the_regressor_sees_rows_after_their_label_delay_and_on_its_cadence() -> None:
    delayed = _run(
        "hidden_loop_adherence", "adopted", 8, "systems.regressor.training.label_delay_days=2"
    )
    rows = events(delayed, "retrain", "regressor").set_index("day").rows
    # The retrain of day d sees days d − 50 … d − 3: the history (to day −1) and d − 3 new days.
    assert rows[1.0] == 980 and rows[2.0] == 960
    assert (rows.loc[3.0:] == 960).all()
    weekly = _run("hidden_loop_adherence", "adopted", 12, "systems.regressor.training.every_days=5")
    assert list(events(weekly, "retrain", "regressor").day) == [5.0, 10.0]


def test_the_regressor_reports_its_serving_model() -> None:
    result = _run("hidden_loop_adherence", "adopted", 6, "systems.regressor.training.every_days=2")
    observed = result.metrics.query("metric == 'error_observed'").set_index("day").value
    # Constant while a version serves (days 0–1, 2–3, 4–5); it changes with each deploy.
    assert observed[0.0] == observed[1.0] and observed[2.0] == observed[3.0]
    assert observed[1.0] != observed[2.0] and observed[3.0] != observed[4.0]


def test_the_organic_regressor_learns_only_from_prices_users_set() -> None:
    result = _run("hidden_loop_adherence", "organic_only", 30)
    final = result.metrics.query("metric == 'error_observed'").value.iloc[-1]
    assert final > 0.5  # no echo: the window error stays near the noise of true prices


def test_the_trader_retrains_every_five_days_on_250_days_of_returns() -> None:
    result = _run("hidden_loop_trading", "both_adaptive", 16)
    retrains = events(result, "retrain", "desk_a")
    assert list(retrains.day) == [5.0, 10.0, 15.0]
    assert (retrains.rows == 250).all()
    slope = result.metrics.query("metric == 'slope' and system == 'desk_a'").set_index("day")
    changes = slope.value.diff().fillna(0) != 0
    assert set(slope.index[changes]) <= {5.0, 10.0, 15.0}  # the serving model's slope


def test_a_trader_that_never_retrains_keeps_its_day_0_model() -> None:
    result = _run("hidden_loop_trading", "one_adaptive", 12)
    assert events(result, "retrain", "desk_b").empty
    versions = result.metrics.query("metric == 'model_version' and system == 'desk_b'")
    assert list(versions.value) == [1]
    slope = result.metrics.query("metric == 'slope' and system == 'desk_b'").value
    assert slope.nunique() == 1


def test_a_trader_with_a_label_delay_learns_later() -> None:
    prompt = _run("hidden_loop_trading", "both_adaptive", 7)
    late = _run(
        "hidden_loop_trading", "both_adaptive", 7, "systems.desk_a.training.label_delay_days=3"
    )
    # The retrain of day 5 sees days 0 … 4 without delay, days 0 … 1 with a 3-day delay
    # (and the history's days −245 … −1 in both).
    assert events(prompt, "retrain", "desk_a").rows.tolist() == [250]
    assert events(late, "retrain", "desk_a").rows.tolist() == [245 + 2]


@pytest.mark.parametrize(
    ("scenario", "key", "value", "where"),
    [
        ("hidden_loop_adherence", "systems.regressor.window_rows", "1000", "training.window_days"),
        ("hidden_loop_adherence", "systems.regressor.train_on", '"organic"', "training.learn_from"),
        ("hidden_loop_adherence", "systems.regressor.every_days", "1", "training.every_days"),
        ("hidden_loop_trading", "systems.desk_a.adaptive", "false", "training.every_days"),
        ("hidden_loop_trading", "systems.desk_a.window_days", "250", "training.window_days"),
    ],
)
def test_a_moved_key_names_where_it_lives_now(scenario, key, value, where) -> None:
    with pytest.raises(ConfigError, match=f"this setting moved: write {where}") as info:
        load_scenario(scenario, [f"{key}={value}"])
    assert key in str(info.value)


def test_a_trader_has_no_holdout() -> None:
    with pytest.raises(ConfigError, match="no learn from"):
        load_scenario("hidden_loop_trading", ['systems.desk_a.training.learn_from="holdout"'])


def test_the_venue_publishes_what_the_traders_order() -> None:
    result = _run("hidden_loop_trading", "none_adaptive", 30)
    vol = result.metrics.query("metric == 'volatility'").value
    assert np.isfinite(vol).all() and (vol > 0).all()
