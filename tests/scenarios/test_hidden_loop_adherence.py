"""Khritankov's adherence loop over 12 seeds at 180 days (paired: each replicate's market is
shared by every variant).

The observed error (on the model's own window) falls far below what it is without usage, in
order of usage and adherence, while the error against the true price function does not improve
(within 3% of the no-usage model); training only on organic rows restores an honest window error.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from tests.scenarios.quick_checks import last, run_quick

SEEDS, HORIZON = 12, 180


@pytest.fixture(scope="module")
def final() -> dict[str, pd.DataFrame]:
    metrics = sim.run("hidden_loop_adherence", reps=SEEDS, horizon_days=HORIZON, jobs=2).metrics
    last = metrics[metrics.day == metrics.day.max()]
    first = metrics[metrics.day == 0]
    return {
        "end": last.pivot_table(index="replicate", columns=["metric", "variant"], values="value"),
        "start": first.pivot_table(
            index="replicate", columns=["metric", "variant"], values="value"
        ),
    }


def test_the_model_looks_better_on_its_own_echo(final):
    observed = final["end"]["error_observed"]
    assert (observed["adopted"] < 0.3 * observed["no_usage"]).all()
    assert (observed["adopted"] < 0.5 * final["start"]["error_observed"]["adopted"]).all()


def test_the_true_error_does_not_improve(final):
    true = final["end"]["error_true"]
    ratio = true["adopted"] / true["no_usage"]
    assert ratio.mean() > 0.97  # no better than the model without usage
    observed = final["end"]["error_observed"]["adopted"]
    assert (observed < 0.5 * true["adopted"]).all()  # the dashboard flatters it by over 2×


def test_the_echo_grows_with_usage_and_adherence(final):
    observed = final["end"]["error_observed"].mean()
    assert observed["adopted"] < observed["loose_adherence"] < observed["no_usage"]
    assert observed["adopted"] < observed["light_usage"] < observed["no_usage"]


def test_training_on_organic_rows_keeps_the_window_error_honest(final):
    observed = final["end"]["error_observed"]
    ratio = observed["organic_only"] / observed["no_usage"]
    assert 0.8 < ratio.mean() < 1.25


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("hidden_loop_adherence")
    observed, true = last(m, "error_observed"), last(m, "error_true")
    assert (observed["adopted"] < 0.4 * observed["no_usage"]).all()  # flattered by its echo
    assert (true["adopted"] / true["no_usage"]).mean() > 0.95  # and no better in truth
    assert 0.75 < (observed["organic_only"] / observed["no_usage"]).mean() < 1.33  # honest again
