"""The performative family on the shared lifecycle: repeated risk minimisation's cadence (one
round is one day), training on the last deployment's data only, label delay, its training loss,
and the keys that moved."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.core.errors import ConfigError
from sim.scenario.resolve import load_scenario
from tests.components.lifecycle_events import events


def _run(scenario: str, variant: str, horizon: float, *overrides: str) -> sim.RunResult:
    return sim.run(scenario, variants=[variant], reps=1, horizon_days=horizon, overrides=overrides)


def test_rrm_retrains_each_round_on_that_round_alone() -> None:
    result = _run("performative_prediction", "gaussian", 6)
    retrains = events(result, "retrain", "model")
    assert list(retrains.day) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert list(retrains.version) == [2, 3, 4, 5, 6]
    assert (retrains.rows == 1000).all()  # one round of 1000 samples, not everything so far
    loss = result.metrics.query("metric == 'training_loss'")
    assert list(loss.day) == [1.0, 2.0, 3.0, 4.0, 5.0]  # recorded when the θ deploys
    assert np.allclose(loss.value, 0.1**2, rtol=0.2)  # squared loss at the mean: σ²


def test_rrm_every_four_days_fits_four_rounds_of_its_deployment() -> None:
    result = _run("hidden_loop_two_models", "slower_retraining", 13)
    demand = events(result, "retrain", "demand")
    assert list(demand.day) == [4.0, 8.0, 12.0] and (demand.rows == 4000).all()
    theta = result.metrics.query("metric == 'theta' and system == 'demand'").set_index("day")
    changes = theta.value.diff().fillna(0) != 0
    assert set(theta.index[changes]) == {4.0, 8.0, 12.0}
    assert len(events(result, "retrain", "pricing")) == 12


def test_rrm_with_a_label_delay_waits_for_its_deployment_s_data() -> None:
    result = _run(
        "performative_prediction", "gaussian", 7, "systems.model.training.label_delay_days=1"
    )
    retrains = events(result, "retrain", "model")
    # Day d's data reaches the log on day d + 1, after that day's retrain: each version is
    # refitted once the round it served has arrived, so RRM retrains every other day.
    assert list(retrains.day) == [2.0, 4.0, 6.0] and (retrains.rows == 1000).all()


def test_strategic_rrm_learns_weights_and_an_intercept() -> None:
    result = _run("performative_prediction", "strategic", 3)
    theta = result.metrics.query("metric == 'theta' and day == 2")
    assert len(theta) == 11 and "intercept" in set(theta.entity)
    assert np.isfinite(result.metrics.query("metric == 'training_loss'").value).all()


def test_the_data_names_the_version_it_responded_to() -> None:
    versions = _run("performative_prediction", "coin", 4).metrics.query("metric == 'model_version'")
    assert list(versions.value) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("scenario", "key", "value"),
    [
        ("performative_prediction", "systems.model.every_days", "2"),
        ("hidden_loop_two_models", "systems.demand.every_days", "4"),
    ],
)
def test_rounds_moved_to_the_training_table(scenario, key, value) -> None:
    with pytest.raises(ConfigError, match=r"this setting moved: write training\.every_days"):
        load_scenario(scenario, [f"{key}={value}"])


def test_rrm_has_no_holdout() -> None:
    with pytest.raises(ConfigError, match="no holdout share"):
        load_scenario("performative_prediction", ["systems.model.training.holdout_share=0.1"])
