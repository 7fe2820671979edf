"""The homogenization scenario at T-RECS's sizes, and T-RECS itself on the same machine.

Runs the baseline variant (content filtering retrained every step, the world's ideal twin and
every metric) through the full engine, one replicate of 50 steps, at two sizes:

* T-RECS's content-filtering benchmark: 1,000 users, 500 items, 20 attributes;
* 10,000 users × 1,000 items.

The catalogue holds all items from the first step and none are added (T-RECS's setting: every
step ranks all of them for every user); a ``grown`` row per size starts empty and adds
``items / 50`` items per step instead (the published model's 10 per step at the first size).

Three ways of measuring homogenization, each a row:

* ``fixed pairs``: every user against one partner drawn at random once (``world.pairing =
  random``), the workload of ``bench/trecs_baseline.py``, which measures T-RECS's interaction
  similarity over fixed random pairs: the like-for-like comparison;
* ``all pairs``: the scenario's default, every user paired each step with the most similar
  user by the system's learned profiles, an all-pairs search over users that T-RECS's
  benchmark does not do;
* ``sampled``: as ``all pairs``, for 1,000 sampled users (``world.metric_users``).

Our side also draws Beta utilities and simulates the ideal twin, which T-RECS's benchmark
does not. With ``--trecs-python`` pointing at a Python that has T-RECS (see
``bench/trecs_baseline.py`` for the install), T-RECS runs at both sizes in the same bench run,
one process after the other, and every row prints its ratio to T-RECS's time at its size.

    python bench/homogenization_scale.py [--trecs-python PATH] [--only small|large] [--repeat 3]

Both sides are timed on the same two clocks and both are printed: CPU seconds of the process
that ran the simulation (T-RECS in its own process, debtsim in this one) and wall seconds,
each the best of ``--repeat`` runs; each ratio divides like by like (T-RECS CPU / debtsim CPU,
T-RECS wall / debtsim wall). On a shared machine the CPU ratio is the reliable one: wall time
depends on what else runs. debtsim's simulation runs with one BLAS thread; T-RECS runs with
NumPy's default, so on several cores its CPU time may exceed its wall time.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import sim
from sim.scenario.resolve import load_scenario

STEPS = 50
SIZES = {"small": (1_000, 500), "large": (10_000, 1_000)}
MODES = {
    "fixed pairs": ["world.pairing=random"],
    "all pairs": [],
    "sampled": ["world.metric_users=1000"],
}


def run_once(users: int, items: int, grown: bool, extra: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one replicate of the baseline (scenario loading included)."""
    if grown:
        catalogue = ["world.initial_items=0", f"world.new_items_per_step={items // STEPS}"]
    else:
        catalogue = [f"world.initial_items={items}", "world.new_items_per_step=0"]
    overrides = [f"world.users={users}", "world.attributes=20", *catalogue, *extra]
    started, cpu = time.perf_counter(), time.process_time()
    scenario = load_scenario("homogenization", overrides, ["repeated"])
    sim.run(scenario, reps=1, horizon_days=STEPS)
    return time.perf_counter() - started, time.process_time() - cpu


def trecs_seconds(python: str, users: int, items: int) -> tuple[float, float]:
    """Wall and CPU seconds of T-RECS at this size, run by ``bench/trecs_baseline.py``."""
    script = Path(__file__).with_name("trecs_baseline.py")
    command = [python, str(script), "--users", str(users), "--items", str(items)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"cpu ([0-9.]+) s, wall ([0-9.]+) s\s*$", output.strip())
    if match is None:
        raise SystemExit(f"could not read T-RECS's times from: {output!r}")
    return float(match.group(2)), float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trecs-python", help="a Python with trecs==0.2.1 installed")
    parser.add_argument("--only", choices=sorted(SIZES), default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the best is shown")
    args = parser.parse_args()
    sizes = [args.only] if args.only else list(SIZES)
    sim.run(load_scenario("homogenization", [], ["repeated"]), reps=1, horizon_days=3)  # warm-up
    print(f"baseline 'repeated' (content filtering retrained every step), {STEPS} steps")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    header = f"{'users':>7} {'items':>6} {'catalogue':>9} {'homogenization':>15}"
    print(
        f"{header} {'cpu s':>7} {'wall s':>7} {'T-RECS cpu':>11} {'T-RECS wall':>12}"
        f" {'cpu ratio':>10} {'wall ratio':>11}"
    )
    for size in sizes:
        users, items = SIZES[size]
        trecs: tuple[float, float] | None = None
        if args.trecs_python:
            runs = [trecs_seconds(args.trecs_python, users, items) for _ in range(args.repeat)]
            trecs = min(t[0] for t in runs), min(t[1] for t in runs)
        rows = [(False, mode) for mode in MODES if size == "large" or mode != "sampled"]
        rows.append((True, "all pairs"))
        for grown, mode in rows:
            times = [run_once(users, items, grown, MODES[mode]) for _ in range(args.repeat)]
            wall, cpu = min(t[0] for t in times), min(t[1] for t in times)
            if trecs:
                peer = f"{trecs[1]:11.2f} {trecs[0]:12.2f} {trecs[1] / cpu:9.1f}×"
                peer += f" {trecs[0] / wall:10.1f}×"
            else:
                peer = f"{'-':>11} {'-':>12} {'-':>10} {'-':>11}"
            catalogue = "grown" if grown else "fixed"
            print(
                f"{users:>7,} {items:>6,} {catalogue:>9} {mode:>15} {cpu:7.2f} {wall:7.2f} {peer}"
            )
    print("ratios: T-RECS's time / debtsim's time on the same clock (CPU/CPU, wall/wall)")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak_mib:,.0f} MiB")
    if not args.trecs_python:
        print("T-RECS not run: pass --trecs-python (install: see bench/trecs_baseline.py)")
    print(f"python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
