"""How long a scenario's runs take: measured by ``debtsim reproduce``, read by ``debtsim list``.

``reproduce`` times each scenario's default run and its ``--quick`` run (run and figure, wall
and CPU seconds of this process and its workers, started for the run and reaped after it) and
stores them with the figure's data as ``data/<scenario>.timing.json``. Nothing here is typed
by hand: a scenario without a stored measurement has no expected time.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim import __version__
from sim.experiment.atomic import atomic_write_text

__all__ = [
    "Timing",
    "figure_dirs",
    "measure",
    "read_timings",
    "timing_path",
    "write_timings",
]


@dataclass(frozen=True)
class Timing:
    """One measured run: its settings and how long it took."""

    mode: str  # "default" or "quick"
    replicates: int
    horizon_days: float
    variants: int
    jobs: int
    wall_seconds: float
    cpu_seconds: float  # this process and its workers


def _cpu_seconds() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


@contextmanager
def measure() -> Iterator[Callable[[], tuple[float, float]]]:
    """Yield ``elapsed()``: wall and CPU seconds (this process and its reaped workers) so far."""
    wall, cpu = time.perf_counter(), _cpu_seconds()
    yield lambda: (time.perf_counter() - wall, _cpu_seconds() - cpu)


def timing_path(folder: Path, scenario: str) -> Path:
    """Where ``reproduce`` stores a scenario's timings, in its figures folder ``folder``."""
    return folder / "data" / f"{scenario}.timing.json"


def write_timings(folder: Path, scenario: str, timings: list[Timing]) -> Path:
    """Store ``timings`` with the machine they were measured on (written atomically)."""
    record: dict[str, Any] = {
        "scenario": scenario,
        "measured_by": "debtsim reproduce",
        "debtsim": __version__,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cpu_count": os.cpu_count(),
        "load_average_before": round(os.getloadavg()[0], 2),
        "runs": {t.mode: _rounded(asdict(t)) for t in timings},
    }
    path = timing_path(folder, scenario)
    return atomic_write_text(path, json.dumps(record, indent=2, sort_keys=True) + "\n")


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in values.items()}


def read_timings(scenario: str, folders: list[Path] | None = None) -> dict[str, Any] | None:
    """The stored timings of a scenario (the first figures folder that has them), or ``None``."""
    for folder in figure_dirs() if folders is None else folders:
        path = timing_path(folder, scenario)
        if path.is_file():
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # unreadable: as if not measured
            if isinstance(record, dict) and isinstance(record.get("runs"), dict):
                return record
    return None


def figure_dirs() -> list[Path]:
    """Figures folders searched for timings: ./figures, then a source checkout's."""
    here = Path(__file__).resolve()
    seen: list[Path] = []
    for folder in (Path.cwd() / "figures", here.parents[2] / "figures"):
        if folder.is_dir() and folder.resolve() not in seen:
            seen.append(folder.resolve())
    return seen


def expected_time(record: dict[str, Any] | None) -> str:
    """``debtsim list``'s column: the measured wall time of the default and quick runs."""
    if record is None:
        return "time not measured (debtsim reproduce)"
    runs = record["runs"]
    parts = []
    for mode in ("default", "quick"):
        run = runs.get(mode)
        if isinstance(run, dict) and isinstance(run.get("wall_seconds"), (int, float)):
            parts.append(f"{mode} {_duration(float(run['wall_seconds']))}")
        elif mode == "quick":
            parts.append("no quick preset")
    jobs = {run.get("jobs") for run in runs.values() if isinstance(run, dict)}
    jobs_text = f", --jobs {jobs.pop()}" if len(jobs) == 1 else ""
    load, cores = record.get("load_average_before"), record.get("cpu_count")
    busy = ""
    if isinstance(load, (int, float)) and isinstance(cores, int) and load > cores:
        busy = f" (measured on a busy machine: load {load:g} on {cores} cores)"
    return f"{', '.join(parts)}{jobs_text}{busy}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"~{seconds:.0f} s"
    return f"~{seconds / 60:.0f} min"
