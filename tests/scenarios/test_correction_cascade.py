"""The improvement deadlock of correction cascades, over 8 seeds (paired by replicate).

Tolerances: A's loss falls after its upgrade in every world; every correction model's loss rises
by more than 0.03 in every world; the chain's total damage (the sum of its models' loss rises)
grows with its length in every world; models that learn their problem directly move by less than
0.01 on average.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from tests.scenarios.quick_checks import most, run_quick

SEEDS = 8


@pytest.fixture(scope="module")
def change() -> pd.DataFrame:
    metrics = sim.run(
        "correction_cascade",
        reps=SEEDS,
        horizon_days=100,
        jobs=2,
        variants=["chain_3", "chain_2", "chain_1", "direct"],
        overrides=["world.rows_per_day=600"],
    ).metrics
    rows = metrics[metrics.metric == "loss_change_after_upgrade"]
    return rows.pivot_table(index="replicate", columns=["variant", "system"], values="value")


def test_the_upgrade_improves_a(change):
    assert (change["chain_3"]["a"] < 0).all()


def test_every_correction_gets_worse(change):
    for system in ("b", "c", "d"):
        assert (change["chain_3"][system] > 0.03).all()


def test_longer_chains_do_more_damage(change):
    damage = {v: change[v].drop(columns="a").sum(axis=1) for v in ("chain_1", "chain_2", "chain_3")}
    assert (damage["chain_1"] < damage["chain_2"]).all()
    assert (damage["chain_2"] < damage["chain_3"]).all()


def test_learning_directly_removes_the_deadlock(change):
    direct = change["direct"].drop(columns="a")
    assert direct.mean().abs().max() < 0.01


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("correction_cascade")
    rows = m[m.metric == "loss_change_after_upgrade"]
    change = rows.pivot_table(index="replicate", columns=["variant", "system"], values="value")
    assert (change["chain_3"]["a"] < 0).all()  # the upgrade improves a ...
    for system in ("b", "c", "d"):
        assert most(change["chain_3"][system] > 0.02)  # ... and every correction gets worse
    assert change["direct"].drop(columns="a").mean().abs().max() < 0.02  # learning directly
