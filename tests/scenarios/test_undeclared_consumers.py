"""Undeclared consumers: A's release breaks B, who reads A's scores without declaring it.

Default run (a few seconds): 3 paired seeds, 84 days, 600 rows a day. Tolerances: B's loss in
the 28 days after A's release rises by more than 0.03 nats in every world when B is hidden, and
by less than 0.005 on average when A never changes; access control cuts the rise by more than
half and the degraded days below 12; release checks keep B's rise under 0.015 and its degraded
days under 4 on average; the costs are B's retrains (more than twice the hidden B's) and, for
release checks, fewer A releases. B's own prediction-bias monitor alarms on the day of A's
release in every world (and not before), without changing B's loss. The slow test repeats the
comparisons over the scenario's 20 seeds with the same tolerances.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sim
from sim.core.errors import ConfigError
from tests.scenarios.quick_checks import most, run_quick

VARIANTS = ["hidden", "hidden_monitored", "no_change", "access_control", "release_checks"]


def finals(metrics: pd.DataFrame, metric: str, system: str) -> pd.DataFrame:
    """Replicate × variant table of the last value of ``metric`` recorded for ``system``."""
    rows = metrics[(metrics.metric == metric) & (metrics.system == system)].sort_values("day")
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc="last")


def check_the_debt_and_its_mitigations(m: pd.DataFrame) -> None:
    rise = finals(m, "loss_change_after_upgrade", "b")
    degraded = finals(m, "days_degraded", "b")
    assert (rise["hidden"] > 0.03).all()  # the debt: B degrades when A releases
    assert abs(rise["no_change"].mean()) < 0.005  # ... and not otherwise
    assert degraded["hidden"].mean() > 20
    assert (rise["access_control"] < rise["hidden"] / 2).all()
    assert degraded["access_control"].mean() < 12
    assert rise["release_checks"].mean() < 0.015
    assert degraded["release_checks"].mean() < 4
    retrains = finals(m, "model_version", "b")
    assert (retrains["access_control"] > 2 * retrains["hidden"]).all()  # the cost
    assert (retrains["release_checks"] > 2 * retrains["hidden"]).all()
    releases = finals(m, "model_version", "a")
    assert (releases["release_checks"] < releases["hidden"]).all()  # held releases


def check_b_notices_but_is_not_told(run: sim.RunResult, horizon: float) -> None:
    """B's own bias monitor alarms from the day of A's release (and never before) until B's
    scheduled retrain; it changes nothing about B's loss."""
    alerts = run.events[(run.events.event == "alert") & (run.events.variant == "hidden_monitored")]
    first = alerts.groupby("replicate").day.min()
    assert len(first) == run.metrics.replicate.nunique() and (first == 56).all()
    assert (alerts.day < min(84, horizon)).all()
    rise = finals(run.metrics, "loss_change_after_upgrade", "b")
    assert (rise["hidden_monitored"] == rise["hidden"]).all()


@pytest.fixture(scope="module")
def run() -> sim.RunResult:
    return sim.run(
        "undeclared_consumers",
        reps=3,
        horizon_days=84,
        jobs=2,
        variants=VARIANTS,
        overrides=["world.rows_per_day=600"],
    )


def test_the_debt_appears_and_each_mitigation_reduces_it(run):
    check_the_debt_and_its_mitigations(run.metrics)


def test_bs_own_monitor_notices_at_once_and_nobody_tells_it_why(run):
    check_b_notices_but_is_not_told(run, 84)


def test_the_hidden_read_is_in_the_manifest(run):
    assert ["b", "a.scores"] in run.manifest["undeclared_reads"]
    read = {(r["variant"], r["ref"]) for r in run.manifest["release_reads"]}
    assert ("hidden", "latest") in read and ("release_checks", "all") in read


def test_a_pinned_consumer_reads_the_release_it_was_trained_on(run):
    events = run.events[(run.events.variant == "release_checks") & (run.events.system == "b")]
    assert not (events.event == "fault").any()  # its release is never retired under it
    reads = events[events.event == "read"].detail.map(json.loads)
    pinned = [d for d in reads if d["ref"] != "all"]
    assert len({d["ref"] for d in pinned}) >= 3  # it moved its pin release by release
    assert all(str(d["release"]) == d["ref"] for d in pinned)


def test_access_control_refuses_the_undeclared_read():
    with pytest.raises(ConfigError, match="access control"):
        sim.run(
            "undeclared_consumers",
            reps=1,
            horizon_days=2,
            variants=["access_control"],
            overrides=["systems.b.upstream_declared=false"],
        )


@pytest.mark.slow
def test_over_twenty_seeds() -> None:
    result = sim.run("undeclared_consumers", jobs=2)
    assert result.metrics.replicate.nunique() == 20
    check_the_debt_and_its_mitigations(result.metrics)
    check_b_notices_but_is_not_told(result, 112)


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser)."""
    m = run_quick("undeclared_consumers")
    rise = finals(m, "loss_change_after_upgrade", "b")
    assert most(rise["hidden"] > 0.02)
    assert most(rise["release_checks"] < rise["hidden"] / 2)
    assert most(rise["access_control"] < rise["hidden"])
