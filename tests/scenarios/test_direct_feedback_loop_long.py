"""Long statistical test (``-m slow``): every mitigation of the direct feedback loop, 30 seeds,
the scenario's full 180 days."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

import sim

pytestmark = pytest.mark.slow
SEEDS = 30
MITIGATIONS = ["epsilon_greedy", "epsilon_decay", "ucb1", "thompson", "softmax", "holdout"]


@pytest.fixture(scope="module")
def final() -> dict[str, pd.DataFrame]:
    metrics = sim.run("direct_feedback_loop", reps=SEEDS, jobs=2).metrics
    last = metrics[metrics.day == metrics.day.max()]
    return {
        (metric, entity): rows.pivot(index="replicate", columns="variant", values="value")
        for (metric, entity), rows in last.groupby(["metric", "entity"])
    }


@pytest.mark.parametrize("mitigation", MITIGATIONS)
def test_every_mitigation_reduces_regret(final, mitigation: str) -> None:
    regret = final[("regret", "")]
    diff = regret["greedy"] - regret[mitigation]
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 0.001
    assert regret[mitigation].mean() < 0.6 * regret["greedy"].mean()


EXPLORING = ["epsilon_greedy", "epsilon_decay", "ucb1", "thompson", "holdout"]


@pytest.mark.parametrize("mitigation", EXPLORING)
def test_exploring_mitigations_spread_exposure(final, mitigation: str) -> None:
    gini = final[("exposure_gini", "")]
    diff = gini["greedy"] - gini[mitigation]
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 0.001


@pytest.mark.parametrize("mitigation", EXPLORING)
def test_exploring_mitigations_learn_about_rare_items(final, mitigation: str) -> None:
    error = final[("estimate_error", "rarely_shown")]
    diff = error["greedy"] - error[mitigation]
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 0.001
