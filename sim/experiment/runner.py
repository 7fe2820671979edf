"""One replicate of one variant: build the ecosystem, run it, return tidy frames.

Tasks are plain picklable values so that any executor (serial, processes, a cluster) can run
them and produce byte-identical frames.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from threadpoolctl import threadpool_limits

from sim.core.rng import replicate_seed
from sim.scenario.build import Blueprint, build_ecosystem

__all__ = ["MetricUnit", "Task", "TaskResult", "run_task"]

MetricUnit = tuple[str, float | None, float | None]  # a metric's unit and the range of its values


@dataclass(frozen=True)
class Task:
    """One (variant, replicate) of a scenario with its validated parameters (a blueprint).

    A resolved configuration tree is accepted too (it is validated again when the task runs).
    """

    variant: str
    replicate: int
    root_seed: int
    config: Blueprint | dict[str, Any]
    horizon_days: float
    tick_days: float
    seed_key: tuple[int, ...] = ()  # extra identity in the spawn key (independent sweep seeds)
    point: int = -1  # the sweep grid point, if any
    index: int = 0  # position in its plan (names the task's part in the store)
    unit: str = ""  # the plan's unit (resolved configuration) the task runs


@dataclass
class TaskResult:
    """The frames of one task, plus the metric declarations and the observed wiring."""

    variant: str
    replicate: int
    point: int
    metrics: pd.DataFrame
    events: pd.DataFrame
    specs: dict[str, tuple[str, str]]
    wall_seconds: float
    undeclared_reads: list[tuple[str, str]]
    units: dict[str, MetricUnit] = field(default_factory=dict)  # name → (unit, low, high)
    # (reader, signal, ref, release, days) for every read of a versioned signal
    release_reads: list[tuple[str, str, str, int, int]] = field(default_factory=list)


def run_task(task: Task) -> TaskResult:
    """Run one task from scratch (nothing shared with any other task)."""
    started = time.perf_counter()
    seed = replicate_seed(task.root_seed, task.replicate, task.seed_key)
    ecosystem = build_ecosystem(task.config, seed, task.tick_days)
    # One BLAS thread: a simulation alternates many small products with other numpy work, and
    # waking BLAS threads for each costs more than the product (see sim.learn.linalg); tasks
    # run in parallel across processes instead.
    with threadpool_limits(limits=1, user_api="blas"):
        recorder = ecosystem.run(task.horizon_days)
    metrics = recorder.metrics()
    metrics.insert(0, "replicate", task.replicate)
    metrics.insert(0, "variant", task.variant)
    events = recorder.events()
    events.insert(0, "replicate", task.replicate)
    events.insert(0, "variant", task.variant)
    return TaskResult(
        variant=task.variant,
        replicate=task.replicate,
        point=task.point,
        metrics=metrics,
        events=events,
        specs={k: (s.aggregate, s.description) for k, s in recorder.specs.items()},
        wall_seconds=time.perf_counter() - started,
        undeclared_reads=sorted(ecosystem.env.signals.undeclared_reads()),
        units={k: (s.unit, *s.bounds) for k, s in recorder.specs.items()},
        release_reads=ecosystem.env.signals.release_reads(),
    )
