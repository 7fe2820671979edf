"""One pipeline for ``run``, ``sweep`` and ``cace``: a plan's unfinished tasks into its store.

:func:`execute` opens (locks) the output folder, binds it to the plan (refusing another plan's
folder), runs only the tasks without a finished part, and saves each result as soon as its task
finishes. Whatever stops it — a failure, Ctrl-C, SIGTERM — the finished tasks stay in the store
and the same call again resumes.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sim.core.errors import DebtsimError, OutputError
from sim.experiment import executors
from sim.experiment.cluster import check_scheduler
from sim.experiment.options import Options
from sim.experiment.plan import Plan
from sim.experiment.runner import Task
from sim.experiment.store import State, TaskStore

__all__ = ["Execution", "TasksFailed", "execute", "finished_tasks_kept"]

Progress = Callable[[int, int], None]


class TasksFailed(DebtsimError):
    """Some tasks raised; the others' results are kept in the output folder."""


@dataclass
class Execution:
    """What one call did: the folder's state before it, what ran, what failed, how long."""

    store: TaskStore
    state: State
    ran: int = 0
    reused: int = 0
    failures: list[executors.TaskFailure] = field(default_factory=list)
    wall_seconds: float = 0.0
    executor: str = "serial"

    @property
    def nothing_to_do(self) -> bool:
        """The folder already held this plan's final results."""
        return self.state == "finished"


def execute(
    plan: Plan, folder: Path, options: Options, on_progress: Progress | None = None
) -> Execution:
    """Run ``plan``'s unfinished tasks into ``folder`` (locked; released by the caller)."""
    if options.scheduler and options.executor_name(len(plan.tasks)) == "dask":
        check_scheduler(options.scheduler, options.scheduler_timeout)  # before any work
    store = TaskStore(folder)
    state = store.open(plan)
    todo = [] if state == "finished" else [t for t in plan.tasks if not store.done(t)]
    execution = Execution(store, state, reused=len(plan.tasks) - len(todo))
    execution.executor = options.executor_name(len(todo))
    if state == "finished":
        return execution
    total = len(plan.tasks)
    if on_progress:
        on_progress(execution.reused, total)
    started = time.perf_counter()
    try:
        with finished_tasks_kept(store, options):
            _run(todo, options, store, execution, total, on_progress)
    except BaseException:
        store.close()
        raise
    execution.wall_seconds = time.perf_counter() - started
    return execution


def _run(
    todo: list[Task],
    options: Options,
    store: TaskStore,
    execution: Execution,
    total: int,
    on_progress: Progress | None,
) -> None:
    """Run ``todo``, saving each finished task at once."""
    results = executors.iter_results(todo, options)
    with contextlib.closing(results):  # type: ignore[type-var]
        for i, outcome in results:
            if isinstance(outcome, executors.TaskFailure):
                execution.failures.append(outcome)
            else:
                store.save(todo[i], outcome)
                execution.ran += 1
            del outcome
            if on_progress:
                on_progress(execution.reused + execution.ran + len(execution.failures), total)


@contextlib.contextmanager
def finished_tasks_kept(store: TaskStore, options: Options) -> Iterator[None]:
    """An output that cannot be written (a full disk) stops the experiment with one
    :class:`OutputError` saying that the finished tasks are kept and how to resume (when the
    folder is the one asked for, not a scratch folder)."""
    try:
        yield
    except OutputError as error:
        if options.out is None or Path(options.out) != store.folder:
            raise
        raise OutputError(
            f"{error}; the finished tasks are kept in {store.folder}: free some space and run "
            "the same command again to resume"
        ) from None
