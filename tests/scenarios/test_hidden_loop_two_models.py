"""Two coupled performative predictors: the pair's stability is ρ(E), not either model's own ε.

Over 20 seeds: the per-round factor of the distance to θ* = (I − E)⁻¹μ matches ρ(E) within 3%
(0.5 alone, 0.8 weakly coupled, 1.2 coupled); the coupled pair diverges although each diagonal
entry is 0.5; slower retraining by one team does not restore convergence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.performative import gaussian_stable_point, rrm_expected_path, spectral_radius
from tests.scenarios.quick_checks import pair_distance, run_quick

SEEDS = 20


@pytest.fixture(scope="module")
def result() -> sim.RunResult:
    return sim.run("hidden_loop_two_models", reps=SEEDS, horizon_days=30, jobs=2)


def distance(metrics: pd.DataFrame, variant: str) -> pd.Series:
    rows = metrics[(metrics.variant == variant) & (metrics.metric == "distance_to_stable")]
    # The pair's distance: the norm over both models, per round, averaged over replicates.
    wide = rows.pivot_table(index=["replicate", "day"], columns="system", values="value")
    return np.sqrt((wide**2).sum(axis=1)).groupby("day").mean()


@pytest.mark.parametrize(
    ("variant", "rounds"), [("alone", 8), ("weakly_coupled", 20), ("coupled", 30)]
)
def test_rate_is_the_spectral_radius(result, variant, rounds):
    coupling = np.array(result.manifest["variants"][variant]["config"]["world"]["coupling"])
    d = distance(result.metrics, variant).iloc[:rounds]
    factor = np.exp(np.polyfit(d.index, np.log(d), 1)[0])
    assert factor == pytest.approx(spectral_radius(coupling), rel=0.03)


def test_each_model_alone_converges_but_the_pair_diverges(result):
    coupling = np.array(result.manifest["variants"]["coupled"]["config"]["world"]["coupling"])
    assert np.abs(np.diag(coupling)).max() < 1 < spectral_radius(coupling)
    assert distance(result.metrics, "alone").iloc[-1] < 0.01
    assert distance(result.metrics, "coupled").iloc[-1] > 1e3


def test_mean_path_follows_the_coupled_linear_system(result):
    """E[θ_t] = μ + E E[θ_{t-1}]: the replicate mean tracks the closed form within 4 SE."""
    theta = result.metrics.query("variant == 'weakly_coupled' and metric == 'theta'")
    wide = theta.pivot_table(index="day", columns=["system", "replicate"], values="value")
    expected = rrm_expected_path(
        np.array([10.0, 5.0]), np.array([[0.5, 0.3], [0.3, 0.5]]), np.zeros(2), len(wide) - 1
    )
    for i, system in enumerate(["pricing", "demand"]):
        runs = wide[system]
        error = runs.std(axis=1, ddof=1) / np.sqrt(runs.shape[1])
        gap = (runs.mean(axis=1).to_numpy() - expected[:, i]) / np.maximum(error, 1e-6)
        assert np.abs(gap[1:]).max() < 4
    stable = gaussian_stable_point(np.array([10.0, 5.0]), np.array([[0.5, 0.3], [0.3, 0.5]]))
    assert expected[-1] == pytest.approx(stable, rel=0.01)


def test_slower_retraining_does_not_restore_stability(result):
    d = distance(result.metrics, "slower_retraining")
    assert d.iloc[-1] > 5 * d.iloc[0]
    assert d.iloc[-1] > d.iloc[-9]  # still growing


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("hidden_loop_two_models")
    assert pair_distance(m, "coupled").iloc[-1] > 100  # the coupled pair diverges
    assert pair_distance(m, "alone").iloc[-1] < 0.05  # each model alone converges
