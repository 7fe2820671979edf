"""Executors: run tasks serially, in local worker processes, on Dask, or on any Executor.

Each task builds its own ecosystem from its picklable parameters and its own seed, so results
are identical whatever the executor, the worker count or the order in which tasks finish.
:func:`iter_results` yields each result as its task finishes and keeps no reference to it, and
only a few tasks are in flight at a time, so the caller's memory does not grow with the number
of tasks. A task that raises is yielded as a :class:`TaskFailure` and the others go on.

Local workers form a warm pool: a process that runs several experiments (a notebook, the test
suite, ``reproduce``) starts its workers once and reuses them (:func:`shutdown_warm_pool` stops
them; they stop when the process ends). Tasks carry everything they need, so a reused worker
gives the same results as a fresh one.

Shutdown: an interrupt (Ctrl-C, or SIGTERM turned into one by the CLI) terminates the local
workers at once (the next run starts a new pool); workers ignore Ctrl-C themselves (the main
process decides) and exit on their own when the main process dies, even by SIGKILL (a watchdog
thread polls their parent).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from sim.experiment.cluster import dask_client
from sim.experiment.options import Options
from sim.experiment.runner import Task, run_task

__all__ = ["TaskFailure", "iter_results", "shutdown_warm_pool"]


@dataclass(frozen=True)
class TaskFailure:
    """A task that raised: which one, and the error as text."""

    index: int
    task: Task
    error: str


def _describe(error: BaseException | None) -> str:
    if error is None:
        return "unknown error"
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return "".join(lines).strip()


def _serial(tasks: Sequence[Task], fn: Callable[[Task], Any]) -> Iterator[tuple[int, Any]]:
    for i, task in enumerate(tasks):
        try:
            outcome = fn(task)
        except Exception as error:  # reported, and the others go on
            outcome = TaskFailure(i, task, _describe(error))
        yield i, outcome


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)  # the main process died: nobody will read this worker's results


def _worker_init(parent: int) -> None:
    """In each local worker: ignore Ctrl-C (the main process stops us); die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _stream(
    pool: Executor, tasks: Sequence[Task], fn: Callable[[Task], Any], window: int
) -> Iterator[tuple[int, Any]]:
    """Keep at most ``window`` tasks in flight; yield each outcome and forget it."""
    pending: dict[Future[Any], int] = {}
    queue = iter(enumerate(tasks))
    try:
        while True:
            for i, task in queue:
                pending[pool.submit(fn, task)] = i
                if len(pending) >= window:
                    break
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                i = pending.pop(future)
                error = future.exception()
                yield i, (TaskFailure(i, tasks[i], _describe(error)) if error else future.result())
                del future
    finally:
        for future in pending:
            future.cancel()


_warm: dict[str, Any] = {"pool": None, "jobs": 0, "parent": 0}


def _local_pool(jobs: int) -> ProcessPoolExecutor:
    """The warm pool of ``jobs`` local workers, started if there is none (or it broke)."""
    pool = _warm["pool"]
    usable = (
        pool is not None
        and _warm["jobs"] == jobs
        and _warm["parent"] == os.getpid()
        and not getattr(pool, "_broken", False)
        and not getattr(pool, "_shutdown_thread", False)
    )
    if usable:
        return pool
    shutdown_warm_pool()
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )
    _warm.update(pool=pool, jobs=jobs, parent=os.getpid())
    return pool


def _stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers now (interrupted or abandoned)."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


def shutdown_warm_pool() -> None:
    """Stop the warm pool's workers, if any (a later run starts a new pool)."""
    pool, _warm["pool"] = _warm["pool"], None
    if pool is not None and _warm["parent"] == os.getpid():
        pool.shutdown(wait=True, cancel_futures=True)


def _processes(
    tasks: Sequence[Task], fn: Callable[[Task], Any], jobs: int
) -> Iterator[tuple[int, Any]]:
    """Run on the warm pool: its workers stay up for the next run of this process (each worker
    pays its imports once, and keeps its start-up cache), until the process ends."""
    pool = _local_pool(jobs)
    finished = False
    try:
        yield from _stream(pool, tasks, fn, 2 * jobs)
        finished = True
    finally:
        if not finished:  # interrupted or abandoned: stop the workers now, start afresh next time
            _warm["pool"] = None
            _stop(pool)


def _dask(
    tasks: Sequence[Task], fn: Callable[[Task], Any], options: Options
) -> Iterator[tuple[int, Any]]:
    with dask_client(
        options.jobs, options.scheduler, options.dashboard, options.scheduler_timeout
    ) as client:
        from distributed import as_completed

        workers = max(1, len(client.scheduler_info().get("workers", {})), options.jobs)
        window = 2 * workers
        pending: dict[Any, int] = {}
        queue = iter(enumerate(tasks))
        stream = as_completed()

        def fill() -> None:
            for i, task in queue:
                future = client.submit(fn, task, pure=False)
                pending[future] = i
                stream.add(future)
                if len(pending) >= window:
                    return

        fill()
        try:
            for future in stream:
                i = pending.pop(future)
                if future.status == "error":
                    yield i, TaskFailure(i, tasks[i], _describe(future.exception()))
                else:
                    yield i, future.result()
                future.release()
                fill()
        finally:
            for future in pending:
                future.cancel()


def iter_results(
    tasks: Sequence[Task], options: Options, fn: Callable[[Task], Any] | None = None
) -> Iterator[tuple[int, Any]]:
    """Yield ``(task index, result or TaskFailure)`` as tasks finish.

    The executor is ``options.executor``: ``serial``, ``processes`` (``jobs`` local worker
    processes), ``dask`` (a TLS LocalCluster of ``jobs`` workers, or ``options.scheduler``), any
    ``concurrent.futures.Executor`` (not shut down here), or ``None``: processes for several jobs,
    serial otherwise.
    """
    fn = fn or run_task
    executor = options.executor
    if isinstance(executor, Executor):
        return _stream(executor, tasks, fn, max(8, 4 * options.jobs))
    name = options.executor_name(len(tasks))
    if name == "serial" or not tasks:
        return _serial(tasks, fn)
    if name == "processes":
        return _processes(tasks, fn, options.jobs)
    return _dask(tasks, fn, options)
