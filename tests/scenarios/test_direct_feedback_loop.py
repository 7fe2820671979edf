"""The direct feedback loop appears under greedy and the bandit policies reduce it.

Every comparison is paired: replicate r of every variant shares its world (common random
numbers), so differences come from the policy. 20 seeds, 120 days, the scenario's own world.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from tests.scenarios.quick_checks import last, most, run_quick

SEEDS = 20
HORIZON = 120


@pytest.fixture(scope="module")
def frames() -> pd.DataFrame:
    result = sim.run(
        "direct_feedback_loop",
        reps=SEEDS,
        horizon_days=HORIZON,
        variants=["greedy", "thompson", "ucb1"],
        jobs=2,
    )
    return result.metrics


def _final(frames: pd.DataFrame, metric: str, entity: str = "") -> pd.DataFrame:
    rows = frames[(frames.metric == metric) & (frames.entity == entity)]
    last = rows[rows.day == rows.day.max()]
    return last.pivot(index="replicate", columns="variant", values="value")


def _at(frames: pd.DataFrame, metric: str, entity: str, day: float) -> pd.DataFrame:
    rows = frames[(frames.metric == metric) & (frames.entity == entity) & (frames.day == day)]
    return rows.pivot(index="replicate", columns="variant", values="value")


@pytest.mark.parametrize("bandit", ["thompson", "ucb1"])
def test_greedy_has_more_regret_than_bandits(frames: pd.DataFrame, bandit: str) -> None:
    regret = _final(frames, "regret")
    assert len(regret) == SEEDS
    # Paired one-sided test at 1%, and greedy loses in at least 18 of 20 worlds.
    diff = regret["greedy"] - regret[bandit]
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 0.01
    assert (diff > 0).sum() >= 18


def test_thompson_regret_is_far_below_greedy(frames: pd.DataFrame) -> None:
    regret = _final(frames, "regret")
    # Measured ≈ 0.3 at 120 days; tolerance: below one half.
    assert regret["thompson"].mean() / regret["greedy"].mean() < 0.5


@pytest.mark.parametrize("bandit", ["thompson", "ucb1"])
def test_greedy_concentrates_exposure(frames: pd.DataFrame, bandit: str) -> None:
    gini = _final(frames, "exposure_gini")
    diff = gini["greedy"] - gini[bandit]
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 0.01
    assert gini["greedy"].mean() > 0.85  # a handful of items get almost every impression


def test_greedy_never_learns_about_rarely_shown_items(frames: pd.DataFrame) -> None:
    start = _at(frames, "estimate_error", "rarely_shown", 1.0)["greedy"]
    end = _final(frames, "estimate_error", "rarely_shown")["greedy"]
    # The rarely shown items are never shown: their error stays where the prior left it
    # (within 5% in at least 19 of 20 worlds).
    assert (end >= 0.95 * start).sum() >= SEEDS - 1


def test_thompson_keeps_estimates_honest(frames: pd.DataFrame) -> None:
    start = _at(frames, "estimate_error", "rarely_shown", 1.0)
    end = _final(frames, "estimate_error", "rarely_shown")
    # Thompson's error on its least-shown quarter falls by at least 15% on average
    # and ends below greedy's (paired, one-sided, 1%).
    assert end["thompson"].mean() < 0.85 * start["thompson"].mean()
    diff = end["greedy"] - end["thompson"]
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 0.01


def test_metrics_are_finite_and_bounded(frames: pd.DataFrame) -> None:
    assert np.isfinite(frames.value).all()
    bounded = frames[frames.metric.isin(["ctr", "exposure_gini", "estimate_error"])]
    assert bounded.value.between(0, 1).all()
    regret = frames[frames.metric == "regret"].sort_values("day")
    steps = regret.groupby(["variant", "replicate"]).value.diff().dropna()
    assert (steps >= -1e-9).all()


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("direct_feedback_loop")
    regret = last(m, "regret")
    gini = last(m, "exposure_gini")
    assert gini["greedy"].mean() > 0.8  # greedy concentrates exposure
    assert most(regret["greedy"] > regret["thompson"])
    assert regret["thompson"].mean() < 0.6 * regret["greedy"].mean()
