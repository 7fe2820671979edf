"""Settings that used to be accepted and do nothing are refused before any work (issue 13):
a variant's ``replace`` of a path the baseline does not have, a ``--metric`` no configuration
declares, a ``--perturb`` that names no setting or changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.build import build_ecosystem
from sim.scenario.figure_metrics import configuration_metrics
from sim.scenario.loader import catalogue
from sim.scenario.resolve import load_scenario
from tests.cli_checks import ROOT, one_error


@pytest.fixture(autouse=True)
def _in_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)


# --- replace ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("systems.nope.policy", "the baseline has no systems.nope to replace; systems has: ranker"),
        ("systems.ranker.polcy", "no systems.ranker.polcy to replace (did you mean 'policy'?)"),
        ("systems.ranker.policy.kind.x", "the baseline has no systems.ranker.policy.kind.x"),
    ],
)
def test_replace_of_a_path_the_baseline_does_not_have(capsys, tmp_path, path, needle):
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "direct_feedback_loop"\n[variants.x]\nreplace = ["{path}"]\n')
    line = one_error(capsys, ["check", str(child)])
    assert line.startswith(f"debtsim: error: {child}: variants.x.replace: '{path}': ")
    assert needle in line


# --- --metric ---------------------------------------------------------------------------

SWEEP = ["sweep", "direct_feedback_loop", "--grid", "world.users=100,200", "--variant", "greedy"]
SMALL = ["--reps", "1", "--horizon-days", "2", "--set", "world.items=20", "--no-progress"]


@pytest.mark.parametrize(
    ("metric", "needle"),
    [
        ("nope", "'nope': no metric 'nope'; the scenario's metrics: ctr, estimate_error, "),
        ("regrt", "no metric 'regrt' (did you mean 'regret'?)"),
        ("regret@rankr", "no system 'rankr' (did you mean 'ranker'?); the scenario's components"),
    ],
)
def test_a_metric_no_configuration_declares_is_refused_before_any_work(
    capsys, tmp_path, metric, needle
):
    out = tmp_path / "sweep"
    argv = [*SWEEP, *SMALL, "--metric", "regret", "--metric", metric, "--out", str(out)]
    line = one_error(capsys, argv)
    assert line.startswith("debtsim: error: --metric: ") and needle in line
    assert not out.exists()


def test_an_entity_the_results_lack_is_refused_and_the_work_is_kept(capsys, tmp_path):
    out = tmp_path / "sweep"
    line = one_error(capsys, [*SWEEP, *SMALL, "--metric", "ctr:x", "--out", str(out)])
    assert "--metric: 'ctr:x': ctr has no entity 'x'; its entities: none" in line
    assert main([*SWEEP, *SMALL, "--metric", "ctr", "--out", str(out)]) == 0
    assert (out / "manifest.json").is_file() and list((out / "figures").glob("*.png"))


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_recorded_metric_is_declared_at_setup(name):
    """What --metric is checked against: the metrics a baseline records in a short run are
    those its components declare when set up."""
    scenario = load_scenario(name, quick=True, variants=None)
    blueprint = scenario.blueprints[scenario.meta.baseline]
    declared, _ = configuration_metrics(blueprint, scenario.meta.tick_days)
    recorded = build_ecosystem(blueprint, 1, scenario.meta.tick_days).run(3).metrics()
    assert set(recorded["metric"]) <= declared


# --- --perturb --------------------------------------------------------------------------

CACE = ["cace", "cace_entanglement", "--reps", "2", "--horizon-days", "3", "--no-progress"]


@pytest.mark.parametrize(
    ("perturbation", "needle"),
    [
        (
            "world.features.x9.scale=2",
            "variant 'stable' has no setting world.features.x9; world.features has: x1, x2, x3, "
            "x4, x5, x6; a perturbation changes an existing setting",
        ),
        (
            "world.rows_per_day=2000",
            "changes nothing in variant 'stable': world.rows_per_day is 2000 already",
        ),
        (
            "world.features.x1.scale=1",
            "changes nothing in variant 'stable': world.features.x1.scale is 1.0 already",
        ),
        ("scenario.seed=5", "scenario.seed is not part of what each unit simulates"),
    ],
)
def test_a_perturbation_must_change_an_existing_setting(
    capsys, tmp_path: Path, perturbation, needle
):
    out = tmp_path / "cace"
    line = one_error(capsys, [*CACE, "--perturb", perturbation, "--out", str(out)])
    assert line.startswith(f"debtsim: error: --perturb: '{perturbation}': ") and needle in line
    assert not out.exists()


def test_a_perturbation_of_a_default_setting_is_accepted(capsys, tmp_path):
    """A setting the file leaves at its default exists: perturbing it is a real change."""
    out = tmp_path / "cace"
    argv = [*CACE, "--perturb", "systems.classifier.validation_share=0.5", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
