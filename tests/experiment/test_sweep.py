"""Sweeps: identical results on every executor, resume after a kill, failures reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import sim
from sim.cli import main
from sim.core.errors import ConfigError
from sim.experiment import executors
from sim.experiment.sweep import SweepResult

SCENARIO = "hidden_loop_adherence"
GRID = {"world.usage": [0.1, 0.9], "world.adherence": [0.1, 0.5]}
SMALL = {"reps": 2, "horizon_days": 12, "variants": ["adopted", "organic_only"]}


def frames(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "metrics.parquet")


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial")
    sim.sweep(SCENARIO, grid=GRID, out=out, executor="serial", figures=False, **SMALL)
    return out


def test_sweep_writes_tidy_results_with_one_column_per_key(serial):
    metrics = frames(serial)
    assert list(metrics.columns[:3]) == ["world.usage", "world.adherence", "point"]
    assert list(metrics.columns[3:]) == [
        "variant",
        "replicate",
        "day",
        "system",
        "entity",
        "metric",
        "value",
    ]
    summary = pd.read_csv(serial / "summary.csv", keep_default_na=False)
    assert list(summary.columns[:2]) == ["world.usage", "world.adherence"]
    assert len(summary[["world.usage", "world.adherence"]].drop_duplicates()) == 4
    assert (summary["n"] == 2).all()
    assert not (serial / "parts").exists() or len(list((serial / "parts").iterdir())) == 16


def test_local_processes_give_identical_results(serial, tmp_path):
    sim.sweep(
        SCENARIO, grid=GRID, out=tmp_path, executor="processes", jobs=2, figures=False, **SMALL
    )
    assert_frame_equal(frames(serial), frames(tmp_path))


def test_dask_local_cluster_gives_identical_results(serial, tmp_path):
    pytest.importorskip("distributed")
    sim.sweep(SCENARIO, grid=GRID, out=tmp_path, executor="dask", jobs=2, figures=False, **SMALL)
    assert_frame_equal(frames(serial), frames(tmp_path))


def test_a_point_equals_a_run_with_the_same_settings(serial):
    metrics = frames(serial)
    point = metrics[(metrics["world.usage"] == 0.9) & (metrics["world.adherence"] == 0.5)]
    point = point.drop(columns=["world.usage", "world.adherence", "point"]).reset_index(drop=True)
    run = sim.run(SCENARIO, overrides=["world.usage=0.9", "world.adherence=0.5"], **SMALL)
    assert_frame_equal(point, run.metrics)


@pytest.mark.parametrize("seeding", ["common", "independent"])
def test_adding_a_point_changes_no_other_point(tmp_path, seeding):
    small = {**SMALL, "variants": ["adopted"], "seeding": seeding, "figures": False}
    sim.sweep(SCENARIO, grid={"world.usage": [0.2, 0.8]}, out=tmp_path / "a", **small)
    sim.sweep(SCENARIO, grid={"world.usage": [0.5, 0.2, 0.8]}, out=tmp_path / "b", **small)
    a, b = frames(tmp_path / "a"), frames(tmp_path / "b")
    for usage in (0.2, 0.8):
        left = a[a["world.usage"] == usage].drop(columns="point").reset_index(drop=True)
        right = b[b["world.usage"] == usage].drop(columns="point").reset_index(drop=True)
        assert_frame_equal(left, right)


def test_design_file_gives_the_same_points_as_the_grid(serial, tmp_path):
    design = tmp_path / "design.csv"
    design.write_text("world.usage,world.adherence\n0.1,0.1\n0.1,0.5\n0.9,0.1\n0.9,0.5\n")
    sim.sweep(
        SCENARIO, design=design, out=tmp_path / "d", executor="serial", figures=False, **SMALL
    )
    assert_frame_equal(frames(serial), frames(tmp_path / "d"))


def test_a_failing_task_is_reported_and_the_others_kept(tmp_path, monkeypatch, capsys):
    real = executors.run_task

    def flaky(task):
        if task.point == 1 and task.replicate == 0:
            raise FloatingPointError("boom")
        return real(task)

    monkeypatch.setattr(executors, "run_task", flaky)
    args = [
        "sweep",
        SCENARIO,
        "--grid",
        "world.usage=0.1,0.9",
        "--variant",
        "adopted",
        "--reps",
        "2",
        "--horizon-days",
        "5",
        "--executor",
        "serial",
        "--out",
        str(tmp_path),
        "--no-progress",
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "1 of 4 tasks failed" in err and "world.usage" in err and "boom" in err
    assert len(list((tmp_path / "parts").glob("*.parquet"))) == 3
    assert "FloatingPointError: boom" in (tmp_path / "failures.json").read_text()
    monkeypatch.setattr(executors, "run_task", real)
    assert main(args) == 0  # the retry runs only the failed task
    assert not (tmp_path / "failures.json").exists()
    assert len(frames(tmp_path).groupby(["point", "replicate"])) == 4


def test_resume_after_a_kill_equals_an_uninterrupted_sweep(tmp_path):
    args = [
        sys.executable,
        "-m",
        "sim",
        "sweep",
        SCENARIO,
        "--grid",
        "world.usage=0.1,0.5,0.9",
        "--variant",
        "adopted",
        "--reps",
        "4",
        "--horizon-days",
        "150",
        "--executor",
        "serial",
        "--no-progress",
    ]
    killed = tmp_path / "killed"
    process = subprocess.Popen(
        [*args, "--out", str(killed)], start_new_session=True, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        parts = list((killed / "parts").glob("*.parquet")) if (killed / "parts").is_dir() else []
        if len(parts) >= 3:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(list((killed / "parts").glob("*.parquet")))
    assert 3 <= done_before < 12, "the kill must land part-way"
    assert not (killed / "metrics.parquet").exists()
    subprocess.run([*args, "--out", str(killed)], check=True)
    clean = tmp_path / "clean"
    subprocess.run([*args, "--out", str(clean)], check=True)
    assert_frame_equal(frames(killed), frames(clean))


def test_bad_sweep_arguments_exit_2(capsys, tmp_path):
    assert main(["sweep", SCENARIO]) == 2
    assert main(["sweep", SCENARIO, "--grid", "world.usage"]) == 2
    assert main(["sweep", SCENARIO, "--grid", "world.usage=2", "--out", str(tmp_path)]) == 2
    assert main(["sweep", SCENARIO, "--design", str(tmp_path / "missing.csv")]) == 2
    assert main(["sweep", SCENARIO, "--grid", "world.usage=0.5", "--executor", "mpi"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("debtsim: error:") == 5


def test_plot_draws_the_heat_map_of_a_two_key_sweep(serial):
    result = sim.sweep(SCENARIO, grid=GRID, out=serial, executor="serial", figures=False, **SMALL)
    assert result.nothing_to_do  # read back from the folder: the figure spec is in the manifest
    assert result.figure_spec["panels"] == ["error_observed", "error_true"]
    fig = result.plot()
    maps = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in maps] == SMALL["variants"]
    assert all(ax.images[0].get_array().shape == (2, 2) for ax in maps)
    assert fig.get_suptitle()
    other = result.plot(panels=["error_true"], title="mine")
    assert other.get_suptitle().splitlines()[0] == "mine"  # then the metric and its scale
    with pytest.raises(ConfigError, match="one panel"):
        result.plot(panels=["error_observed", "error_true"])


def test_plot_draws_lines_for_one_key_and_one_replicate_has_no_ci(tmp_path, capsys):
    """A sweep with one replicate: empty CIs in the summary, said by the CLI, and a figure."""
    argv = ["sweep", SCENARIO, "--grid", "world.usage=0.2,0.8", "--variant", "adopted"]
    argv += ["organic_only", "--reps", "1", "--horizon-days", "12", "--out", str(tmp_path)]
    assert main([*argv, "--no-progress"]) == 0
    stdout = capsys.readouterr().out
    assert "2 points × 2 variants × 1 replicate →" in stdout
    assert "1 replicate: no confidence interval" in stdout
    result = sim.sweep(
        SCENARIO,
        grid={"world.usage": [0.2, 0.8]},
        out=tmp_path,
        variants=["adopted", "organic_only"],
        reps=1,
        horizon_days=12,
    )
    assert result.nothing_to_do
    assert result.summary["ci_low"].isna().all() and result.summary["mean"].notna().all()
    fig = result.plot()
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_xlabel() for ax in panels] == ["world.usage", "world.usage"]
    for ax in panels:
        assert len(ax.get_lines()) == 2  # one line per variant
        assert all(len(line.get_xdata()) == 2 for line in ax.get_lines())


def test_plot_refuses_a_sweep_over_three_keys(serial):
    result = sim.sweep(SCENARIO, grid=GRID, out=serial, executor="serial", figures=False, **SMALL)
    three = SweepResult(result.out, result.summary, {**result.manifest, "keys": ["a", "b", "c"]})
    with pytest.raises(ConfigError, match="one or two keys"):
        three.plot()


def test_a_grid_key_a_variant_does_not_have_leaves_it_alone(tmp_path, capsys):
    argv = ["sweep", "hidden_loop_trading", "--grid", "systems.desk_a.aggressiveness=0.3,0.6"]
    argv += ["--variant", "none_adaptive", "no_traders", "--reps", "2", "--horizon-days", "2"]
    assert main([*argv, "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "2 points × 2 variants × 2 replicates" in out
    assert "systems.desk_a.aggressiveness does not apply to variant 'no_traders'" in out
    manifest = sim.sweep(
        "hidden_loop_trading",
        grid={"systems.desk_a.aggressiveness": [0.3, 0.6]},
        variants=["none_adaptive", "no_traders"],
        reps=2,
        horizon_days=2,
        out=tmp_path,
    ).manifest
    assert list(manifest["keys_not_applied"]) == ["no_traders"]


def test_a_lone_failed_task_is_counted_in_the_singular(tmp_path, monkeypatch, capsys):
    def broken(task):
        raise FloatingPointError("boom")

    monkeypatch.setattr(executors, "run_task", broken)
    args = ["sweep", SCENARIO, "--grid", "world.usage=0.5", "--variant", "adopted"]
    args += ["--reps", "1", "--horizon-days", "5", "--executor", "serial"]
    assert main([*args, "--out", str(tmp_path), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "1 of 1 task failed" in err and "no other task finished" in err
    assert "retry the failed one." in err
