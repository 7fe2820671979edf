"""Two trading desks coupled through market impact, over 10 seeds at 500 days (paired: every
variant trades in the same fundamental and noise paths of replicate r)."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from tests.scenarios.quick_checks import mean_from, run_quick

SEEDS, HORIZON = 10, 500


@pytest.fixture(scope="module")
def late() -> pd.DataFrame:
    metrics = sim.run("hidden_loop_trading", reps=SEEDS, horizon_days=HORIZON, jobs=2).metrics
    last_year = metrics[metrics.day >= HORIZON - 250]
    return last_year.pivot_table(
        index="replicate", columns=["metric", "system", "variant"], values="value", aggfunc="mean"
    )


def test_two_adaptive_desks_amplify_volatility(late):
    vol = late["volatility"]["world"]
    mispricing = late["mispricing"]["world"]
    # In every world at least twice the volatility; on average over four times (measured ≈ 8×:
    # the runaway starts at a random time, so a few worlds are still early in it).
    assert (vol["both_adaptive"] > 2 * vol["none_adaptive"]).all()
    assert (vol["both_adaptive"] / vol["none_adaptive"]).mean() > 4
    assert (mispricing["both_adaptive"] > 2 * mispricing["none_adaptive"]).all()


def test_one_adaptive_desk_settles(late):
    vol = late["volatility"]["world"]
    ratio = vol["one_adaptive"] / vol["none_adaptive"]
    assert ratio.mean() < 1.5  # a little more volatile, not a runaway
    assert (vol["one_adaptive"] < vol["both_adaptive"]).all()


def test_the_learned_momentum_runs_away_only_when_both_adapt(late):
    slope = late["slope"]
    assert (slope["desk_a"]["both_adaptive"] > slope["desk_a"]["one_adaptive"]).mean() >= 0.9
    assert (slope["desk_b"]["one_adaptive"] == slope["desk_b"]["none_adaptive"]).all()  # frozen


def test_prediction_error_grows_with_the_loop(late):
    error = late["prediction_error"]["desk_a"]
    assert (error["both_adaptive"] > 1.5 * error["one_adaptive"]).mean() >= 0.9


def test_learning_net_of_impact_removes_the_loop(late):
    vol = late["volatility"]["world"]
    ratio = vol["impact_aware"] / vol["none_adaptive"]
    assert 0.85 < ratio.mean() < 1.15


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("hidden_loop_trading")
    late = m.day.max() - 250
    vol = mean_from(m, "volatility", first=late, system="world")
    assert (vol["both_adaptive"] / vol["none_adaptive"]).mean() > 2  # the loop amplifies
    assert 0.8 < (vol["impact_aware"] / vol["none_adaptive"]).mean() < 1.25  # and is removed
