"""The Python API for notebooks and scripts; the CLI is a thin layer over it.

>>> import sim
>>> result = sim.run("direct_feedback_loop", reps=5, horizon_days=60)   # doctest: +SKIP
>>> result.summary.head()                                                # doctest: +SKIP
>>> result.plot()                                                        # doctest: +SKIP
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.summary import summarize
from sim.core.errors import ConfigError
from sim.experiment.executors import execute
from sim.experiment.manifest import build_manifest
from sim.experiment.runner import Task, TaskResult
from sim.experiment.store import RunStore
from sim.report.figures import save_figure, variant_figure
from sim.scenario.resolve import Scenario, load_scenario

__all__ = ["RunResult", "load", "plan_tasks", "run"]


@dataclass
class RunResult:
    """Metrics, events and summary frames of a run, its manifest, and its standard figure."""

    metrics: pd.DataFrame
    events: pd.DataFrame
    summary: pd.DataFrame
    manifest: dict[str, Any]
    out: Path | None = None
    figure_spec: dict[str, Any] = field(default_factory=dict)

    def plot(self, panels: Sequence[str] | None = None, title: str | None = None) -> Figure:
        """The standard figure: variants over time with 95% CI bands."""
        spec = self.figure_spec
        return variant_figure(
            self.metrics,
            panels or spec.get("panels") or (),
            title if title is not None else spec.get("title", self.manifest.get("scenario", "")),
            system=spec.get("system") or None,
            baseline=self.manifest.get("baseline"),
            log_panels=spec.get("log_panels", ()),
            variants=spec.get("variants", ()),
        )

    def save_figures(self, folder: str | Path, stem: str | None = None) -> list[Path]:
        """Draw the standard figure and save it as PNG and SVG in ``folder``."""
        return save_figure(self.plot(), folder, stem or self.manifest["scenario"])


def plan_tasks(
    scenario: Scenario, replicates: int, root_seed: int, horizon_days: float
) -> list[Task]:
    """Every (variant, replicate) task, variants in file order, replicates in order."""
    return [
        Task(name, r, root_seed, config, horizon_days, scenario.meta.tick_days)
        for name, config in scenario.configs.items()
        for r in range(replicates)
    ]


def run(
    scenario: str | Path | Scenario,
    *,
    reps: int | None = None,
    seed: int | None = None,
    horizon_days: float | None = None,
    variants: Sequence[str] | None = None,
    overrides: Sequence[str] = (),
    jobs: int = 1,
    out: str | Path | None = None,
    figures: bool = True,
    on_task_done: Callable[[TaskResult], None] | None = None,
    executor: str | None = None,
    scheduler: str | None = None,
) -> RunResult:
    """Run every variant (or ``variants``) × replicates of a scenario (path or catalogue name).

    With ``out`` the run folder is written there (each task as soon as it finishes).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides, variants)
    _check_positive("reps", reps, int)
    _check_positive("jobs", jobs, int)
    _check_positive("horizon_days", horizon_days, (int, float))
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        raise ConfigError(f"seed must be a non-negative integer, got {seed!r}", path="--seed")
    replicates = reps or scenario.meta.replicates
    root_seed = scenario.meta.seed if seed is None else seed
    horizon = float(horizon_days or scenario.meta.horizon_days)
    tasks = plan_tasks(scenario, replicates, root_seed, horizon)
    store = RunStore(out) if out is not None else None
    if store:
        store.open()

    def done(result: TaskResult) -> None:
        if store:
            store.save_part(result)
        if on_task_done:
            on_task_done(result)

    started = time.perf_counter()
    results = execute(tasks, jobs, done, executor, scheduler)  # type: ignore[arg-type]
    wall = time.perf_counter() - started
    metrics = pd.concat([r.metrics for r in results], ignore_index=True)
    events = pd.concat([r.events for r in results], ignore_index=True)
    specs: dict[str, tuple[str, str]] = {}
    for r in results:
        specs.update(r.specs)
    summary = summarize(metrics, {k: a for k, (a, _) in specs.items()})
    undeclared = sorted({edge for r in results for edge in r.undeclared_reads})
    manifest = build_manifest(
        scenario,
        root_seed=root_seed,
        replicates=replicates,
        horizon_days=horizon,
        overrides=list(overrides),
        specs=specs,
        wall_seconds=wall,
        jobs=jobs,
        undeclared_reads=undeclared,
    )
    figure_spec = {
        "panels": list(scenario.figure.panels),
        "title": scenario.figure.title or scenario.meta.title,
        "system": scenario.figure.system,
        "log_panels": list(scenario.figure.log_panels),
        "variants": list(scenario.figure.variants),
    }
    manifest["figure"] = figure_spec
    result = RunResult(metrics, events, summary, manifest, None, figure_spec)
    if store:
        if figures:
            result.save_figures(store.figures, scenario.name)
        store.finish(manifest, metrics, events, summary)
        result.out = store.folder
    return result


def _check_positive(name: str, value: Any, kinds: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        raise ConfigError(f"must be a positive number, got {value!r}", path=f"--{name}")


def load(folder: str | Path) -> RunResult:
    """A finished run folder read back into a :class:`RunResult`."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ConfigError(f"not a finished run folder (no manifest.json): {folder}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return RunResult(
        metrics=pd.read_parquet(folder / "metrics.parquet"),
        events=pd.read_parquet(folder / "events.parquet"),
        summary=pd.read_csv(folder / "summary.csv", keep_default_na=False),
        manifest=manifest,
        out=folder,
        figure_spec=manifest.get("figure", {}),
    )
