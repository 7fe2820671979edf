"""Every catalogue scenario's ``[quick]`` preset runs, and still shows its phenomenon.

The fast tests check that each preset is declared, validates, is smaller than the default run
and runs (one replicate, a few days). The slow tests run each preset as ``debtsim run NAME
--quick`` does and assert, with looser tolerances than the scenario's own tests (fewer
replicates, sometimes a shorter horizon), that the debt appears in the baseline and the main
mitigation reduces it. Comparisons are paired: replicate r of every variant shares its seed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import sim
from sim.scenario.loader import catalogue
from sim.scenario.resolve import load_scenario

NAMES = sorted(catalogue())


def _last(m: pd.DataFrame, metric: str, entity: str = "", system: str | None = None):
    """Replicate × variant table of ``metric`` on the last day it was recorded."""
    rows = m[(m.metric == metric) & (m.entity == entity)]
    if system is not None:
        rows = rows[rows.system == system]
    rows = rows[rows.day == rows.day.max()]
    return rows.pivot_table(index="replicate", columns="variant", values="value")


def _mean(m: pd.DataFrame, metric: str, entity: str = "", first: float = 0.0, system=None):
    """Replicate × variant mean of ``metric`` from day ``first`` on."""
    rows = m[(m.metric == metric) & (m.entity == entity) & (m.day >= first)]
    if system is not None:
        rows = rows[rows.system == system]
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc="mean")


def _most(flags: pd.Series) -> bool:
    """True in all replicates but at most one (quick presets run 3 to 8)."""
    return bool(flags.sum() >= len(flags) - 1)


def attention_allocation(m: pd.DataFrame) -> None:
    gap = _last(m, "fairness_gap")
    attention = _last(m, "attention", "site5")
    assert attention["greedy"].mean() < attention["uniform"].mean()  # the quiet site neglected
    assert _most(gap["greedy"] > gap["proportional_eps10"] + 0.1)  # exploring closes the gap


def cace_entanglement(m: pd.DataFrame) -> None:
    x2 = _mean(m, "weight", "x2", first=77)
    assert _most((x2["rescaled_input"] - x2["stable"]).abs() > 0.02)  # x1 changed, x2 moves
    assert ((x2["isolated_rescaled"] - x2["isolated"]).abs() < 0.02).all()  # isolated: it stays


def correction_cascade(m: pd.DataFrame) -> None:
    rows = m[m.metric == "loss_change_after_upgrade"]
    change = rows.pivot_table(index="replicate", columns=["variant", "system"], values="value")
    assert (change["chain_3"]["a"] < 0).all()  # the upgrade improves a ...
    for system in ("b", "c", "d"):
        assert _most(change["chain_3"][system] > 0.02)  # ... and every correction gets worse
    assert change["direct"].drop(columns="a").mean().abs().max() < 0.02  # learning directly


def degenerate_feedback_loop(m: pd.DataFrame) -> None:
    drift = _last(m, "interest_drift")
    assert (drift["greedy"] > 0.4).all()  # interests drift away
    assert (drift["resets"] < drift["greedy"]).all()  # resets bound the drift


def direct_feedback_loop(m: pd.DataFrame) -> None:
    regret = _last(m, "regret")
    gini = _last(m, "exposure_gini")
    assert gini["greedy"].mean() > 0.8  # greedy concentrates exposure
    assert _most(regret["greedy"] > regret["thompson"])
    assert regret["thompson"].mean() < 0.6 * regret["greedy"].mean()


def hidden_feedback_loop(m: pd.DataFrame) -> None:
    bias = _last(m, "forecast_bias_true")
    error = _mean(m, "forecast_error_true", first=m.day.max())
    assert (bias["naive"] < -0.08).all()  # the forecast is driven down
    assert bias["censoring_aware"].abs().mean() < 0.06
    assert error["censoring_aware"].mean() < 0.6 * error["naive"].mean()


def hidden_loop_adherence(m: pd.DataFrame) -> None:
    observed, true = _last(m, "error_observed"), _last(m, "error_true")
    assert (observed["adopted"] < 0.4 * observed["no_usage"]).all()  # flattered by its echo
    assert (true["adopted"] / true["no_usage"]).mean() > 0.95  # and no better in truth
    assert 0.75 < (observed["organic_only"] / observed["no_usage"]).mean() < 1.33  # honest again


def hidden_loop_trading(m: pd.DataFrame) -> None:
    late = m.day.max() - 250
    vol = _mean(m, "volatility", first=late, system="world")
    assert (vol["both_adaptive"] / vol["none_adaptive"]).mean() > 2  # the loop amplifies
    assert 0.8 < (vol["impact_aware"] / vol["none_adaptive"]).mean() < 1.25  # and is removed


def _pair_distance(m: pd.DataFrame, variant: str) -> pd.Series:
    rows = m[(m.variant == variant) & (m.metric == "distance_to_stable")]
    wide = rows.pivot_table(index=["replicate", "day"], columns="system", values="value")
    return np.sqrt((wide**2).sum(axis=1)).groupby("day").mean()


def hidden_loop_two_models(m: pd.DataFrame) -> None:
    assert _pair_distance(m, "coupled").iloc[-1] > 100  # the coupled pair diverges
    assert _pair_distance(m, "alone").iloc[-1] < 0.05  # each model alone converges


def homogenization(m: pd.DataFrame) -> None:
    final = _last(m, "homogenization")
    diff = final["repeated"] - final["single"]
    assert (diff > 0).all() and diff.mean() > 0.15  # repeated training homogenizes more


def lending_threshold(m: pd.DataFrame) -> None:
    early = _window(m, "approval_rate", "group_1", 2, 21)
    late = _window(m, "approval_rate", "group_1", m.day.max() - 19, m.day.max())
    assert (late["fixed"] / early["fixed"]).mean() < 0.5  # the pool drains
    gap = _last(m, "tpr_gap")
    assert (gap["fixed_equal_opportunity"] < -0.03).all()  # a day-0 fair pair decays ...
    assert gap["oracle_equal_opportunity"].abs().max() < 1e-9  # ... re-tuning keeps it fair


def _window(m: pd.DataFrame, metric: str, entity: str, first: float, last: float):
    rows = m[(m.metric == metric) & (m.entity == entity) & (m.day >= first) & (m.day <= last)]
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc="mean")


def performative_prediction(m: pd.DataFrame) -> None:
    distance = m[m.metric == "distance_to_stable"].groupby(["variant", "day"]).value.mean()
    assert distance["gaussian_unstable"].iloc[-1] > distance["gaussian_unstable"].iloc[0]
    assert distance["gaussian"].iloc[-1] < 0.5 * distance["gaussian"].iloc[0]  # 0.9^11 ≈ 0.31
    late = m[(m.metric == "theta_change") & (m.day >= 6)].groupby("variant").value.median()
    assert late["strategic_strong"] > 3 * late["strategic"]  # overreaction: RRM oscillates


def runaway_policing(m: pd.DataFrame) -> None:
    share = _last(m, "patrol_share", "top1")
    gap = _last(m, "share_gap", "top1").abs()
    assert (share["discovered_only"] > 0.85).all()  # patrols run away to top1
    assert (gap["fix"] < gap["discovered_only"] - 0.2).all()  # the fix follows the truth


def threshold_decay(m: pd.DataFrame) -> None:
    late = _mean(m, "precision_gap", first=209)
    assert (late["fixed_threshold"] < -0.08).all()  # precision decays with the drift
    assert _most(late["recalibrated"].abs() < 0.07)  # recalibration keeps it in band


PHENOMENA: dict[str, Callable[[pd.DataFrame], None]] = {
    f.__name__: f
    for f in (
        attention_allocation,
        cace_entanglement,
        correction_cascade,
        degenerate_feedback_loop,
        direct_feedback_loop,
        hidden_feedback_loop,
        hidden_loop_adherence,
        hidden_loop_trading,
        hidden_loop_two_models,
        homogenization,
        lending_threshold,
        performative_prediction,
        runaway_policing,
        threshold_decay,
    )
}


def test_every_catalogue_scenario_has_a_phenomenon_check():
    assert sorted(PHENOMENA) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_the_preset_is_declared_smaller_and_runs(name: str) -> None:
    default = load_scenario(name)
    quick = load_scenario(name, quick=True)
    assert default.quick.declared and quick.quick_applied
    assert quick.meta.replicates <= default.meta.replicates
    assert quick.meta.horizon_days <= default.meta.horizon_days
    work = quick.meta.replicates * quick.meta.horizon_days
    assert work < default.meta.replicates * default.meta.horizon_days
    baseline = [quick.meta.baseline]  # its settings, one replicate of two days
    result = sim.run(name, quick=True, reps=1, horizon_days=2, variants=baseline)
    assert result.manifest["quick"] is True
    assert set(result.metrics.variant) == set(baseline)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_the_quick_preset_shows_the_phenomenon(name: str) -> None:
    result = sim.run(name, quick=True, jobs=2)
    quick = load_scenario(name, quick=True)
    assert result.metrics.replicate.nunique() == quick.meta.replicates
    PHENOMENA[name](result.metrics)
