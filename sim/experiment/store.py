"""The resumable task store of an output folder, shared by ``run``, ``sweep`` and ``cace``.

Layout: ``plan.json`` (the plan's fingerprint: a folder holds the results of one plan),
``parts/<task>.parquet`` (a finished task's metrics), ``parts/events/<task>.parquet`` and
``parts/meta/<task>.json`` (its events, metric declarations and observed wiring). Every file is
written atomically as soon as its task finishes, metrics last, so a metrics part marks a task as
done; started again, an experiment reads finished tasks back instead of running them. When the
experiment's final files are written the parts are removed; ``manifest.json`` then marks the
folder as finished. The folder is locked (:mod:`sim.experiment.lock`) while a store is open.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from sim.core.errors import ConfigError
from sim.experiment.atomic import (
    atomic_write_csv,
    atomic_write_parquet,
    atomic_write_text,
)
from sim.experiment.lock import FolderLock
from sim.experiment.out_folder import check_output_folder
from sim.experiment.plan import Plan, fingerprint_changes
from sim.experiment.runner import MetricUnit, Task, TaskResult

__all__ = [
    "PlanMismatch",
    "TaskStore",
    "atomic_write_csv",
    "atomic_write_parquet",
    "atomic_write_text",
]

State = Literal["new", "resumed", "finished"]


class PlanMismatch(ConfigError):
    """The folder holds results of another plan (another configuration or other arguments)."""


def part_name(task: Task) -> str:
    """The file stem of a task's parts."""
    return f"task-{task.index:06d}"


class TaskStore:
    """One output folder: its lock, its plan and its finished tasks."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.parts = self.folder / "parts"
        self.lock = FolderLock(self.folder)

    def open(self, plan: Plan) -> State:
        """Lock the folder and bind it to ``plan``; refuse another plan's folder, and a folder
        that cannot be written or holds files debtsim did not write.

        Returns ``finished`` when the folder already holds this plan's final results,
        ``resumed`` when it holds some of its finished tasks, ``new`` otherwise.
        """
        check_output_folder(self.folder)
        self.lock.acquire()
        try:
            return self._bind(plan)
        except BaseException:
            self.lock.release()
            raise

    def _bind(self, plan: Plan) -> State:
        wanted = plan.fingerprint()
        plan_file = self.folder / "plan.json"
        if plan_file.is_file():
            try:
                existing = json.loads(plan_file.read_text(encoding="utf-8"))
            except ValueError:
                existing = {}
            changes = fingerprint_changes(existing, wanted)
            if changes:
                shown = "; ".join(changes[:8]) + ("; …" if len(changes) > 8 else "")
                raise PlanMismatch(
                    f"{self.folder} holds results computed under another configuration "
                    f"({shown}); run with the same arguments and scenario file to resume, or "
                    "choose another --out",
                    path="--out",
                )
            if (self.folder / "manifest.json").is_file():
                return "finished"
            return "resumed" if self._any_part() else "new"
        earlier = ("sweep.json", "manifest.json")
        if self._any_part() or any((self.folder / name).is_file() for name in earlier):
            raise PlanMismatch(
                f"{self.folder} holds results without a plan (an earlier debtsim); "
                "choose another --out",
                path="--out",
            )
        atomic_write_text(plan_file, json.dumps(wanted, indent=2) + "\n")
        return "new"

    def _any_part(self) -> bool:
        return self.parts.is_dir() and any(self.parts.glob("*.parquet"))

    def close(self) -> None:
        """Release the folder."""
        self.lock.release()

    def done(self, task: Task) -> bool:
        """Whether ``task`` finished in this or an earlier session."""
        return (self.parts / f"{part_name(task)}.parquet").is_file()

    def save(self, task: Task, result: TaskResult) -> None:
        """Persist one finished task (its metrics last: they mark it done)."""
        stem = part_name(task)
        meta = {
            "variant": result.variant,
            "replicate": result.replicate,
            "point": result.point,
            "specs": {k: list(v) for k, v in result.specs.items()},
            "undeclared_reads": [list(edge) for edge in result.undeclared_reads],
            "release_reads": [list(row) for row in result.release_reads],
            "units": {k: list(v) for k, v in result.units.items()},
            "wall_seconds": result.wall_seconds,
        }
        atomic_write_parquet(self.parts / "events" / f"{stem}.parquet", result.events)
        atomic_write_text(self.parts / "meta" / f"{stem}.json", json.dumps(meta) + "\n")
        atomic_write_parquet(self.parts / f"{stem}.parquet", result.metrics)

    def metrics(self, task: Task) -> pd.DataFrame:
        """A finished task's tidy metrics."""
        return pd.read_parquet(self.parts / f"{part_name(task)}.parquet")

    def events(self, task: Task) -> pd.DataFrame:
        """A finished task's events."""
        return pd.read_parquet(self.parts / "events" / f"{part_name(task)}.parquet")

    def meta(self, task: Task) -> dict[str, Any]:
        """A finished task's metric declarations, observed wiring and wall time."""
        path = self.parts / "meta" / f"{part_name(task)}.json"
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def specs(self, tasks: Iterable[Task]) -> dict[str, tuple[str, str]]:
        """Every metric declared by the tasks: name → (aggregate, description)."""
        specs: dict[str, tuple[str, str]] = {}
        for task in tasks:
            for key, (aggregate, description) in self.meta(task)["specs"].items():
                specs[key] = (aggregate, description)
        return specs

    def units(self, tasks: Iterable[Task]) -> dict[str, MetricUnit]:
        """Every metric's unit and value range: name → (unit, low, high)."""
        units: dict[str, MetricUnit] = {}
        for task in tasks:
            for key, (unit, low, high) in self.meta(task).get("units", {}).items():
                units[key] = (unit, low, high)
        return units

    def undeclared_reads(self, tasks: Iterable[Task]) -> list[tuple[str, str]]:
        """Every read the tasks made without declaring it."""
        return sorted({(a, b) for task in tasks for a, b in self.meta(task)["undeclared_reads"]})

    def release_reads(self, tasks: Iterable[Task]) -> list[dict[str, Any]]:
        """Which release of which versioned signal each reader read, per variant: reader-days
        summed over the variant's tasks, per (reader, signal, ref, release)."""
        days: dict[tuple[str, str, str, str, int], int] = {}
        for task in tasks:
            for reader, signal, ref, release, n in self.meta(task).get("release_reads", []):
                key = (task.variant, reader, signal, ref, int(release))
                days[key] = days.get(key, 0) + int(n)
        return [
            {"variant": v, "reader": r, "signal": s, "ref": ref, "release": n, "reader_days": d}
            for (v, r, s, ref, n), d in sorted(days.items())
        ]

    def write_json(self, name: str, data: Any) -> Path:
        """Write a JSON file into the folder atomically."""
        text = json.dumps(data, indent=2, default=str) + "\n"
        return atomic_write_text(self.folder / name, text)

    def drop_parts(self) -> None:
        """Remove the per-task parts (the final files hold everything)."""
        if self.parts.is_dir():
            shutil.rmtree(self.parts)
