"""Running a sweep: tasks stream to the store as they finish; an interrupted sweep resumes.

The sweep folder holds the store (``plan.json``, ``parts/``; see :mod:`sim.experiment.store`),
``failures.json`` (tasks that raised, with their parameters), and at the end ``metrics.parquet``
(streamed part by part: memory does not grow with the number of tasks), ``summary.csv`` (per
grid point, variant, system, entity and metric: mean and 95% CI over replicates),
``manifest.json`` and figures. Started again with the same arguments, a sweep redoes only the
tasks without a part; finished, it does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.analysis.summary import STATISTICS, replicate_values, summarize_values
from sim.core.errors import ConfigError
from sim.experiment.atomic import atomic_path, atomic_write_csv, read_csv_table
from sim.experiment.failures import raise_failures
from sim.experiment.manifest import build_manifest
from sim.experiment.options import Options
from sim.experiment.pipeline import Execution, TasksFailed, execute, finished_tasks_kept
from sim.experiment.plan import Plan
from sim.experiment.runner import Task
from sim.experiment.sweep_plan import SweepPlan
from sim.scenario.overrides import toml_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["SweepFailed", "SweepResult", "run_sweep"]

SweepFailed = TasksFailed  # the name of earlier versions


@dataclass
class SweepResult:
    """Where a finished sweep is, its summary, and its standard figure (:meth:`plot`)."""

    out: Path
    summary: pd.DataFrame
    manifest: dict[str, Any]
    nothing_to_do: bool = False

    @property
    def figure_spec(self) -> dict[str, Any]:
        """The panels, title and system the sweep's figures draw (as recorded in the manifest)."""
        return dict(self.manifest.get("figure", {}))

    def metrics(self) -> pd.DataFrame:
        """All tidy rows (read from disk: may be large)."""
        return pd.read_parquet(self.out / "metrics.parquet")

    def plot(self, panels: Sequence[str] | None = None, title: str | None = None) -> Figure:
        """The standard sweep figure, as :meth:`RunResult.plot` for a run.

        One swept key: each panel's metric against the key, one line per variant with 95% CI
        bands. Two keys: a heat map of one panel (``panels``: one name; default the first of
        the figure's panels), one map per variant. More keys: select from :attr:`summary`.
        """
        from sim.report.sweep_figures import standard_sweep_figures

        spec = self.figure_spec
        keys = list(self.manifest["keys"])
        chosen = list(panels or spec.get("panels") or ())
        if not chosen:
            raise ConfigError("no panels recorded for this sweep: pass panels=[...]")
        if len(keys) > 2:
            raise ConfigError(
                f"plot draws sweeps over one or two keys; this one has {len(keys)} "
                f"({', '.join(keys)}): select points from .summary and draw them"
            )
        if len(keys) == 2:
            if panels and len(chosen) > 1:
                raise ConfigError(
                    f"a heat map over two swept keys shows one panel; got {len(chosen)}: "
                    "pass one, e.g. panels=[" + repr(chosen[0]) + "]"
                )
            chosen = chosen[:1]
        spec["panels"] = chosen
        if title is not None:
            spec["title"] = title
        spec.setdefault("title", self.manifest["scenario"])
        info = self.manifest.get("metrics", {})  # units and ranges
        return standard_sweep_figures(self.summary, keys, spec, info)[0][1]


def _key_columns(plan: SweepPlan) -> dict[str, list[Any]]:
    """Per swept key, the value of each point: numbers stay numbers, anything else is text."""
    columns = {}
    for key in plan.keys:
        values = [p.values.get(key) for p in plan.points]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        columns[key] = (
            [float(v) for v in values if v is not None]
            if numeric
            else [v if isinstance(v, str) else toml_value(v) for v in values]
        )
    return columns


def _stream_metrics(
    sweep: SweepPlan, plan: Plan, execution: Execution, aggregates: dict[str, str]
) -> pd.DataFrame:
    """Stream every part into metrics.parquet; return the per-replicate summary values."""
    store = execution.store
    keys = _key_columns(sweep)
    per_replicate = []
    with atomic_path(store.folder / "metrics.parquet") as tmp:
        writer: pq.ParquetWriter | None = None
        try:
            for task in plan.tasks:
                frame = store.metrics(task)
                for position, (key, values) in enumerate(keys.items()):
                    frame.insert(position, key, values[task.point])
                frame.insert(len(keys), "point", task.point)
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
    summary = summarize_values(pd.concat(per_replicate, ignore_index=True), by=["point"])
    for position, key in enumerate(sweep.keys):
        summary.insert(position, key, [keys[key][p] for p in summary["point"]])
    return summary.drop(columns="point")


def run_sweep(
    sweep: SweepPlan,
    tasks: list[Task],
    options: Options,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    figures: Callable[[SweepPlan, pd.DataFrame, Path], list[Path]] | None = None,
    figure_spec: dict[str, Any] | None = None,
) -> SweepResult:
    """Run the tasks not yet done, then assemble the results; raise TasksFailed on failures."""
    if options.out is None:
        raise ValueError("a sweep needs an output folder")
    plan = sweep.plan(tasks)
    execution = execute(plan, options.out, options, on_progress)
    store = execution.store
    try:
        if execution.nothing_to_do:
            manifest = json.loads((store.folder / "manifest.json").read_text(encoding="utf-8"))
            summary = read_csv_table(store.folder / "summary.csv", STATISTICS)
            return SweepResult(store.folder, summary, manifest, nothing_to_do=True)

        def where(task: Task) -> dict[str, Any]:
            return sweep.points[task.point].values

        raise_failures(execution, plan, "tasks", where)
        with finished_tasks_kept(store, options):
            specs = store.specs(plan.tasks)
            summary = _stream_metrics(sweep, plan, execution, {k: a for k, (a, _) in specs.items()})
            atomic_write_csv(store.folder / "summary.csv", summary)
            manifest = build_manifest(
                plan,
                execution,
                options,
                specs=specs,
                extra={
                    "keys": list(sweep.keys),
                    "points": [p.values for p in sweep.points],
                    "variants": list(sweep.variants),
                    "seeding": sweep.seeding,
                    "descriptions": sweep.descriptions,
                    "figure": figure_spec or {},
                    "keys_not_applied": sweep.not_applied,
                },
            )
            if figures is not None:
                summary.attrs["metrics"] = manifest["metrics"]  # units and ranges for the figures
                figures(sweep, summary, store.folder / "figures")
            store.drop_parts()
            store.write_json("manifest.json", manifest)
            return SweepResult(store.folder, summary, manifest)
    finally:
        store.close()
