"""Unstable data dependencies: A's scores change scale at each release; B pins a release.

Default run (a few seconds): 3 paired seeds, 84 days, 600 rows a day for the classifiers; the
textbook variants at their own 2000 rows a day. Tolerances: B reading A's latest scores loses
more than 0.01 nats a day on average against a stable upstream, in every world, and has more
than 20 degraded days on average; pinned B does on average at least as well as B with a stable
upstream, within 0.002 nats (it does better: even A's routine retrains move the scores a little,
and a pinned B trains and serves on one release), and has fewer than 8 degraded days; a pin the
producer does not keep is retired under B (fault events) and B does worse than pinned. The
textbook case matches the omitted-variable closed form within four standard errors of the
simulated mean (the noise of N squared normal residuals, v·√(2/N)) plus the error of the weight
fitted on 28 days of history (4 standard errors of its effect, 2b₂|ρ − ρ₀|·√(v₀/n)). The slow
tests repeat the comparisons over the scenario's 20 seeds and horizon.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.omitted_variable import omitted_variable_loss
from tests.scenarios.quick_checks import mean_from, most, run_quick

MAIN = ["latest", "stable_upstream", "pinned", "pinned_retired"]
ROWS, HISTORY_DAYS, B2, RHO0, RHO1, CHANGE_DAY = 2000, 28, 1.0, 0.8, 0.2, 28


def last(metrics: pd.DataFrame, metric: str, system: str) -> pd.DataFrame:
    rows = metrics[(metrics.metric == metric) & (metrics.system == system)].sort_values("day")
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc="last")


def check_the_debt_and_its_mitigation(run: sim.RunResult) -> None:
    m = run.metrics
    loss = mean_from(m[m.system == "b"], "loss")
    excess = loss["latest"] - loss["stable_upstream"]
    assert (excess > 0.01).all()  # the debt: each A release moves B's input
    assert (loss["pinned"] - loss["stable_upstream"]).mean() < 0.002  # the mitigation
    assert (loss["pinned_retired"] > loss["pinned"]).all()  # a pin needs the release kept
    degraded = last(m, "days_degraded", "b")
    assert degraded["latest"].mean() > 20
    assert degraded["pinned"].mean() < 8
    faults = run.events[(run.events.event == "fault") & (run.events.system == "b")]
    assert set(faults.variant) == {"pinned_retired"}


def check_the_closed_form(metrics: pd.DataFrame, horizon: float) -> None:
    rows = metrics[(metrics.metric == "squared_error") & (metrics.system == "b")]
    for variant, rho in (("textbook", RHO0), ("textbook_shift", RHO1)):
        after = rows[(rows.variant == variant) & (rows.day >= CHANGE_DAY)]
        before = rows[(rows.variant == variant) & (rows.day < CHANGE_DAY)]
        reps = after.replicate.nunique()
        for part, corr in ((before, RHO0), (after, rho)):
            expected = omitted_variable_loss(B2, RHO0, corr, noise_sd=1.0)
            n = ROWS * part.day.nunique() * reps
            noise = 4 * expected * math.sqrt(2 / n)
            v0 = omitted_variable_loss(B2, RHO0, RHO0, noise_sd=1.0)
            fit = 4 * 2 * B2 * abs(corr - RHO0) * math.sqrt(v0 / (ROWS * HISTORY_DAYS * reps))
            assert part.value.mean() == pytest.approx(expected, abs=noise + fit)


@pytest.fixture(scope="module")
def run() -> sim.RunResult:
    return sim.run(
        "unstable_data_dependency",
        reps=3,
        horizon_days=84,
        jobs=2,
        variants=MAIN,
        overrides=["world.rows_per_day=600"],
    )


def test_the_debt_appears_and_pinning_removes_it(run):
    check_the_debt_and_its_mitigation(run)


def test_the_pinned_consumer_upgrades_on_its_own_cadence(run):
    events = run.events[(run.events.variant == "pinned") & (run.events.system == "b")]
    for _, replicate in events[events.event == "retrain"].groupby("replicate"):
        releases = [json.loads(d)["upstream_release"] for d in replicate.detail]
        assert releases == sorted(releases) and releases[-1] > 1  # forward, deliberately
        assert list(replicate.day) == [28.0, 56.0]  # at its own retrains


def test_the_textbook_case_matches_the_omitted_variable_algebra():
    m = sim.run(
        "unstable_data_dependency",
        reps=3,
        horizon_days=56,
        jobs=2,
        variants=["textbook", "textbook_shift"],
    ).metrics
    check_the_closed_form(m, 56)


def test_the_closed_form():
    assert omitted_variable_loss(1.0, 0.8, 0.8, 1.0) == pytest.approx(1.36)
    assert omitted_variable_loss(1.0, 0.8, 0.2, 1.0) == pytest.approx(1 + 0.96 + 0.36)
    assert omitted_variable_loss(0.0, 0.8, 0.2, 1.0) == 1.0  # x2 plays no part
    rng = np.random.default_rng(0)  # the algebra, by brute force on a million rows
    x1, z, e = rng.standard_normal((3, 1_000_000))
    x2 = 0.3 * x1 + np.sqrt(1 - 0.3**2) * z
    y = 0.5 * x1 + 1.5 * x2 + 0.7 * e
    w = 0.5 + 1.5 * 0.9  # trained where ρ was 0.9
    assert np.mean((y - w * x1) ** 2) == pytest.approx(
        omitted_variable_loss(1.5, 0.9, 0.3, 0.7), rel=0.01
    )


@pytest.mark.slow
def test_over_twenty_seeds() -> None:
    result = sim.run("unstable_data_dependency", jobs=2)
    assert result.metrics.replicate.nunique() == 20
    check_the_debt_and_its_mitigation(result)
    check_the_closed_form(result.metrics, 112)


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser)."""
    m = run_quick("unstable_data_dependency")
    loss = mean_from(m[m.system == "b"], "loss")
    assert most(loss["latest"] - loss["stable_upstream"] > 0.005)
    assert most(loss["pinned"] < loss["latest"] - 0.005)
