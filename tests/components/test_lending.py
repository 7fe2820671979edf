"""The lending family on the shared lifecycle: the lender's training pipeline (cadence, burn-in,
window, label delay) and the world's dynamics (mass conserved, rejection changes nothing)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.components.lending.dynamics import lend_applicants
from sim.core.errors import ConfigError
from sim.scenario.resolve import load_scenario
from tests.components.lifecycle_events import events

PI = np.array([0.1, 0.2, 0.45, 0.6, 0.65, 0.7, 0.7])
MU = np.array([[0.0, 0.1, 0.1, 0.2, 0.3, 0.3, 0.0], [0.1, 0.1, 0.2, 0.3, 0.3, 0.0, 0.0]])


def _run(variant: str, *overrides: str, days: float = 8) -> sim.RunResult:
    return sim.run(
        "lending_threshold", variants=[variant], reps=1, horizon_days=days, overrides=overrides
    )


def test_a_learning_lender_refits_every_morning_after_its_burn_in():
    """Burn-in (version 1) for 200 applicants = days 0 and 1; then one re-fit each morning on
    every loan logged so far, deployed at once (version 2 on day 2, …)."""
    result = _run("retuned")
    retrains = events(result, "retrain")
    assert retrains.day.tolist() == [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert [d["version"] for d in retrains.detail] == [2, 3, 4, 5, 6, 7]
    assert [d["rows"] for d in retrains.detail] == [200, 300, 400, 500, 600, 700]
    deploys = events(result, "deploy")
    assert deploys.day.tolist() == [0.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    versions = result.metrics.query("metric == 'model_version'")
    assert versions.value.tolist() == [1, 2, 3, 4, 5, 6, 7]
    burn_in = result.metrics.query("metric == 'threshold' and day < 2")
    assert (burn_in.value == 0.0).all()  # lend to everyone


def test_label_delay_window_and_deploy_latency_shift_the_refits():
    """With loans reaching the log 3 days late, the 200 burn-in applicants (days 0-1) are all
    logged by day 4, so the first re-fit is on day 5, on days 0-1; a 3-day window, ``[now − 3,
    now)``, trains at the start of day t on days t − 3 … t − 1; a 1-day deploy latency serves
    each fit a day later (and the next retrain comes ``every_days`` after the deploy)."""
    delayed = events(_run("retuned", "systems.lender.training.label_delay_days=3"), "retrain")
    assert delayed.day.tolist() == [5.0, 6.0, 7.0]
    assert [d["rows"] for d in delayed.detail] == [200, 300, 400]
    window = events(_run("retuned", "systems.lender.training.window_days=3"), "retrain")
    assert [d["rows"] for d in window.detail] == [200] + [300] * 5
    late = _run("retuned", "systems.lender.training.deploy_latency_days=1")
    assert events(late, "retrain").day.tolist() == [2.0, 4.0, 6.0]  # 1 day after a deploy
    assert events(late, "deploy").day.tolist() == [0.0, 3.0, 5.0, 7.0]


@pytest.mark.parametrize(
    "variant", ["fixed", "max_utility", "fixed_equal_opportunity", "oracle_equal_opportunity"]
)
def test_rule_policies_deploy_their_configuration_once(variant):
    result = _run(variant, days=5)
    assert events(result, "retrain").empty
    deploys = events(result, "deploy")
    assert deploys.day.tolist() == [0.0] and deploys.detail.iloc[0]["version"] == 1


def test_without_burn_in_the_lender_rejects_everyone_until_its_first_fit():
    """No evidence, no profitable tail: threshold 7 (reject all) on day 0, version 0, and with
    no loans granted it never sees a repayment: every re-fit stays at 7."""
    result = _run("retuned", "systems.lender.burnin_steps=0", days=4)
    thresholds = result.metrics.query("metric == 'threshold'")
    assert (thresholds.value == 7.0).all()
    assert result.metrics.query("metric == 'loans'").value.max() == 0


def test_an_old_training_key_names_where_it_moved():
    with pytest.raises(ConfigError, match=r"this setting moved: write training\.every_days"):
        load_scenario("lending_threshold", overrides=["systems.lender.every_days=2"])


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    t1=st.floats(0, 7),
    t2=st.floats(0, 7),
    step=st.sampled_from([0.01, 0.05, 0.3]),
)
def test_lending_conserves_mass_and_rejected_applicants_move_nothing(seed, t1, t2, step):
    rng = np.random.default_rng(seed)
    accept = np.clip(np.arange(7)[None, :] - np.array([t1, t2])[:, None] + 1.0, 0.0, 1.0)
    dist = MU.copy()
    batch = lend_applicants(dist, accept, PI, 0.5, step, rng.random((50, 4)))
    np.testing.assert_allclose(dist.sum(axis=1), 1.0)
    assert (dist >= -1e-12).all()
    assert batch.accepted.sum() <= 50
    if not batch.accepted.any():
        np.testing.assert_array_equal(dist, MU)
    # Every applicant's score had mass in its group's distribution when it was drawn.
    assert (batch.scores >= 0).all() and (batch.scores < 7).all()
