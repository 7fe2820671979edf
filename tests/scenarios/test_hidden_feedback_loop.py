"""The hidden loop between a demand forecaster and an inventory system, and its mitigations.

Paired comparisons over 12 seeds at 180 days (replicate r of every variant shares its demand
world); the slow suite repeats them over 30 seeds at the full year.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from scipy import stats

import sim
from tests.scenarios.quick_checks import last, mean_from, run_quick

SEEDS, HORIZON = 12, 180


def final_values(metrics: pd.DataFrame, metric: str, how: str = "last") -> pd.DataFrame:
    rows = metrics[metrics.metric == metric]
    if how == "last":
        rows = rows[rows.day == rows.day.max()]
        return rows.pivot(index="replicate", columns="variant", values="value")
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc=how)


def run(seeds: int, horizon: float) -> sim.RunResult:
    return sim.run("hidden_feedback_loop", reps=seeds, horizon_days=horizon, jobs=2)


@pytest.fixture(scope="module")
def result() -> sim.RunResult:
    return run(SEEDS, HORIZON)


def test_the_loop_drives_the_forecast_down(result: sim.RunResult) -> None:
    bias = final_values(result.metrics, "forecast_bias_true")["naive"]
    error = final_values(result.metrics, "forecast_error_true")
    start = result.metrics.query(
        "metric == 'forecast_error_true' and day == 0 and variant == 'naive'"
    )
    # The forecast ends at least 12% below true demand in every world, and its error grows
    # from its day-0 level (≈ 4%, the noise of 28 days of history) to over three times that.
    assert (bias < -0.12).all()
    assert error["naive"].mean() > 3 * start["value"].mean()


def test_the_team_that_owns_the_forecast_cannot_see_it(result: sim.RunResult) -> None:
    observed = final_values(result.metrics, "forecast_error_observed", "mean")["naive"]
    true = final_values(result.metrics, "forecast_error_true", "mean")["naive"]
    # The error measured on sales is under half the error against demand, in every world.
    assert (observed < 0.5 * true).all()


@pytest.mark.parametrize("mitigation", ["holdout_stores", "censoring_aware"])
def test_mitigations_keep_the_forecast_honest(result: sim.RunResult, mitigation: str) -> None:
    bias = final_values(result.metrics, "forecast_bias_true")[mitigation]
    error = final_values(result.metrics, "forecast_error_true", "mean")
    assert bias.abs().mean() < 0.05  # unbiased within 5%
    diff = error["naive"] - error[mitigation]
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 0.001
    assert error[mitigation].mean() < 0.5 * error["naive"].mean()


@pytest.mark.parametrize("variant", ["safety_stock", "holdout_stores", "censoring_aware"])
def test_lost_sales_fall(result: sim.RunResult, variant: str) -> None:
    lost = final_values(result.metrics, "lost_sales", "sum")
    assert (lost[variant] < lost["naive"]).mean() >= 0.9


def test_safety_stock_hides_the_bias_without_removing_it(result: sim.RunResult) -> None:
    bias = final_values(result.metrics, "forecast_bias_true")["safety_stock"]
    assert stats.ttest_1samp(bias, 0, alternative="less").pvalue < 0.01


def test_the_holdout_costs_waste(result: sim.RunResult) -> None:
    waste = final_values(result.metrics, "waste", "sum")
    assert (waste["holdout_stores"] > 2 * waste["naive"]).all()


def test_two_clocks(result: sim.RunResult) -> None:
    """The forecaster retrains weekly; the shelves are stocked daily from the live forecast."""
    retrains = result.events[(result.events.event == "retrain") & (result.events.replicate == 0)]
    days = sorted(set(retrains.day))
    assert days[:3] == [7.0, 14.0, 21.0]
    assert json.loads(retrains.detail.iloc[0])["version"] == 2
    stockouts = result.metrics.query("metric == 'stockout_rate' and replicate == 0")
    assert len(set(stockouts.day)) == HORIZON


@pytest.mark.slow
def test_full_year_over_thirty_worlds() -> None:
    metrics = run(30, 365).metrics
    bias = final_values(metrics, "forecast_bias_true")
    assert (bias["naive"] < -0.15).all()
    assert bias["holdout_stores"].abs().mean() < 0.05
    assert bias["censoring_aware"].abs().mean() < 0.05


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("hidden_feedback_loop")
    bias = last(m, "forecast_bias_true")
    error = mean_from(m, "forecast_error_true", first=m.day.max())
    assert (bias["naive"] < -0.08).all()  # the forecast is driven down
    assert bias["censoring_aware"].abs().mean() < 0.06
    assert error["censoring_aware"].mean() < 0.6 * error["naive"].mean()
