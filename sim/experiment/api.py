"""The Python API for notebooks and scripts; the CLI is a thin layer over it.

>>> import sim
>>> result = sim.run("direct_feedback_loop", reps=5, horizon_days=60)   # doctest: +SKIP
>>> result.summary.head()                                                # doctest: +SKIP
>>> result.plot()                                                        # doctest: +SKIP

``run`` plans every variant × replicate, runs the unfinished tasks through the experiment
pipeline into its folder and assembles the run folder. Unlike ``debtsim run``, which always
writes ``runs/<scenario>-<time>/``, ``run`` writes a folder only when given ``out=``: without it
the work happens in a temporary folder and the result is returned in memory.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.summary import STATISTICS, summarize
from sim.core.errors import ConfigError
from sim.experiment.atomic import read_csv_table
from sim.experiment.failures import raise_failures
from sim.experiment.manifest import build_manifest, replicate_seeds
from sim.experiment.options import Options
from sim.experiment.pipeline import Execution, execute, finished_tasks_kept
from sim.experiment.plan import Plan, run_plan
from sim.experiment.resources import check_scenario_fits
from sim.experiment.store import atomic_write_csv, atomic_write_parquet
from sim.report.figures import save_figure, variant_figure
from sim.scenario.figure_metrics import check_figure_metrics
from sim.scenario.figure_values import figure_spec as standard_figure_spec
from sim.scenario.resolve import Scenario, load_scenario

__all__ = ["RunResult", "load", "run", "run_with"]


@dataclass
class RunResult:
    """Metrics, events and summary frames of a run, its manifest, and its standard figure."""

    metrics: pd.DataFrame
    events: pd.DataFrame
    summary: pd.DataFrame
    manifest: dict[str, Any]
    out: Path | None = None
    figure_spec: dict[str, Any] = field(default_factory=dict)
    nothing_to_do: bool = False  # the folder already held this run: nothing ran
    reused: int = 0  # tasks read back from an interrupted earlier session

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
            metric_info=self.manifest.get("metrics", {}),
            references=spec.get("references", ()),
            labels=spec.get("labels", {}),
            share_y=spec.get("share_y", ()),
        )

    def save_figures(self, folder: str | Path, stem: str | None = None) -> list[Path]:
        """Draw the standard figure and save it as PNG and SVG in ``folder``."""
        return save_figure(self.plot(), folder, stem or self.manifest["scenario"])


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
    executor: str | Executor | None = None,
    scheduler: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    quick: bool = False,
    force: bool = False,
) -> RunResult:
    """Run every variant (or ``variants``) × replicates of a scenario (path or catalogue name).

    ``quick``: the scenario's ``[quick]`` preset (fewer replicates, a shorter horizon, maybe a
    smaller world: a run to show live); ``reps``, ``horizon_days`` and ``overrides`` still win.

    Without ``out`` nothing is written: the run works in a temporary folder, deleted at the end,
    and the result lives in memory only (``result.out`` is ``None``; ``result.save_figures(dir)``
    saves the figure). With ``out`` the run folder (manifest, Parquet, summary, figures) is
    written there, each task as soon as it finishes; called again on the same folder it resumes
    (or, finished, does nothing). ``executor``: ``serial``, ``processes``, ``dask`` or any
    ``concurrent.futures.Executor``. ``force``: run even what the resource estimate says cannot
    fit this machine.
    """
    options = Options.make(
        reps=reps,
        seed=seed,
        horizon_days=horizon_days,
        overrides=overrides,
        variants=variants,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        out=out,
        quick=quick,
        force=force,
    )
    return run_with(scenario, options, figures=figures, on_progress=on_progress)


def _scenario(scenario: str | Path | Scenario, options: Options) -> Scenario:
    """The scenario resolved once, honouring ``variants``; a resolved one refuses overrides."""
    if not isinstance(scenario, Scenario):
        return load_scenario(
            scenario, options.overrides, options.variants or None, quick=options.quick
        )
    if options.quick and not scenario.quick_applied:
        raise ConfigError(
            "the preset applies while a scenario is resolved: pass its path or name, or resolve "
            "it with load_scenario(path, quick=True)",
            path="--quick",
        )
    if options.overrides:
        raise ConfigError(
            "overrides apply while a scenario is resolved: pass its path or name, or resolve "
            "it with load_scenario(path, overrides)",
            path="--set",
        )
    if not options.variants:
        return scenario
    for name in options.variants:
        if name not in scenario.configs:
            raise ConfigError(
                f"no variant {name!r}; variants: {', '.join(scenario.configs)}", path="--variant"
            )
    configs = {name: scenario.configs[name] for name in options.variants}
    blueprints = {n: scenario.blueprints[n] for n in options.variants if n in scenario.blueprints}
    return replace(scenario, configs=configs, blueprints=blueprints)


def run_with(
    scenario: str | Path | Scenario,
    options: Options,
    *,
    figures: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """:func:`run` with an :class:`Options` (the CLI's entry)."""
    options = options.checked()
    resolved = _scenario(scenario, options)
    replicates = options.reps or resolved.meta.replicates
    horizon_days = float(options.horizon_days or resolved.meta.horizon_days)
    check_scenario_fits([resolved], replicates, horizon_days, options.jobs, options.force)
    if not options.variants:  # a selection may leave out what another variant's panel shows
        check_figure_metrics(resolved)
    plan = run_plan(
        resolved,
        replicates,
        resolved.meta.seed if options.seed is None else options.seed,
        horizon_days,
        options.overrides,
    )
    if options.out is None:
        with tempfile.TemporaryDirectory(prefix="debtsim-run-") as scratch:
            result = _run_in(plan, resolved, Path(scratch), options, False, on_progress)
            result.out = None
            return result
    return _run_in(plan, resolved, options.out, options, figures, on_progress)


def _run_in(
    plan: Plan,
    scenario: Scenario,
    folder: Path,
    options: Options,
    figures: bool,
    on_progress: Callable[[int, int], None] | None,
) -> RunResult:
    execution = execute(plan, folder, options, on_progress)
    try:
        if execution.nothing_to_do:
            result = load(folder)
            result.nothing_to_do = True
            return result
        raise_failures(execution, plan, "replicates")
        with finished_tasks_kept(execution.store, options):
            return _assemble(plan, scenario, execution, options, figures)
    finally:
        execution.store.close()


def _assemble(
    plan: Plan, scenario: Scenario, execution: Execution, options: Options, figures: bool
) -> RunResult:
    store = execution.store
    metrics = pd.concat([store.metrics(t) for t in plan.tasks], ignore_index=True)
    events = pd.concat([store.events(t) for t in plan.tasks], ignore_index=True)
    specs = store.specs(plan.tasks)
    summary = summarize(metrics, {k: a for k, (a, _) in specs.items()})
    settings = plan.settings
    figure_spec = standard_figure_spec(scenario, horizon_days=float(settings["horizon_days"]))
    manifest = build_manifest(
        plan,
        execution,
        options,
        specs=specs,
        extra={
            "title": scenario.meta.title,
            "baseline": scenario.meta.baseline,
            "replicate_seeds": replicate_seeds(settings["root_seed"], settings["replicates"]),
            "variants": {
                name: {"description": scenario.descriptions.get(name, ""), "config": config}
                for name, config in scenario.configs.items()
            },
            "overrides_not_applied": scenario.not_applied,
            "undeclared_reads": [list(edge) for edge in store.undeclared_reads(plan.tasks)],
            "release_reads": store.release_reads(plan.tasks),
            "quick": scenario.quick_applied,
            "figure": figure_spec,
        },
    )
    result = RunResult(
        metrics, events, summary, manifest, store.folder, figure_spec, reused=execution.reused
    )
    folder = store.folder
    if figures:
        result.save_figures(folder / "figures", scenario.name)
    atomic_write_parquet(folder / "metrics.parquet", metrics)
    atomic_write_parquet(folder / "events.parquet", events)
    atomic_write_csv(folder / "summary.csv", summary)
    store.drop_parts()
    store.write_json("manifest.json", manifest)  # last: it marks the folder finished
    return result


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
        summary=read_csv_table(folder / "summary.csv", STATISTICS),
        manifest=manifest,
        out=folder,
        figure_spec=manifest.get("figure", {}),
    )
