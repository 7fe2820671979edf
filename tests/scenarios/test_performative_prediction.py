"""Repeated risk minimisation against Perdomo et al.'s closed forms, over 20 seeds.

Gaussian testbed: the distance to θ_PS = μ/(1 − ε) shrinks by ε per round (tolerance: the fitted
per-round factor within 3% of ε) and grows by ε when ε > 1; the mean path matches the expected
path θ_t = θ_PS (1 − ε^t) within 4 standard errors. Coin: θ settles at (1/2 + m)/(1 − ε).
Strategic classification: RRM settles (consecutive models differ by no more than sampling noise)
for ε ≤ 1 and keeps jumping for ε = 100 and 1000.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.performative import coin_stable_point, rrm_expected_path
from tests.scenarios.quick_checks import run_quick

SEEDS = 20


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    return sim.run(
        "performative_prediction",
        reps=SEEDS,
        horizon_days=25,
        variants=["gaussian", "gaussian_weak", "gaussian_unstable", "coin"],
        jobs=2,
    ).metrics


def per_round(metrics: pd.DataFrame, variant: str, metric: str) -> pd.DataFrame:
    rows = metrics[(metrics.variant == variant) & (metrics.metric == metric)]
    return rows.pivot(index="day", columns="replicate", values="value")


@pytest.mark.parametrize(
    ("variant", "epsilon", "rounds"),
    [("gaussian", 0.9, 25), ("gaussian_weak", 0.5, 8), ("gaussian_unstable", 1.1, 25)],
)
def test_distance_contracts_at_rate_epsilon(metrics, variant, epsilon, rounds):
    distance = per_round(metrics, variant, "distance_to_stable").iloc[:rounds]
    slope = np.polyfit(distance.index, np.log(distance.mean(axis=1)), 1)[0]
    assert np.exp(slope) == pytest.approx(epsilon, rel=0.03)


def test_mean_path_matches_the_expected_rrm_path(metrics):
    theta = per_round(metrics, "gaussian", "theta")
    expected = rrm_expected_path(np.array([10.0]), np.array([[0.9]]), np.zeros(1), 24)[:, 0]
    standard_error = theta.std(axis=1, ddof=1) / np.sqrt(SEEDS)
    gap = (theta.mean(axis=1).to_numpy() - expected) / np.maximum(standard_error, 1e-6)
    assert np.abs(gap[1:]).max() < 4


def test_coin_settles_at_its_stable_point(metrics):
    theta = per_round(metrics, "coin", "theta")
    assert theta.iloc[-10:].mean().mean() == pytest.approx(coin_stable_point(0.1, 0.3), abs=0.005)


@pytest.fixture(scope="module")
def strategic() -> pd.DataFrame:
    return sim.run(
        "performative_prediction",
        reps=4,
        horizon_days=12,
        variants=["strategic_small", "strategic", "strategic_strong", "strategic_extreme"],
        jobs=2,
    ).metrics


def test_strategic_rrm_settles_only_when_applicants_react_weakly(strategic):
    late = strategic[(strategic.metric == "theta_change") & (strategic.day >= 6)]
    change = late.groupby("variant").value.median()
    # Sampling noise with 10,000 applicants moves θ by ≈ 0.1 per round.
    assert change["strategic_small"] < 0.3 and change["strategic"] < 0.3
    assert change["strategic_strong"] > 3 * change["strategic"]
    assert change["strategic_extreme"] > 10 * change["strategic"]


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("performative_prediction")
    distance = m[m.metric == "distance_to_stable"].groupby(["variant", "day"]).value.mean()
    assert distance["gaussian_unstable"].iloc[-1] > distance["gaussian_unstable"].iloc[0]
    assert distance["gaussian"].iloc[-1] < 0.5 * distance["gaussian"].iloc[0]  # 0.9^11 ≈ 0.31
    late = m[(m.metric == "theta_change") & (m.day >= 6)].groupby("variant").value.median()
    assert late["strategic_strong"] > 3 * late["strategic"]  # overreaction: RRM oscillates
