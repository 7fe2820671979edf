"""The experiment pipeline shared by run, sweep and cace: options, output-folder lock, plan
fingerprint (resume refused under another configuration), nothing redone, any executor."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import sim
from sim.cli import main
from sim.core.errors import ConfigError
from sim.experiment import executors
from sim.experiment.cace import cace
from sim.experiment.lock import LOCK_NAME, FolderInUse, FolderLock
from sim.scenario.resolve import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "direct_feedback_loop.toml"
SMALL = ["--set", "world.users=300", "--set", "world.items=20"]
RUN = ["--reps", "2", "--horizon-days", "5", *SMALL, "--variant", "greedy", "--no-progress"]


def run_args(out: Path, *extra: str) -> list[str]:
    return ["run", str(SCENARIO), *RUN, "--out", str(out), *extra]


def one_error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err.count("debtsim: error:") == 1 and len(err.strip().splitlines()) == 1, err
    return err


def refuse_to_run(monkeypatch) -> None:
    def fail(task):
        raise AssertionError("no task should run")

    monkeypatch.setattr(executors, "run_task", fail)


# -- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "sweep", "cace"])
def test_a_scheduler_without_the_dask_executor_exits_2(capsys, tmp_path, command):
    extra = {"run": [], "sweep": ["--grid", "world.users=300"], "cace": ["--perturb", "a.b=1"]}
    for executor in ([], ["--executor", "processes"]):
        argv = [command, str(SCENARIO), *extra[command], "--scheduler", "tcp://10.255.255.1:8786"]
        err = one_error(capsys, [*argv, *executor, "--out", str(tmp_path / command)])
        assert "--scheduler" in err and "--executor dask" in err


def test_the_manifest_records_the_executor_used(tmp_path):
    assert main(run_args(tmp_path / "p", "--jobs", "2")) == 0
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert (manifest["executor"], manifest["jobs"]) == ("processes", 2)
    assert main(run_args(tmp_path / "s")) == 0
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())["executor"] == "serial"
    assert_frame_equal(
        pd.read_parquet(tmp_path / "p" / "metrics.parquet"),
        pd.read_parquet(tmp_path / "s" / "metrics.parquet"),
    )


def test_run_given_a_scenario_honours_variants_and_refuses_overrides():
    scenario = load_scenario(SCENARIO, ["world.users=300", "world.items=20"])
    result = sim.run(scenario, reps=1, horizon_days=3, variants=["ucb1", "greedy"])
    assert list(dict.fromkeys(result.metrics["variant"])) == ["ucb1", "greedy"]
    assert list(result.manifest["variants"]) == ["ucb1", "greedy"]
    with pytest.raises(ConfigError, match="overrides"):
        sim.run(scenario, reps=1, horizon_days=3, overrides=["world.users=400"])
    with pytest.raises(ConfigError, match="no variant"):
        sim.run(scenario, reps=1, horizon_days=3, variants=["nope"])


def test_any_concurrent_futures_executor_gives_identical_results():
    options = {"reps": 2, "horizon_days": 5, "variants": ["greedy", "thompson"]}
    options["overrides"] = ["world.users=300", "world.items=20"]
    serial = sim.run(SCENARIO, **options)
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        pooled = sim.run(SCENARIO, executor=pool, **options)
    assert_frame_equal(serial.metrics, pooled.metrics)
    assert pooled.manifest["executor"] == "ProcessPoolExecutor"


# -- resume, fingerprint, nothing redone -----------------------------------------------------


def test_rerunning_a_finished_run_does_no_work_and_says_so(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    assert main(run_args(out)) == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    capsys.readouterr()
    refuse_to_run(monkeypatch)
    assert main(run_args(out)) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == before


def test_rerunning_with_other_arguments_refuses_naming_them(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    assert main(run_args(out)) == 0
    capsys.readouterr()
    refuse_to_run(monkeypatch)
    err = one_error(capsys, [*run_args(out), "--reps", "3", "--set", "world.users=400"])
    assert str(out) in err and "replicates: 2 → 3" in err and "world.users: 300 → 400" in err


def _partly_done(monkeypatch, argv: list[str], fail_replicate: int = 1) -> None:
    """Run ``argv`` with one replicate failing: the others stay in the store."""
    real = executors.run_task

    def flaky(task):
        if task.replicate == fail_replicate:
            raise FloatingPointError("boom")
        return real(task)

    monkeypatch.setattr(executors, "run_task", flaky)
    assert main(argv) == 1
    monkeypatch.setattr(executors, "run_task", real)


@pytest.mark.parametrize("command", ["run", "sweep", "cace"])
def test_resuming_after_the_scenario_file_changed_is_refused(
    tmp_path, capsys, monkeypatch, command
):
    scenario = tmp_path / "scenario.toml"
    shutil.copyfile(SCENARIO, scenario)
    extra = {
        "run": [],
        "sweep": ["--grid", "world.base_ctr=0.05,0.1"],
        "cace": ["--perturb", "world.base_ctr=0.1"],
    }[command]
    argv = [command, str(scenario), *RUN, *extra, "--out", str(tmp_path / "out")]
    _partly_done(monkeypatch, argv)
    assert any((tmp_path / "out" / "parts").glob("*.parquet"))
    capsys.readouterr()
    text = scenario.read_text(encoding="utf-8")
    assert 'kind = "greedy", slate = 5' in text
    scenario.write_text(text.replace("slate = 5", "slate = 4", 1), encoding="utf-8")  # an edit
    refuse_to_run(monkeypatch)
    err = one_error(capsys, argv)
    assert "another configuration" in err and ".policy.slate: 5 → 4" in err, err


def test_a_failed_task_is_retried_alone_and_the_run_equals_a_clean_one(tmp_path, monkeypatch):
    out = tmp_path / "run"
    _partly_done(monkeypatch, run_args(out))
    assert "FloatingPointError: boom" in (out / "failures.json").read_text()
    assert main(run_args(out)) == 0
    assert not (out / "failures.json").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tasks_reused"] == 1 and manifest["tasks"] == 2
    assert main(run_args(tmp_path / "clean")) == 0
    assert_frame_equal(
        pd.read_parquet(out / "metrics.parquet"),
        pd.read_parquet(tmp_path / "clean" / "metrics.parquet"),
    )


def test_cace_resumes_and_ends_equal_to_an_uninterrupted_study(tmp_path, monkeypatch):
    argv = ["cace", str(SCENARIO), *RUN, "--perturb", "world.base_ctr=0.1"]
    _partly_done(monkeypatch, [*argv, "--out", str(tmp_path / "cut")])
    assert main([*argv, "--out", str(tmp_path / "cut")]) == 0
    assert main([*argv, "--out", str(tmp_path / "clean")]) == 0
    assert json.loads((tmp_path / "cut" / "manifest.json").read_text())["tasks_reused"] == 2
    assert_frame_equal(
        pd.read_csv(tmp_path / "cut" / "cace.csv"), pd.read_csv(tmp_path / "clean" / "cace.csv")
    )


# -- the output-folder lock ------------------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_stale_lock_is_taken_over(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    stale = {"pid": _dead_pid(), "host": os.uname().nodename, "started": 0}
    (out / LOCK_NAME).write_text(json.dumps(stale))
    assert main(run_args(out)) == 0
    assert not (out / LOCK_NAME).exists()
    assert (out / "manifest.json").is_file()


def test_a_live_lock_is_refused_naming_the_folder_and_the_process(tmp_path):
    with FolderLock(tmp_path), pytest.raises(FolderInUse, match=f"process {os.getpid()}"):
        FolderLock(tmp_path).acquire()
    with FolderLock(tmp_path):  # released: free again
        pass


def test_two_processes_on_one_out_the_second_refuses_and_the_first_completes(tmp_path):
    out = tmp_path / "run"
    argv = [sys.executable, "-m", "sim", "run", str(SCENARIO), "--variant", "greedy"]
    argv += ["--reps", "6", "--horizon-days", "40", "--no-progress", "--out", str(out)]
    first = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while not (out / LOCK_NAME).is_file() and time.time() < deadline and first.poll() is None:
        time.sleep(0.01)
    first.send_signal(signal.SIGSTOP)  # hold the first mid-run while the second tries
    try:
        second = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    finally:
        first.send_signal(signal.SIGCONT)
    assert first.wait(timeout=600) == 0, first.stderr.read() if first.stderr else ""
    assert second.returncode == 2, second.stderr
    assert "Traceback" not in second.stderr
    assert str(out) in second.stderr and f"process {first.pid}" in second.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replicates"] == 6
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert set(metrics["replicate"]) == set(range(6))
    pd.read_parquet(out / "events.parquet")
    pd.read_csv(out / "summary.csv")
    assert not list(out.glob(".*.tmp")) and not (out / LOCK_NAME).exists()


# -- Dask ------------------------------------------------------------------------------------


def test_run_and_cace_honour_the_dask_executor_with_results_identical_to_serial(tmp_path):
    pytest.importorskip("distributed")
    assert main(run_args(tmp_path / "serial")) == 0
    assert main(run_args(tmp_path / "dask", "--executor", "dask", "--jobs", "2")) == 0
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["executor"] == "dask"
    assert_frame_equal(
        pd.read_parquet(tmp_path / "serial" / "metrics.parquet"),
        pd.read_parquet(tmp_path / "dask" / "metrics.parquet"),
    )
    small = {"reps": 2, "horizon_days": 5, "overrides": ["world.users=300", "world.items=20"]}
    serial = cace(SCENARIO, ["world.base_ctr=0.1"], variant="greedy", **small)
    dask = cace(SCENARIO, ["world.base_ctr=0.1"], variant="greedy", executor="dask", **small)
    assert dask.manifest["executor"] == "dask"
    assert_frame_equal(serial.changes, dask.changes)


def test_a_client_without_the_clusters_credentials_cannot_connect():
    distributed = pytest.importorskip("distributed")
    from distributed.security import Security

    from sim.experiment.cluster import local_cluster

    with local_cluster(1) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:")
        for security in (None, Security(), Security.temporary()):
            with pytest.raises((OSError, TypeError, TimeoutError)):
                distributed.Client(address, security=security, timeout=5)
        with distributed.Client(address, security=cluster.security, timeout=30) as client:
            assert client.submit(sum, [1, 2], pure=False).result() == 3


# -- resolve once ----------------------------------------------------------------------------


def test_a_run_resolves_the_scenario_once_and_tasks_parse_nothing(monkeypatch):
    import sim.scenario.build as build
    import sim.scenario.resolve as resolve

    counts = {"read": 0, "make": 0}
    real_read, real_make = resolve.read_scenario_file, build._make

    def read(*args, **kwargs):
        counts["read"] += 1
        return real_read(*args, **kwargs)

    def make(*args, **kwargs):
        counts["make"] += 1
        return real_make(*args, **kwargs)

    monkeypatch.setattr(resolve, "read_scenario_file", read)
    monkeypatch.setattr(build, "_make", make)
    small = ["world.users=300", "world.items=20"]
    load_scenario(SCENARIO, small)
    per_resolve = dict(counts)
    assert per_resolve["read"] == 1 and per_resolve["make"] > 0
    sim.run(SCENARIO, overrides=small, reps=2, horizon_days=3, executor="serial")
    assert counts == {k: 2 * v for k, v in per_resolve.items()}  # the same again, no more


def test_a_folder_with_results_but_no_plan_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "old"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    err = one_error(capsys, run_args(out))
    assert "without a plan" in err and (out / "manifest.json").read_text() == "{}"
