"""Parallel scaling of a 64-task sweep: 1 and 2 local worker processes, and a Dask LocalCluster
with 2 workers, in this process. Prints wall times and speed-ups against one worker; the Dask
cluster is timed both started by the sweep and already running (``--scheduler``).

    python bench/parallel_scaling.py [--tasks 64]
"""

from __future__ import annotations

import argparse
import tempfile
import time

import sim


def timed(executor: str, jobs: int, reps: int, scheduler: str | None = None) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        sim.sweep(
            "direct_feedback_loop",
            grid={"world.items": [100, 200]},
            variants=["greedy", "thompson"],
            reps=reps,
            horizon_days=120,
            out=out,
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            figures=False,
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=64)
    args = parser.parse_args()
    reps = max(1, args.tasks // 4)  # 2 points × 2 variants × reps
    import sim.experiment.sweep_api  # noqa: F401  (imports are not part of any timing)

    serial = timed("serial", 1, reps)
    local = timed("local", 2, reps)
    dask = timed("dask", 2, reps)
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        timed("dask", 2, 1, cluster.scheduler_address)  # the workers import debtsim once
        warm = timed("dask", 2, reps, cluster.scheduler_address)
    print(f"sweep of {4 * reps} tasks (direct_feedback_loop, 120 days each)")
    print(f"1 worker (serial)        : {serial:7.1f} s")
    print(f"2 local processes        : {local:7.1f} s   speed-up {serial / local:.2f}×")
    print(f"Dask LocalCluster, 2 w.  : {dask:7.1f} s   speed-up {serial / dask:.2f}×")
    print(f"Dask, cluster already up : {warm:7.1f} s   speed-up {serial / warm:.2f}×")
    print("(the first Dask row includes starting the cluster and importing debtsim in each worker;")
    print(" the second reuses a running cluster through --scheduler, as on a real cluster)")


if __name__ == "__main__":
    main()
