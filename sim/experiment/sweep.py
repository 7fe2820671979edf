"""Running a sweep: tasks stream to disk as they finish; an interrupted sweep resumes.

The sweep folder holds ``sweep.json`` (the plan: a folder belongs to one plan), ``parts/`` (one
Parquet file per finished task, written atomically as soon as it finishes), ``failures.json``
(tasks that raised, with their parameters), and at the end ``metrics.parquet`` (streamed part by
part: memory does not grow with the number of tasks), ``summary.csv`` (per grid point, variant,
system, entity and metric: mean and 95% CI over replicates), ``manifest.json`` and figures.
Started again with the same arguments, a sweep redoes only the tasks without a part.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.analysis.summary import replicate_values, summarize_values
from sim.core.errors import ConfigError, DebtsimError
from sim.experiment.executors import TaskFailure, iter_results
from sim.experiment.manifest import git_commit, package_versions
from sim.experiment.runner import Task, TaskResult
from sim.experiment.store import atomic_write_csv, atomic_write_parquet, atomic_write_text
from sim.experiment.sweep_plan import SweepPlan
from sim.scenario.overrides import toml_value

__all__ = ["SweepFailed", "SweepResult", "run_sweep"]


class SweepFailed(DebtsimError):
    """Some tasks raised; the others' results are kept in the sweep folder."""


@dataclass
class SweepResult:
    """Where a finished sweep is, and its summary."""

    out: Path
    summary: pd.DataFrame
    manifest: dict[str, Any]

    def metrics(self) -> pd.DataFrame:
        """All tidy rows (read from disk: may be large)."""
        return pd.read_parquet(self.out / "metrics.parquet")


def _key_columns(plan: SweepPlan) -> dict[str, list[Any]]:
    """Per swept key, the value of each point: numbers stay numbers, anything else is text."""
    columns = {}
    for key in plan.keys:
        values = [p.values.get(key) for p in plan.points]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        columns[key] = (
            [float(v) for v in values]
            if numeric
            else [v if isinstance(v, str) else toml_value(v) for v in values]
        )
    return columns


def _part_name(task: Task) -> str:
    return f"{task.point:05d}__{task.variant}__{task.replicate:05d}.parquet"


class _SweepFolder:
    def __init__(self, out: Path, plan: SweepPlan):
        self.out, self.plan = out, plan
        self.parts = out / "parts"
        self.keys = _key_columns(plan)

    def open(self) -> None:
        plan_file = self.out / "sweep.json"
        wanted = self.plan.to_json()
        if plan_file.is_file():
            existing = json.loads(plan_file.read_text(encoding="utf-8"))
            if existing != json.loads(json.dumps(wanted, default=str)):
                raise ConfigError(
                    f"{self.out} holds a different sweep; resume it with the same arguments or "
                    "choose another --out",
                    path="--out",
                )
        self.parts.mkdir(parents=True, exist_ok=True)
        atomic_write_text(plan_file, json.dumps(wanted, indent=2, default=str) + "\n")

    def done(self, task: Task) -> bool:
        return (self.parts / _part_name(task)).is_file()

    def save(self, task: Task, result: TaskResult) -> None:
        frame = result.metrics
        for position, (key, values) in enumerate(self.keys.items()):
            frame.insert(position, key, values[task.point])
        frame.insert(len(self.keys), "point", task.point)
        atomic_write_parquet(self.parts / _part_name(task), frame)
        specs_file = self.out / "metric_specs.json"
        specs = json.loads(specs_file.read_text()) if specs_file.is_file() else {}
        merged = {**specs, **{k: list(v) for k, v in result.specs.items()}}
        if merged != specs:
            atomic_write_text(specs_file, json.dumps(merged, indent=2, sort_keys=True))

    def specs(self) -> dict[str, tuple[str, str]]:
        raw = json.loads((self.out / "metric_specs.json").read_text(encoding="utf-8"))
        return {k: (v[0], v[1]) for k, v in raw.items()}

    def finish(self, tasks: list[Task]) -> pd.DataFrame:
        """Stream every part into metrics.parquet; return the per-replicate summary values."""
        aggregates = {k: a for k, (a, _) in self.specs().items()}
        tmp = self.out / ".metrics.parquet.tmp"
        writer: pq.ParquetWriter | None = None
        per_replicate = []
        try:
            for task in tasks:
                frame = pd.read_parquet(self.parts / _part_name(task))
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table.cast(writer.schema))
                values = replicate_values(frame, aggregates)
                values.insert(0, "point", task.point)
                per_replicate.append(values)
        finally:
            if writer is not None:
                writer.close()
        tmp.replace(self.out / "metrics.parquet")
        return pd.concat(per_replicate, ignore_index=True)


def _summarize(plan: SweepPlan, per_replicate: pd.DataFrame, keys: dict[str, list]) -> pd.DataFrame:
    """Per grid point (as the swept keys' values), variant, system, entity and metric."""
    summary = summarize_values(per_replicate, by=["point"])
    for position, key in enumerate(plan.keys):
        summary.insert(position, key, [keys[key][p] for p in summary["point"]])
    return summary.drop(columns="point")


def run_sweep(
    plan: SweepPlan,
    tasks: list[Task],
    out: str | Path,
    *,
    jobs: int = 1,
    executor: str | None = None,
    scheduler: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    figures: Callable[[SweepPlan, pd.DataFrame, Path], list[Path]] | None = None,
) -> SweepResult:
    """Run the tasks not yet done, then assemble the results; raise SweepFailed on failures."""
    folder = _SweepFolder(Path(out), plan)
    folder.open()
    todo = [t for t in tasks if not folder.done(t)]
    finished = len(tasks) - len(todo)
    if on_progress:
        on_progress(finished, len(tasks))
    started = time.perf_counter()
    failures: list[TaskFailure] = []
    for i, outcome in iter_results(todo, jobs, executor, scheduler):  # type: ignore[arg-type]
        if isinstance(outcome, TaskFailure):
            failures.append(outcome)
        else:
            folder.save(todo[i], outcome)
        finished += 1
        if on_progress:
            on_progress(finished, len(tasks))
    failures_file = folder.out / "failures.json"
    if failures:
        report = [
            {
                "point": plan.points[f.task.point].values,
                "variant": f.task.variant,
                "replicate": f.task.replicate,
                "error": f.error,
            }
            for f in failures
        ]
        atomic_write_text(failures_file, json.dumps(report, indent=2, default=str) + "\n")
        first = report[0]
        raise SweepFailed(
            f"{len(failures)} of {len(tasks)} tasks failed (details in {failures_file}); the "
            f"{len(tasks) - len(failures)} others are kept in {folder.parts}; run the same "
            f"command again to retry the failed ones. First failure: point {first['point']}, "
            f"variant {first['variant']!r}, replicate {first['replicate']}: "
            f"{first['error'].splitlines()[-1]}"
        )
    if failures_file.is_file():
        failures_file.unlink()
    summary = _summarize(plan, folder.finish(tasks), folder.keys)
    atomic_write_csv(folder.out / "summary.csv", summary)
    manifest = {
        **plan.to_json(),
        "source": plan.source,
        "tasks": len(tasks),
        "descriptions": plan.descriptions,
        "metrics": {k: {"aggregate": a, "description": d} for k, (a, d) in folder.specs().items()},
        "versions": package_versions(),
        "git_commit": git_commit(Path(plan.source).resolve().parent),
        "jobs": jobs,
        "executor": executor or ("local" if jobs > 1 else "serial"),
        "wall_seconds_this_session": round(time.perf_counter() - started, 3),
    }
    atomic_write_text(
        folder.out / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n"
    )
    if figures is not None:
        figures(plan, summary, folder.out / "figures")
    return SweepResult(folder.out, summary, manifest)
