"""Sweep memory: the peak resident memory of a sweep with 16, 64 and 256 tasks.

Each sweep runs serially in a fresh process (so the peak is its own): metrics stream to disk per
task and into metrics.parquet part by part, so the peak should not grow with the task count.

    python bench/sweep_memory.py [--tasks 16 64 256]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time


def one_sweep(tasks: int) -> dict[str, float]:
    import sim

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        sim.sweep(
            "direct_feedback_loop",
            grid={"world.items": [100, 200]},
            variants=["greedy", "thompson"],
            reps=max(1, tasks // 4),
            horizon_days=60,
            out=out,
            executor="serial",
            figures=False,
        )
        wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"tasks": tasks, "wall_s": wall, "peak_mib": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, nargs="+", default=[16, 64, 256])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_sweep(args.child)))
        return
    print(f"{'tasks':>6} {'wall (s)':>9} {'peak (MiB)':>11}")
    for tasks in args.tasks:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(tasks)],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{row['tasks']:>6} {row['wall_s']:>9.1f} {row['peak_mib']:>11,.0f}")


if __name__ == "__main__":
    main()
