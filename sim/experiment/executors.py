"""Executors: run tasks serially or in worker processes; results come back in task order.

Each task builds its own ecosystem from a picklable configuration and its own seed, so the
frames are identical whatever the executor, the worker count or the completion order.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from sim.experiment.runner import Task, TaskResult, run_task

__all__ = ["execute"]


def execute(
    tasks: Sequence[Task],
    jobs: int = 1,
    on_done: Callable[[TaskResult], None] | None = None,
) -> list[TaskResult]:
    """Run ``tasks`` with ``jobs`` workers (1: in this process); ``on_done`` sees each result."""
    results: dict[int, TaskResult] = {}
    if jobs <= 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            results[i] = run_task(task)
            if on_done:
                on_done(results[i])
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(run_task, task): i for i, task in enumerate(tasks)}
            try:
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if on_done:
                        on_done(results[futures[future]])
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    return [results[i] for i in range(len(tasks))]
