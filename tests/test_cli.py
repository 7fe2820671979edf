"""The ``debtsim`` command line, called in-process: catalogue, explain, check, run, bad input.

Bad input exits 2 with exactly one ``debtsim: error:`` line on stderr and never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from tests.cli_checks import one_error

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "direct_feedback_loop.toml"
VARIANTS = ["greedy", "epsilon_greedy", "epsilon_decay", "ucb1", "thompson", "softmax", "holdout"]


@pytest.fixture(autouse=True)
def _in_the_repository(monkeypatch):
    """Catalogue names resolve against ./scenarios, so run from the repository root."""
    monkeypatch.chdir(ROOT)


def test_list_shows_the_catalogue_with_titles(capsys):
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    line = next(line for line in out.splitlines() if line.startswith("direct_feedback_loop"))
    assert "greedy recommender learns only from its own choices" in line
    assert "invalid" not in line


def test_explain_prints_the_narrative_and_variants(capsys):
    assert main(["explain", "direct_feedback_loop"]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("direct_feedback_loop — ")
    assert "Paper section: Feedback Loops / Direct feedback loops" in out
    for heading in ("What it shows", "Mechanism", "In the figure", "Mitigations", "Questions"):
        assert f"\n{heading}\n" in out
    assert "never get the chance to prove themselves" in out
    variants_block = out.split("\nVariants\n", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[0] for line in variants_block.splitlines()] == VARIANTS
    assert "Run it: debtsim run direct_feedback_loop" in out
    assert "debtsim run direct_feedback_loop --quick" in out


@pytest.mark.parametrize("target", [str(SCENARIO), "scenarios/direct_feedback_loop.toml"])
def test_check_a_valid_file(capsys, target):
    assert main(["check", target]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("ok  ")
    assert f"{len(VARIANTS)} variants" in out
    assert all(v in out for v in VARIANTS)


def test_check_with_overrides(capsys):
    argv = ["check", "direct_feedback_loop", "--set", "world.users=300", "--set", "world.items=20"]
    assert main(argv) == 0
    assert "ok  " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["run", "no_such_scenario"], ("no scenario called 'no_such_scenario'",)),
        (["run", "direct_feedbak_loop"], ("did you mean 'direct_feedback_loop'",)),
        (["check", "missing.toml"], ("no such scenario file: missing.toml",)),
        (["run", "some/dir/missing.toml"], ("no such scenario file",)),
        (["run", "direct_feedback_loop", "--reps", "0"], ("--reps", "positive integer")),
        (["run", "direct_feedback_loop", "--reps", "x"], ("--reps", "'x'")),
        (["run", "direct_feedback_loop", "--seed", "-1"], ("--seed", "non-negative")),
        (["run", "direct_feedback_loop", "--seed", "1.5"], ("--seed",)),
        (["run", "direct_feedback_loop", "--horizon-days", "0"], ("--horizon-days", "positive")),
        (["run", "direct_feedback_loop", "--horizon-days", "nan"], ("--horizon-days",)),
        (["run", "direct_feedback_loop", "--jobs", "0"], ("--jobs", "positive integer")),
        (["run", "direct_feedback_loop", "--set", "nokey"], ("--set 'nokey'", "KEY.PATH=VALUE")),
        (["run", "direct_feedback_loop", "--set", "world.users=-5"], ("world.users", ">= 1")),
        (
            ["run", "direct_feedback_loop", "--set", "world.users=abc"],
            ("world.users", "expected an integer", "'abc'"),
        ),
        (["check", "direct_feedback_loop", "--set", "world.userz=5"], ("did you mean 'users'",)),
        (["run", "direct_feedback_loop", "--variant", "nope"], ("--variant", "no variant 'nope'")),
        (["run", "direct_feedback_loop", "--variant", "thompsn"], ("did you mean 'thompson'",)),
        (["explain", "nope"], ("no scenario called 'nope'",)),
        (["frobnicate"], ("invalid choice", "'frobnicate'")),
        ([], ("required",)),
        (["run"], ("required",)),
        (["run", "direct_feedback_loop", "--bogus"], ("unrecognized arguments",)),
    ],
)
def test_bad_input_exits_2_with_one_message(capsys, argv, needles):
    line = one_error(capsys, argv)
    for needle in needles:
        assert needle in line, line


def test_config_errors_name_the_file(capsys):
    line = one_error(capsys, ["check", str(SCENARIO), "--set", "world.users=-5"])
    assert str(SCENARIO) in line


def test_bad_toml_file_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[world\nusers = 3\n", encoding="utf-8")
    line = one_error(capsys, ["check", str(bad)])
    assert str(bad) in line
    assert "invalid TOML" in line


def test_a_small_real_run(capsys, tmp_path):
    out = tmp_path / "run"
    argv = [
        "run",
        "direct_feedback_loop",
        "--reps",
        "2",
        "--horizon-days",
        "5",
        "--set",
        "world.users=300",
        "--set",
        "world.items=20",
        "--out",
        str(out),
        "--no-progress",
    ]
    assert main(argv) == 0
    stdout, err = capsys.readouterr()
    assert "Traceback" not in err
    assert f"{len(VARIANTS)} variants × 2 replicates" in stdout

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"] == "direct_feedback_loop"
    assert manifest["replicates"] == 2
    assert manifest["horizon_days"] == 5.0
    assert manifest["overrides"] == ["world.users=300", "world.items=20"]
    assert list(manifest["variants"]) == VARIANTS
    for variant in manifest["variants"].values():
        assert variant["config"]["world"]["users"] == 300
        assert variant["config"]["world"]["items"] == 20

    metrics = pd.read_parquet(out / "metrics.parquet")
    assert list(metrics.columns) == [
        "variant",
        "replicate",
        "day",
        "system",
        "entity",
        "metric",
        "value",
    ]
    assert set(metrics["variant"]) == set(VARIANTS)
    assert set(metrics["replicate"]) == {0, 1}
    assert metrics["day"].between(0, 5).all()
    assert {"regret", "ctr"} <= set(metrics["metric"])

    events = pd.read_parquet(out / "events.parquet")
    assert {"variant", "replicate"} <= set(events.columns)
    assert len(events) > 0

    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    assert list(summary.columns) == [
        "variant",
        "system",
        "entity",
        "metric",
        "mean",
        "ci_low",
        "ci_high",
        "n",
    ]
    assert set(summary["variant"]) == set(VARIANTS)
    assert (summary["n"] == 2).all()

    figures = out / "figures"
    assert list(figures.glob("*.png"))
    assert list(figures.glob("*.svg"))
    assert not (out / "parts").exists() or not any((out / "parts").iterdir())


def test_python_dash_m_sim_list():
    done = subprocess.run(
        [sys.executable, "-m", "sim", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "direct_feedback_loop" in done.stdout


@pytest.mark.parametrize("command", ["run", "sweep", "cace", "check"])
@pytest.mark.parametrize(
    "words",
    [["--variant", "greedy", "ucb1"], ["--variant", "greedy", "--variant", "ucb1"]],
    ids=["one flag, two names", "the flag repeated"],
)
def test_variant_takes_several_names_either_way(command, words):
    from sim.cli import build_parser

    target = ["direct_feedback_loop"]
    args = build_parser().parse_args([command, *target, *words])
    assert args.variant == ["greedy", "ucb1"]


def test_check_validates_the_variants_named(capsys):
    assert main(["check", "direct_feedback_loop", "--variant", "thompson", "greedy"]) == 0
    assert "2 variants (thompson, greedy)" in capsys.readouterr().out
    assert main(["check", "direct_feedback_loop", "--variant", "ucb1"]) == 0
    assert ": 1 variant (ucb1)" in capsys.readouterr().out
    line = one_error(capsys, ["check", "direct_feedback_loop", "--variant", "greedy", "ucb"])
    assert "no variant 'ucb'" in line


def test_check_says_where_a_set_does_not_apply(capsys):
    argv = ["check", "hidden_loop_trading", "--set", "systems.desk_a.aggressiveness=0.4"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert (
        "--set systems.desk_a.aggressiveness=0.4 does not apply to variant 'no_traders': "
        "no system 'desk_a'" in out
    )
    assert out.count("does not apply") == 1


SMALL_RUN = ["--horizon-days", "3", "--set", "world.users=300", "--set", "world.items=20"]


def test_one_replicate_has_no_confidence_interval(capsys, tmp_path):
    """The CLI says so; summary.csv leaves the CI empty; the folder reads back as NaN."""
    import sim

    out = tmp_path / "run"
    argv = ["run", "direct_feedback_loop", "--variant", "greedy", "--reps", "1", *SMALL_RUN]
    assert main([*argv, "--out", str(out), "--no-progress"]) == 0
    stdout = capsys.readouterr().out
    assert "direct_feedback_loop: 1 variant × 1 replicate in " in stdout
    assert "1 replicate: no confidence interval" in stdout
    assert "±" not in stdout and "nan" not in stdout
    lines = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",mean,ci_low,ci_high,n")
    assert all(line.endswith(",,,1") for line in lines[1:]), lines[:3]
    summary = sim.load(out).summary
    assert summary["ci_low"].dtype == float and summary["ci_low"].isna().all()
    assert summary["mean"].notna().all() and (summary["entity"].isin(["", "rarely_shown"])).all()


def test_two_replicates_print_a_confidence_interval(capsys, tmp_path):
    argv = ["run", "direct_feedback_loop", "--variant", "greedy", "thompson", "--reps", "2"]
    assert main([*argv, *SMALL_RUN, "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    stdout = capsys.readouterr().out
    assert "2 variants × 2 replicates" in stdout and "±" in stdout
    assert "no confidence interval" not in stdout


def test_a_run_records_and_says_where_a_set_does_not_apply(capsys, tmp_path):
    out = tmp_path / "run"
    argv = ["run", "hidden_loop_trading", "--reps", "1", "--horizon-days", "2"]
    argv += ["--set", "systems.desk_a.aggressiveness=0.4", "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    assert "does not apply to variant 'no_traders'" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["overrides_not_applied"] == {
        "no_traders": {"systems.desk_a.aggressiveness=0.4": "no system 'desk_a'; systems: none"}
    }
    variants = manifest["variants"]
    assert variants["both_adaptive"]["config"]["systems"]["desk_a"]["aggressiveness"] == 0.4
    assert variants["no_traders"]["config"]["systems"] == {}


@pytest.mark.parametrize("command", ["run", "check"])
def test_variant_before_the_scenario_says_how_to_write_it(capsys, command):
    line = one_error(capsys, [command, "--variant", "greedy", "ucb1", "direct_feedback_loop"])
    assert "put the scenario before --variant, or end the names with --" in line
    assert main(["check", "--variant", "greedy", "ucb1", "--", "direct_feedback_loop"]) == 0
    assert "2 variants (greedy, ucb1)" in capsys.readouterr().out


def test_the_readme_writes_variant_as_the_parser_reads_it():
    """Usage lines show that --variant takes several names, as `debtsim run --help` does."""
    import argparse

    from sim.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for command in ("run", "sweep", "cace", "check"):
        usage = " ".join(commands.choices[command].format_usage().split())
        assert "[--variant NAME [NAME ...]]" in usage, command
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "[--variant NAME [NAME ...]]" in readme
    assert "--variant greedy thompson" in readme
