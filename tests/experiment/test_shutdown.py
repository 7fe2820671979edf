"""Interrupted experiments: killed part-way (SIGKILL, SIGINT) and started again they redo only
the unfinished tasks and end equal to an uninterrupted run; SIGTERM stops like Ctrl-C; local
workers exit when the main process dies, even by SIGKILL; a local-pool sweep's main process does
not hold results (its memory does not grow with the number of tasks)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from sim.cli import main
from sim.experiment.lock import LOCK_NAME

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = str(ROOT / "scenarios" / "direct_feedback_loop.toml")
BASE = [sys.executable, "-m", "sim"]
SIM = ["--variant", "greedy", "--set", "world.users=2000", "--horizon-days", "60", "--no-progress"]


def parts(out: Path) -> int:
    folder = out / "parts"
    return len(list(folder.glob("*.parquet"))) if folder.is_dir() else 0


def wait_for(condition, what: str, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _ctrl_c_as_in_a_terminal() -> None:
    """In the child: SIGINT at its default, as in a terminal. A suite started in the background
    by a non-interactive shell inherits SIGINT ignored, and Python keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt_part_way(argv: list[str], out: Path, how: signal.Signals, total: int) -> int:
    """Start ``argv``, signal it after two finished tasks; return how many were kept."""
    process = subprocess.Popen(
        [*argv, "--out", str(out)],
        cwd=ROOT,
        start_new_session=True,
        stderr=subprocess.PIPE,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    wait_for(lambda: parts(out) >= 2 or process.poll() is not None, "two finished tasks")
    os.killpg(process.pid, how)
    _, err = process.communicate(timeout=120)
    kept = parts(out)
    assert 2 <= kept < total, "the signal must land part-way"
    assert not (out / "metrics.parquet").exists() and not (out / "manifest.json").exists()
    if how == signal.SIGINT:
        assert process.returncode == 130, err
        assert b"Traceback" not in err and b"the same command resumes" in err
        assert not (out / LOCK_NAME).exists()
    return kept


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_an_interrupted_run_redoes_only_unfinished_replicates(tmp_path, how, capsys):
    args = ["run", SCENARIO, *SIM, "--reps", "6", "--executor", "serial"]
    kept = interrupt_part_way([*BASE, *args], tmp_path / "cut", how, 6)
    assert main([*args, "--out", str(tmp_path / "cut")]) == 0  # started again
    assert f"({kept} read back from an earlier session)" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert manifest["tasks_reused"] == kept
    assert main([*args, "--out", str(tmp_path / "clean")]) == 0
    for name in ("metrics.parquet", "events.parquet"):
        assert_frame_equal(
            pd.read_parquet(tmp_path / "cut" / name), pd.read_parquet(tmp_path / "clean" / name)
        )


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_an_interrupted_cace_redoes_only_unfinished_tasks(tmp_path, how):
    args = ["cace", SCENARIO, *SIM, "--reps", "3", "--perturb", "world.base_ctr=0.1"]
    kept = interrupt_part_way([*BASE, *args], tmp_path / "cut", how, 6)
    assert main([*args, "--out", str(tmp_path / "cut")]) == 0  # started again
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert manifest["tasks_reused"] == kept
    assert main([*args, "--out", str(tmp_path / "clean")]) == 0
    assert_frame_equal(
        pd.read_csv(tmp_path / "cut" / "cace.csv"), pd.read_csv(tmp_path / "clean" / "cace.csv")
    )


def _start_pool_run(out: Path) -> tuple[subprocess.Popen, set[int]]:
    argv = [*BASE, "run", SCENARIO, *SIM, "--reps", "200"]
    argv += ["--jobs", "2", "--executor", "processes", "--out", str(out)]
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        start_new_session=True,
        stderr=subprocess.PIPE,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    wait_for(lambda: parts(out) >= 1 or process.poll() is not None, "a finished task")
    assert process.poll() is None
    workers = children(process.pid)
    assert len(workers) >= 2, workers  # two workers (and the resource tracker)
    return process, workers


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_are_gone_soon_after_the_main_process_is_killed(tmp_path, how):
    process, workers = _start_pool_run(tmp_path / "run")
    os.kill(process.pid, how)  # the main process only, not its group
    _, err = process.communicate(timeout=60)
    if how == signal.SIGTERM:
        assert process.returncode == 130 and b"Traceback" not in err, err
        assert not (tmp_path / "run" / LOCK_NAME).exists()
    wait_for(lambda: not any(alive(pid) for pid in workers), "the workers to exit", limit=30)


MEMORY_SCRIPT = """
import resource, sys
import sim

def main():
    n = int(sys.argv[1])
    sim.sweep(
        "direct_feedback_loop",
        grid={"world.base_ctr": [0.05 + 0.0001 * i for i in range(n)]},
        out=sys.argv[2], reps=1, horizon_days=720, variants=["greedy"],
        overrides=["world.users=300", "world.items=20"],
        executor="processes", jobs=2, figures=False,
    )
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)

if __name__ == "__main__":
    main()
"""


@pytest.mark.slow
def test_a_local_pool_sweeps_main_memory_does_not_grow_with_the_tasks(tmp_path):
    peaks, sizes = {}, {}
    for n in (8, 48):
        out = tmp_path / f"n{n}"
        done = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, str(n), str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        peaks[n] = int(done.stdout.split()[-1])
        sizes[n] = pd.read_parquet(out / "metrics.parquet").memory_usage(deep=True).sum()
    extra_results = sizes[48] - sizes[8]
    assert extra_results > 10e6  # 40 more tasks' metrics: what a result-holding process keeps
    assert peaks[48] - peaks[8] < 0.3 * extra_results, (peaks, sizes)
