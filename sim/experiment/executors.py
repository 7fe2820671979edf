"""Executors: run tasks serially, in local worker processes, or on a Dask cluster.

Each task builds its own ecosystem from a picklable configuration and its own seed, so results
are identical whatever the executor, the worker count or the order in which tasks finish.
Results are handed to ``on_done`` as they finish; a task that raises is handed to ``on_error``
(with its task) and the others go on. :func:`execute` returns results in task order.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Literal

from sim.core.errors import ConfigError
from sim.experiment.runner import Task, TaskResult, run_task

__all__ = ["EXECUTORS", "TaskFailure", "execute", "iter_results"]

Executor = Literal["serial", "local", "dask"]
EXECUTORS: tuple[str, ...] = ("serial", "local", "dask")


@dataclass(frozen=True)
class TaskFailure:
    """A task that raised: which one, and the error as text."""

    index: int
    task: Task
    error: str


def _serial(tasks: Sequence[Task], fn: Callable[[Task], Any]) -> Iterator[tuple[int, Any]]:
    for i, task in enumerate(tasks):
        try:
            yield i, fn(task)
        except Exception as error:  # reported, and the others go on
            yield i, TaskFailure(i, task, _describe(error))


def _local(
    tasks: Sequence[Task], fn: Callable[[Task], Any], jobs: int
) -> Iterator[tuple[int, Any]]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures: dict[Future, int] = {pool.submit(fn, task): i for i, task in enumerate(tasks)}
        try:
            for future in as_completed(futures):
                i = futures[future]
                error = future.exception()
                yield i, (TaskFailure(i, tasks[i], _describe(error)) if error else future.result())
        finally:
            for future in futures:
                future.cancel()


def _dask(
    tasks: Sequence[Task], fn: Callable[[Task], Any], jobs: int, scheduler: str | None
) -> Iterator[tuple[int, Any]]:
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError(
            "the dask executor needs dask.distributed: pip install 'debtsim[dask]'",
            path="--executor",
        ) from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        futures = {client.submit(fn, task, pure=False): i for i, task in enumerate(tasks)}
        for future in dask_completed(futures):
            i = futures[future]
            if future.status == "error":
                yield i, TaskFailure(i, tasks[i], _describe(future.exception()))
            else:
                yield i, future.result()
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _describe(error: BaseException | None) -> str:
    if error is None:
        return "unknown error"
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return "".join(lines).strip()


def iter_results(
    tasks: Sequence[Task],
    jobs: int = 1,
    executor: Executor | None = None,
    scheduler: str | None = None,
    fn: Callable[[Task], Any] | None = None,
) -> Iterator[tuple[int, Any]]:
    """Yield ``(task index, result or TaskFailure)`` as tasks finish.

    ``executor`` defaults to ``serial`` for one job and ``local`` otherwise; ``dask`` starts a
    LocalCluster of ``jobs`` workers unless a ``scheduler`` address is given.
    """
    fn = fn or run_task
    if executor is None:
        executor = "local" if jobs > 1 and len(tasks) > 1 else "serial"
    if executor not in EXECUTORS:
        raise ConfigError(
            f"unknown executor {executor!r}; allowed: {', '.join(EXECUTORS)}", path="--executor"
        )
    if executor == "serial" or not tasks:
        return _serial(tasks, fn)
    if executor == "local":
        return _local(tasks, fn, jobs)
    return _dask(tasks, fn, jobs, scheduler)


def execute(
    tasks: Sequence[Task],
    jobs: int = 1,
    on_done: Callable[[TaskResult], None] | None = None,
    executor: Executor | None = None,
    scheduler: str | None = None,
) -> list[TaskResult]:
    """Run every task; raise the first failure (after the rest finished); results in task order."""
    results: dict[int, TaskResult] = {}
    failures: list[TaskFailure] = []
    for i, outcome in iter_results(tasks, jobs, executor, scheduler):
        if isinstance(outcome, TaskFailure):
            failures.append(outcome)
            continue
        results[i] = outcome
        if on_done:
            on_done(outcome)
    if failures:
        first = failures[0]
        raise RuntimeError(
            f"{len(failures)} of {len(tasks)} runs failed; first: variant {first.task.variant!r}, "
            f"replicate {first.task.replicate}:\n{first.error}"
        )
    return [results[i] for i in range(len(tasks))]
