"""Time every catalogue scenario's default run and quick run, as a workshop would start them.

Each run is ``debtsim run NAME [--quick] --jobs 2 --no-progress --out <scratch>`` in its own
process (so imports, worker start-up and figures count, as they do for a user). Printed per
scenario and mode: the wall time and the CPU time of the run's process and all its workers
(``RUSAGE_CHILDREN``: both clocks cover the same processes). The machine may be shared, so the
CPU column is the reliable one; ``--repeat`` keeps the best of several runs.

    python bench/scenario_times.py [NAME ...] [--jobs 2] [--repeat 1] [--modes default,quick]

A scenario without a ``[quick]`` preset (or a debtsim without ``--quick``) prints ``-``.

With ``--baseline-src DIR`` (a source tree of another debtsim version, e.g. ``git archive``
of an earlier commit) every default run is also run with that version (``PYTHONPATH=DIR``),
alternating with this one, and the table adds its times and the ratio of CPU times (this
version / baseline): both sides on the same clocks, in the same minutes of a shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.scenario.loader import catalogue

GOALS = {"default": 60.0, "quick": 15.0}  # wall seconds with --jobs 2 (issue 12)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_run(
    name: str, quick: bool, jobs: int, source: str | None = None
) -> tuple[float, float] | None:
    """Wall and CPU seconds of one ``debtsim run``; ``None`` when it cannot run (no preset).

    ``source``: run the debtsim found there instead (its own catalogue: the run starts in a
    scratch folder, so no ./scenarios is found).
    """
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = source
    with tempfile.TemporaryDirectory(prefix="debtsim-bench-") as scratch:
        command = [sys.executable, "-m", "sim", "run", name, "--jobs", str(jobs)]
        command += ["--no-progress", "--out", str(Path(scratch) / "run")]
        if quick:
            command.append("--quick")
        cpu, started = _children_cpu(), time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=scratch, env=env)
        wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode == 2 and (quick or source is not None):
        return None  # no quick preset (or no --quick), or not in that version: not measurable
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenarios (default: the whole catalogue)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the best is shown")
    parser.add_argument("--modes", default="default,quick", help="default, quick or both")
    parser.add_argument("--baseline-src", help="source tree of a debtsim to compare with")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    names = args.names or sorted(catalogue())
    print(f"debtsim run NAME --jobs {args.jobs}; best of {args.repeat}; seconds")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    header = f"{'scenario':34s}"
    for mode in modes:
        header += f" {mode + ' cpu':>12} {mode + ' wall':>12}"
    if args.baseline_src:
        header += f" {'base cpu':>9} {'base wall':>10} {'cpu ratio':>10}"
    print(header)
    totals = {mode: [0.0, 0.0] for mode in modes}
    missed: list[str] = []
    new_cpu = float("nan")
    for name in names:
        row = f"{name:34s}"
        base: list[tuple[float, float] | None] = []
        for mode in modes:
            times = []
            for _ in range(args.repeat):  # alternate: both versions see the same load
                times.append(time_run(name, mode == "quick", args.jobs))
                if args.baseline_src and mode == "default":
                    base.append(time_run(name, False, args.jobs, args.baseline_src))
            measured = [t for t in times if t is not None]
            if not measured:
                row += f" {'-':>12} {'-':>12}"
                continue
            wall = min(t[0] for t in measured)
            cpu = min(t[1] for t in measured)
            totals[mode][0] += cpu
            totals[mode][1] += wall
            flag = "*" if wall > GOALS[mode] else " "
            if flag == "*":
                missed.append(f"{name} {mode} ({wall:.0f} s wall > {GOALS[mode]:.0f} s)")
            row += f" {cpu:12.1f} {wall:11.1f}{flag}"
            if mode == "default":
                new_cpu = cpu
        measured_base = [t for t in base if t is not None]
        if measured_base:
            base_wall = min(t[0] for t in measured_base)
            base_cpu = min(t[1] for t in measured_base)
            row += f" {base_cpu:9.1f} {base_wall:10.1f} {new_cpu / base_cpu:10.2f}"
        print(row, flush=True)
    total = f"{'total':34s}"
    for mode in modes:
        total += f" {totals[mode][0]:12.1f} {totals[mode][1]:12.1f}"
    print(total)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    goals = ", ".join(f"{m} < {g:.0f} s" for m, g in GOALS.items())
    print(f"* over the wall-time goal ({goals}): {len(missed)}")
    for line in missed:
        print(f"  {line}")


if __name__ == "__main__":
    main()
