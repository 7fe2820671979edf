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
    other_cpu_seconds: float | None = None  # CPU the rest of the machine used meanwhile (Linux)


def _cpu_seconds() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (``/proc/stat``; None elsewhere)."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]
        ticks = [int(f) for f in fields]
    except (OSError, ValueError, IndexError):
        return None
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # guest time is inside user


@contextmanager
def measure() -> Iterator[Callable[[], tuple[float, float, float | None]]]:
    """Yield ``elapsed()``: wall and CPU seconds (this process and its reaped workers) so far,
    and the CPU seconds the rest of the machine used meanwhile (``None`` where unknown)."""
    wall, cpu, machine = time.perf_counter(), _cpu_seconds(), _machine_busy_seconds()

    def elapsed() -> tuple[float, float, float | None]:
        ours = _cpu_seconds() - cpu
        now = _machine_busy_seconds()
        others = None if now is None or machine is None else max(now - machine - ours, 0.0)
        return time.perf_counter() - wall, ours, others

    yield elapsed


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
    return f"{', '.join(parts)}{jobs_text}{_busy_note(runs, record.get('cpu_count'))}"


BUSY_SHARE = 0.25  # other processes used more than this share of the machine during a run


def _busy_note(runs: dict[str, Any], cores: Any) -> str:
    """A note when other processes used over :data:`BUSY_SHARE` of the machine during a run."""
    if not isinstance(cores, int) or cores < 1:
        return ""
    shares = [
        run["other_cpu_seconds"] / (run["wall_seconds"] * cores)
        for run in runs.values()
        if isinstance(run, dict)
        and isinstance(run.get("other_cpu_seconds"), (int, float))
        and isinstance(run.get("wall_seconds"), (int, float))
        and run["wall_seconds"] > 0
    ]
    if not shares or max(shares) <= BUSY_SHARE:
        return ""
    return f" (measured on a busy machine: other processes used {max(shares):.0%} of {cores} cores)"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"~{seconds:.0f} s"
    return f"~{seconds / 60:.0f} min"
