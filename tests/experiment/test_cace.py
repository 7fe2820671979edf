"""The CACE harness: common random numbers, entanglement found, isolation confines it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.core.errors import ConfigError
from sim.experiment.cace import cace

FAST = {"reps": 4, "horizon_days": 14, "overrides": ["world.rows_per_day=800"]}


def changes_of(result, perturbation: str) -> pd.DataFrame:
    rows = result.changes[result.changes.perturbation == perturbation]
    return rows.set_index(["metric", "entity"])


@pytest.mark.parametrize(
    ("scenario", "inert"),
    [
        ("cace_entanglement", "systems.classifier.owner=another-team"),
        ("direct_feedback_loop", "systems.ranker.owner=another-team"),
        ("hidden_feedback_loop", "systems.inventory.owner=another-team"),
    ],
)
def test_a_perturbation_the_simulation_ignores_changes_nothing_exactly(scenario, inert):
    """Common random numbers: a unit whose configuration differs only in who owns a system
    gives exactly the reference's outputs."""
    result = cace(scenario, [inert], reps=3, horizon_days=10)
    assert len(result.changes) > 0
    assert (result.changes["change"] == 0).all()
    assert (result.changes["ci_low"] == 0).all() and (result.changes["ci_high"] == 0).all()


@pytest.mark.parametrize(
    ("scenario", "zero"),
    [
        ("cace_entanglement", "world.features.x1.scale=1.0"),
        ("direct_feedback_loop", "world.base_ctr=0.05"),
        ("hidden_feedback_loop", "systems.inventory.safety_factor=1.0"),
    ],
)
def test_a_perturbation_to_the_current_value_is_refused(scenario, zero):
    """It would report "0 outputs moved": a typo that looks like a finding (issue 13)."""
    with pytest.raises(ConfigError, match=r"changes nothing in variant .* already") as info:
        cace(scenario, [zero], reps=3, horizon_days=10)
    assert info.value.path == "--perturb"


def test_rescaling_one_input_moves_the_weights_of_the_others():
    result = cace("cace_entanglement", ["world.features.x1.scale=3.0"], **FAST)
    weights = changes_of(result, "world.features.x1.scale=3.0").loc["weight"]
    # x2 is correlated with x1 and was never touched: its weight moves (CI excludes 0) by more
    # than a third; x3 and x4 move too (entanglement through the shared regulariser).
    x2 = weights.loc["x2"]
    assert x2["ci_high"] < 0 and x2["relative_change"] < -0.33
    for other in ("x3", "x4"):
        assert weights.loc[other, "ci_low"] > 0 or weights.loc[other, "ci_high"] < 0


def test_isolated_sub_models_confine_the_change():
    result = cace("cace_entanglement", ["world.features.x1.scale=3.0"], variant="isolated", **FAST)
    weights = changes_of(result, "world.features.x1.scale=3.0").loc["weight"]
    assert weights.loc["x1", "ci_high"] < 0  # the affected sub-model moves ...
    for other in ("x2", "x3", "x4", "x5"):
        assert weights.loc[other, "change"] == 0  # ... and no other moves at all


def test_the_regularisation_strength_moves_every_weight():
    result = cace("cace_entanglement", ["systems.classifier.l2=1.0"], **FAST)
    weights = changes_of(result, "systems.classifier.l2=1.0").loc["weight"]
    # Every informative weight shrinks (x5 is noise: its weight is near zero either way).
    assert (weights.loc[["x1", "x2", "x3", "x4"], "ci_high"] < 0).all()


def test_cli_writes_tables_and_a_heat_map(tmp_path, capsys):
    args = [
        "cace",
        "cace_entanglement",
        "--perturb",
        "world.features.x5.scale=10.0",
        "--perturb",
        "world.features.x1.scale=3.0",
        "--reps",
        "3",
        "--horizon-days",
        "8",
        "--set",
        "world.rows_per_day=500",
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "world.features.x1.scale=3.0:" in out and "weight:x2" in out
    sensitivity = pd.read_csv(tmp_path / "sensitivity.csv", index_col=0)
    assert list(sensitivity.index) == [
        "world.features.x5.scale=10.0",
        "world.features.x1.scale=3.0",
    ]
    assert np.isfinite(sensitivity.loc["world.features.x1.scale=3.0", "classifier:weight:x2"])
    assert (tmp_path / "cace.csv").is_file() and (tmp_path / "figures" / "cace.png").is_file()


def test_bad_perturbations_exit_2(capsys):
    assert main(["cace", "cace_entanglement"]) == 2
    assert main(["cace", "cace_entanglement", "--perturb", "world.featurez.x1.scale=2"]) == 2
    assert main(["cace", "cace_entanglement", "--perturb", "nokey"]) == 2
    err = capsys.readouterr().err
    assert err.count("debtsim: error:") == 3 and "Traceback" not in err


def test_one_replicate_claims_no_moved_output(tmp_path, capsys):
    """With one paired replicate no change has a CI: the CLI says so instead of listing moves."""
    args = ["cace", "cace_entanglement", "--perturb", "world.features.x1.scale=3.0"]
    args += ["--reps", "1", "--horizon-days", "8", "--set", "world.rows_per_day=500"]
    assert main([*args, "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "1 perturbation × 1 paired replicate →" in out
    assert "1 replicate: no confidence interval" in out and "moved (95% CI" not in out
    changes = pd.read_csv(tmp_path / "cace.csv", keep_default_na=False, na_values={"ci_low": [""]})
    assert changes["ci_low"].isna().all() and (changes["n"] == 1).all()
    again = cace(
        "cace_entanglement",
        ["world.features.x1.scale=3.0"],
        reps=1,
        horizon_days=8,
        overrides=["world.rows_per_day=500"],
        out=tmp_path,
    )
    assert again.nothing_to_do and again.changes["ci_high"].isna().all()
    assert again.changes["change"].dtype == float
