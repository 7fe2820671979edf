"""Up-front resource estimate: a run that cannot fit this machine is refused before it starts.

Every component estimates what one run needs (:meth:`~sim.engine.component.Component.
resource_needs`: the memory of its state at its largest, its events and the rows it records)
from its parameters and the clock. :func:`estimate` adds them up for a plan — units (resolved
variants or sweep points) × replicates, run ``jobs`` at a time, every result gathered at the end
— and :func:`check_fits` refuses, with one line giving the numbers and the limit, a plan that
needs more memory than the machine has available, or more events than it can run in a day,
unless forced (``--force``). Estimates are rough (within a small factor of what catalogue runs
measure); they exist to refuse ``--horizon-days 1e12``, ``tick_days = 1e-9`` or ``--reps 1e9``
before the first byte is allocated, not to plan to the byte.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sim.core.errors import ConfigError
from sim.engine.environment import Ecosystem
from sim.scenario.build import Blueprint, prepare
from sim.scenario.resolve import Scenario

__all__ = [
    "EVENT_LIMIT",
    "Estimate",
    "available_memory",
    "check_fits",
    "check_scenario_fits",
    "estimate",
]

ROW_BYTES_RUNNING = 200.0  # a recorded row in a running task (lists, then its frame)
ROW_BYTES_GATHERED = 120.0  # a row of the gathered metrics and events frames
TASK_BYTES = 4096.0  # a task's bookkeeping (plan, store, result)
EVENT_LIMIT = 5e9  # events this machine runs in about a day (measured: 2e3–6e4 per second)
_GIB = 2.0**30


@dataclass(frozen=True)
class Estimate:
    """What a plan needs at once (memory) and in all (events), and how many tasks it has."""

    tasks: float
    events: float
    memory_bytes: float
    largest_task_bytes: float


def estimate(
    units: Iterable[tuple[Blueprint, float]], replicates: int, horizon_days: float, jobs: int = 1
) -> Estimate:
    """The needs of ``replicates`` runs of each unit (a blueprint and its tick) up to
    ``horizon_days``, ``jobs`` tasks at a time; every unit's wiring is validated for it."""
    events = rows = largest = 0.0
    count = 0
    for blueprint, tick_days in units:
        needs = Ecosystem(blueprint.instantiate(), seed=0, tick_days=tick_days).needs(horizon_days)
        count += 1
        events += needs.events * replicates
        rows += needs.rows * replicates
        largest = max(largest, needs.state_bytes + needs.rows * ROW_BYTES_RUNNING)
    tasks = float(count) * replicates
    at_once = largest * min(float(jobs), max(tasks, 1.0))
    memory = at_once + rows * ROW_BYTES_GATHERED + tasks * TASK_BYTES
    return Estimate(tasks, events, memory, largest)


def available_memory() -> float:
    """Bytes of memory available to a new run (``MemAvailable``; free pages elsewhere)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return float("inf")


def check_fits(needed: Estimate, source: str, what: str, force: bool = False) -> None:
    """Refuse (a ConfigError naming ``source``) a plan that cannot fit this machine, unless
    ``force``; ``what`` says what was counted (``7 variants × 20 replicates × 180 days``)."""
    if force:
        return
    available = available_memory()
    numbers = (
        f"{what}: about {needed.memory_bytes / _GIB:.3g} GiB of memory at once "
        f"({needed.largest_task_bytes / _GIB:.3g} GiB per running task) and "
        f"{needed.events:.3g} simulation events"
    )
    if needed.memory_bytes > available:
        raise ConfigError(
            f"too big for this machine: {numbers}; {available / _GIB:.3g} GiB is available "
            "(fewer replicates, days or a smaller population fit; --force runs it anyway)",
            source=source,
        )
    if needed.events > EVENT_LIMIT:
        raise ConfigError(
            f"too long for this machine: {numbers}; the limit is {EVENT_LIMIT:.3g} events "
            "(about a day of computing; a longer tick or fewer days or replicates fit; --force "
            "runs it anyway)",
            source=source,
        )


def check_scenario_fits(
    scenarios: Iterable[Scenario],
    replicates: int,
    horizon_days: float,
    jobs: int = 1,
    force: bool = False,
    variants: Sequence[str] | None = None,
) -> None:
    """Validate every variant of ``scenarios`` (one, or a sweep's or a CACE study's units), or
    only ``variants``, for a run of ``horizon_days`` and refuse, unless ``force``, what cannot
    fit this machine."""
    chosen = list(scenarios)
    first = chosen[0]
    names = list(variants or first.configs)
    units = []
    try:
        for scenario in chosen:
            for name, config in scenario.configs.items():
                if name not in names:
                    continue
                blueprint = scenario.blueprints.get(name) or prepare(config)
                units.append((blueprint, scenario.meta.tick_days))
        needed = estimate(units, replicates, horizon_days, jobs)
    except ConfigError as error:
        raise error.located(source=first.source) from None
    points = f"{len(chosen)} points × " if len(chosen) > 1 else ""
    what = (
        f"{points}{len(names)} variant(s) × {replicates} replicate(s) × "
        f"{horizon_days:g} days in ticks of {first.meta.tick_days:g} days"
    )
    check_fits(needed, first.source, what, force)
