"""Cross-references are checked before anything runs: ``debtsim check`` and ``debtsim run`` both
refuse them with exit 2 and one line naming the file and the key path, and ``run`` computes
nothing (its output folder is never made)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from sim.cli import main


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


REFUSED = [
    (
        "cace_entanglement",
        'systems.classifier.features=["x1","nope"]',
        "systems.classifier.features[1]: no feature 'nope' in the world",
    ),
    (
        "cace_entanglement",
        'systems.classifier.groups=[["x1", "x9"]]',
        "systems.classifier.groups[0][1]: no feature 'x9'",
    ),
    ("cace_entanglement", 'systems.classifier.label="nope"', "systems.classifier.label: no"),
    ("cace_entanglement", 'systems.classifier.upstream="classifier"', "loops"),
    ("correction_cascade", "world.history_days=0", "world.history_days: got 0; must be >= 1"),
    ("cace_entanglement", "world.history_days=0", "world.history_days: got 0; must be >= 1"),
    ("threshold_decay", "world.history_days=0", "world.history_days: got 0; must be >= 1"),
    (
        "performative_prediction",
        "systems.model.initial_theta=[]",
        "systems.model.initial_theta: got 0 values; the performative_gaussian world takes θ of "
        "length 1",
    ),
    ("performative_prediction", "systems.model.loss=logistic", "systems.model.loss: a logistic"),
    (
        "direct_feedback_loop",
        'figure.panels=["regret", "nope"]',
        "figure.panels[1]: no variant records a metric 'nope'",
    ),
    ("direct_feedback_loop", 'figure.panels=["ctr@nope"]', "figure.panels[0]: no component"),
    ("direct_feedback_loop", 'figure.system="rankr"', "figure.system: no component 'rankr'"),
    (
        "direct_feedback_loop",
        "systems.ranker.training.every_days=1e-9",
        "systems.ranker.training.every_days: got 1e-09; retrain at most 100 times per tick of 1 "
        "days: 0 (never) or >= 0.01",
    ),
    (
        "cace_entanglement",
        "variants.monitored_rescaled.monitors.churn_monitor.every_days=1e-9",
        "monitors.churn_monitor.every_days: variant 'monitored_rescaled': got 1e-09; check at "
        "most 100 times per tick",
    ),
    (
        "hidden_feedback_loop",
        "world.popularity_spread=1e6",
        "world.popularity_spread: got 1000000.0; must be >= 0 and <= 3",
    ),
    (
        "hidden_loop_two_models",
        "world.coupling=[[1e300, 0.7], [0.7, 0.5]]",
        "world.coupling[0][0]: got 1e+300; must be >= -1000 and <= 1000",
    ),
    (
        "hidden_loop_two_models",
        "world.coupling=[[500, 0.7], [0.7, 0.5]]",
        "world.coupling: the models run away (spectral radius ρ(E) = 500): θ grows",
    ),
    ("hidden_loop_trading", "world.impact=1e300", "world.impact: got 1e+300; must be >= 0 and"),
    (
        "degenerate_feedback_loop",
        "world.delta_high=1e300",
        "world.delta_high: got 1e+300; must be >= 0 and <= 1000000.0",
    ),
    (
        "cace_entanglement",
        "world.features.x1.scale=1e300",
        "world.features.x1.scale: got 1e+300; must be > 0 and <= 1000000.0",
    ),
    (
        "unstable_data_dependency",
        "variants.textbook_shift.world.features.x2.weight=1e300",
        "world.features.x2.weight: variant 'textbook_shift': got 1e+300; must be",
    ),
    (
        "correction_cascade",
        "world.labels.c.weights.x1=1e300",
        "world.labels.c.weights.x1: got 1e+300; must be >= -1e6 and <= 1e6",
    ),
    (
        "undeclared_consumers",
        'variants.hidden_monitored.monitors.b_bias.label="x"',
        "monitors.b_bias.label: variant 'hidden_monitored': no related label 'x' in the world",
    ),
    (
        "unstable_data_dependency",
        'variants.textbook.systems.b.features=[""]',
        "systems.b.features[0]: variant 'textbook': no feature '' in the world",
    ),
    (
        "data_validation",
        'injectors.feed.feature="x9"',
        "injectors.feed.feature: no feature 'x9' in the world",
    ),
    (
        "homogenization",
        "systems.recommender.inputs=[]",
        "systems.recommender.inputs: expected one or more distinct signals, got []",
    ),
]


@pytest.mark.parametrize(("scenario", "setting", "message"), REFUSED)
@pytest.mark.parametrize("command", ["check", "run"])
def test_a_bad_cross_reference_is_refused_before_anything_runs(
    tmp_path: Path, command: str, scenario: str, setting: str, message: str
) -> None:
    out = tmp_path / "out"
    argv = [command, scenario, "--set", setting]
    if command == "run":
        argv += ["--reps", "1", "--horizon-days", "3", "--no-progress", "--out", str(out)]
    code, stdout, err = run_cli(argv)
    assert code == 2, (stdout, err)
    assert err.count("\n") == 1 and err.startswith("debtsim: error: "), err
    assert f"scenarios/{scenario}.toml: " in err
    assert message in err
    assert not out.exists()  # nothing was computed


SWEEP_REFUSED = [
    ('sweep.variants=["nope"]', "sweep.variants[0]: no variant 'nope'"),
    ('sweep.panels=["zz"]', "sweep.panels[0]: no variant records a metric 'zz'"),
    (
        'sweep.grid={"world.usage"=[2.0]}',
        "sweep.grid: point world.usage=2.0, world.adherence=0.1: world.usage: got 2.0; must be",
    ),
]


@pytest.mark.parametrize(("setting", "message"), SWEEP_REFUSED)
def test_check_validates_the_sweep_table(setting: str, message: str) -> None:
    code, stdout, err = run_cli(["check", "hidden_loop_adherence", "--set", setting])
    assert code == 2, (stdout, err)
    assert err.count("\n") == 1 and "scenarios/hidden_loop_adherence.toml: " in err
    assert message in err


TOO_BIG = [
    ["--horizon-days", "1e12"],
    ["--set", "scenario.tick_days=1e-9"],
    ["--reps", "1000000000"],
    ["--set", "world.users=100000000"],
    ["--set", "world.items=10000000"],
]


@pytest.mark.parametrize("arguments", TOO_BIG, ids=lambda a: " ".join(a))
def test_a_run_that_cannot_fit_this_machine_is_refused_up_front(tmp_path, arguments) -> None:
    out = tmp_path / "out"
    argv = ["run", "direct_feedback_loop", *arguments, "--no-progress", "--out", str(out)]
    code, stdout, err = run_cli(argv)
    assert code == 2, (stdout, err)
    assert err.count("\n") == 1, err
    assert "too big for this machine" in err or "too long for this machine" in err
    assert "GiB is available" in err or "the limit is" in err
    assert "--force" in err
    assert not out.exists()


def test_force_runs_what_the_estimate_refuses(tmp_path, monkeypatch) -> None:
    from sim.experiment import resources

    monkeypatch.setattr(resources, "available_memory", lambda: 1000.0)  # bytes
    argv = ["run", "direct_feedback_loop", "--variant", "greedy", "--reps", "1"]
    argv += ["--horizon-days", "2", "--no-progress", "--out"]
    code, _, err = run_cli([*argv, str(tmp_path / "refused")])
    assert code == 2 and "too big for this machine" in err
    code, _, err = run_cli([*argv, str(tmp_path / "forced"), "--force"])
    assert code == 0, err
    assert (tmp_path / "forced" / "manifest.json").is_file()


def test_the_catalogue_checks_and_fits() -> None:
    from sim.scenario.loader import catalogue

    code, stdout, err = run_cli(["check", *sorted(catalogue())])
    assert (code, err) == (0, ""), err
    assert stdout.count("ok  ") == len(catalogue())


def test_a_rate_that_outgrows_the_sampler_within_the_horizon_is_refused() -> None:
    argv = ["check", "attention_allocation", "--set", "world.dynamic_rate=1e6"]
    code, _, err = run_cli([*argv, "--set", "scenario.horizon_days=2e6"])
    assert code == 2, err
    assert "world.dynamic_rate: got 1e+06: a neglected site's rate would reach 2e+12" in err
    assert run_cli(argv)[0] == 0  # within the file's 1000 days it stays in range


def test_a_selection_of_variants_is_checked_for_what_it_runs() -> None:
    # the figure's alerts panel is recorded by another variant's monitor only
    argv = ["check", "undeclared_consumers", "--variant", "hidden"]
    code, _, err = run_cli(argv)
    assert (code, err) == (0, ""), err
