"""The sweep API (``sim.sweep``) and its standard figures; the CLI's ``sweep`` is a thin layer."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.errors import ConfigError
from sim.experiment.options import Options
from sim.experiment.panel_checks import check_panel_entities, check_panels
from sim.experiment.sweep import SweepResult, run_sweep
from sim.experiment.sweep_plan import SweepPlan, design_points, grid_points, plan_sweep
from sim.report.figures import save_figure
from sim.report.sweep_figures import standard_sweep_figures
from sim.scenario.figure_values import figure_spec
from sim.scenario.resolve import load_scenario

__all__ = ["draw_sweep_figures", "sweep", "sweep_figure_spec", "sweep_with"]


def sweep_figure_spec(plan: SweepPlan, panels: Sequence[str] = ()) -> dict[str, Any]:
    """What the sweep's figures draw (no references: they differ from point to point)."""
    scenario = load_scenario(plan.source, plan.overrides, list(plan.variants))
    return figure_spec(scenario, panels=panels)


def draw_sweep_figures(
    plan: SweepPlan,
    summary: pd.DataFrame,
    folder: Path,
    spec: Mapping[str, Any],
    stem: str | None = None,
) -> list[Path]:
    """Save the sweep's standard figures (:func:`standard_sweep_figures`) in ``folder``."""
    stem = stem or f"{plan.scenario}_sweep"
    info = summary.attrs.get("metrics", {})  # the manifest's metric declarations, if known
    written: list[Path] = []
    for suffix, fig in standard_sweep_figures(summary, plan.keys, spec, info):
        written += save_figure(fig, folder, stem + suffix)
    return written


def sweep(
    scenario: str | Path,
    *,
    grid: Mapping[str, Sequence[Any]] | None = None,
    design: str | Path | None = None,
    out: str | Path,
    reps: int | None = None,
    seed: int | None = None,
    horizon_days: float | None = None,
    variants: Sequence[str] | None = None,
    overrides: Sequence[str] = (),
    jobs: int = 1,
    executor: str | Executor | None = None,
    scheduler: str | None = None,
    seeding: str = "common",
    panels: Sequence[str] = (),
    figures: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run a grid (``grid``: key → values, factorial) or a design CSV × variants × replicates.

    Results stream into ``out``; calling again with the same arguments resumes.
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
    )
    return sweep_with(
        scenario,
        options,
        grid=grid,
        design=design,
        seeding=seeding,
        panels=panels,
        figures=figures,
        on_progress=on_progress,
    )


def sweep_with(
    scenario: str | Path,
    options: Options,
    *,
    grid: Mapping[str, Sequence[Any]] | None = None,
    design: str | Path | None = None,
    seeding: str = "common",
    panels: Sequence[str] = (),
    figures: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """:func:`sweep` with an :class:`Options` (the CLI's entry); ``options.out`` is required."""
    options = options.checked()
    if options.out is None:
        raise ConfigError("a sweep needs an output folder", path="--out")
    if (grid is None) == (design is None):
        raise ConfigError("give exactly one of --grid and --design")
    points = grid_points(grid) if grid is not None else design_points(design)  # type: ignore[arg-type]
    plan, tasks = plan_sweep(
        scenario,
        points,
        reps=options.reps,
        seed=options.seed,
        horizon_days=options.horizon_days,
        variants=options.variants or None,
        overrides=options.overrides,
        seeding=seeding,  # type: ignore[arg-type]
        jobs=options.jobs,
        force=options.force,
    )
    check_panels(panels, tasks)
    spec = sweep_figure_spec(plan, panels)

    def draw(plan: SweepPlan, summary: pd.DataFrame, folder: Path) -> list[Path]:
        check_panel_entities(panels, summary)
        return draw_sweep_figures(plan, summary, folder, spec)

    return run_sweep(
        plan,
        tasks,
        options,
        on_progress=on_progress,
        figures=draw if figures else None,
        figure_spec=spec,
    )
