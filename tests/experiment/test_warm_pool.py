"""The warm pool: a process's later runs reuse its local workers, with identical results; an
abandoned run stops them and the next run starts fresh ones."""

from __future__ import annotations

import os
import time

import pandas as pd

import sim
from sim.experiment.executors import _warm, iter_results, shutdown_warm_pool
from sim.experiment.options import Options

SMALL = ["world.users=2000", "world.items=40"]


def _pid(task: object) -> int:
    time.sleep(0.05)  # long enough that both workers take a task
    return os.getpid()


def _pids(options: Options) -> set[int]:
    return {pid for _, pid in iter_results([object()] * 6, options, fn=_pid)}  # type: ignore[list-item]


def test_a_later_run_reuses_the_workers_and_a_shutdown_replaces_them():
    shutdown_warm_pool()
    options = Options.make(jobs=2, executor="processes")
    first = _pids(options)
    pool = _warm["pool"]
    started = set(pool._processes)  # workers start on demand: maybe one took every task
    assert first and first <= started
    second = _pids(options)
    assert _warm["pool"] is pool and second <= started  # no new worker started
    shutdown_warm_pool()
    assert not _pids(options) & started  # fresh workers after a shutdown


def test_an_abandoned_run_stops_the_pool():
    shutdown_warm_pool()
    options = Options.make(jobs=2, executor="processes")
    results = iter_results([object()] * 6, options, fn=_pid)  # type: ignore[list-item]
    next(results)
    workers = list(_warm["pool"]._processes.values())
    assert workers
    results.close()  # abandoned, as on Ctrl-C
    assert _warm["pool"] is None
    assert all(_gone(worker) for worker in workers)


def _gone(worker) -> bool:
    """The worker process no longer runs. ``is_alive()`` alone can say True for a worker that
    another waiter (the pool's manager thread) has already reaped: ``waitpid`` then fails and
    multiprocessing reads that as "still running" (seen under load); the OS is the judge."""
    if not worker.is_alive():
        return True
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_runs_on_a_warm_pool_equal_a_serial_run():
    def run(executor: str) -> pd.DataFrame:
        return sim.run(
            "direct_feedback_loop",
            reps=2,
            horizon_days=4,
            overrides=SMALL,
            variants=["greedy", "thompson"],
            jobs=2,
            executor=executor,
        ).metrics

    serial = run("serial")
    pd.testing.assert_frame_equal(run("processes"), serial)
    pd.testing.assert_frame_equal(run("processes"), serial)  # the same, warm, workers
