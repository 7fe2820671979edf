"""A hand-set threshold decays as the world drifts; re-tuning at every retrain holds the target.

12 seeds, the scenario's 240 days at 1,000 rows a day, paired by replicate. Tolerances: over the
last 30 days the fixed threshold's precision is more than 0.1 below the 80% target in every
world, and further below than in days 30–60 (it grows with the drift); re-tuned, the mean gap
stays within ±0.06 in at least 11 of 12 worlds; without drift the fixed threshold holds (±0.06).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.components.tabular.thresholds import precision_recall, threshold_for_precision
from tests.scenarios.quick_checks import mean_from, most, run_quick

SEEDS = 12


@pytest.fixture(scope="module")
def gap() -> pd.DataFrame:
    metrics = sim.run(
        "threshold_decay",
        reps=SEEDS,
        jobs=2,
        overrides=["world.rows_per_day=1000"],
        variants=["fixed_threshold", "recalibrated", "no_drift"],
    ).metrics
    rows = metrics[metrics.metric == "precision_gap"]
    return rows.assign(window=pd.cut(rows.day, [29, 60, 209, 240], labels=["early", "mid", "late"]))


def mean_gap(gap: pd.DataFrame, window: str) -> pd.DataFrame:
    rows = gap[gap.window == window]
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc="mean")


def test_the_fixed_threshold_decays_with_the_drift(gap):
    late, early = mean_gap(gap, "late"), mean_gap(gap, "early")
    assert (late["fixed_threshold"] < -0.1).all()
    assert (late["fixed_threshold"] < early["fixed_threshold"]).all()


def test_recalibration_keeps_precision_in_band(gap):
    late = mean_gap(gap, "late")["recalibrated"]
    assert (late.abs() < 0.06).sum() >= SEEDS - 1


def test_without_drift_the_hand_set_threshold_holds(gap):
    late = mean_gap(gap, "late")["no_drift"]
    assert (late.abs() < 0.06).sum() >= SEEDS - 1


def test_threshold_for_precision_is_the_lowest_that_reaches_it():
    rng = np.random.default_rng(3)
    scores = rng.random(5000)
    labels = (rng.random(5000) < scores).astype(float)  # calibrated scores
    t = threshold_for_precision(scores, labels, 0.8)
    precision, _ = precision_recall(scores, labels, t)
    assert precision >= 0.8
    lower = np.max(scores[scores < t])  # the next cut down falls short
    assert precision_recall(scores, labels, lower)[0] < 0.8 + 1e-9 or lower == t
    # For calibrated uniform scores, precision(t) = (1 + t) / 2, so t ≈ 0.6.
    assert t == pytest.approx(0.6, abs=0.03)


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("threshold_decay")
    late = mean_from(m, "precision_gap", first=209)
    assert (late["fixed_threshold"] < -0.08).all()  # precision decays with the drift
    assert most(late["recalibrated"].abs() < 0.07)  # recalibration keeps it in band
