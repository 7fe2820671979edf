"""What ``debtsim check`` proves besides the file itself: the scenario's default run fits this
machine, its figure names what its variants record, and its ``[sweep]`` table (the sweep
``debtsim reproduce`` runs) validates at every grid point — so a file that checks also runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.experiment.resources import check_scenario_fits
from sim.experiment.sweep_plan import SweepPoint, grid_points
from sim.scenario.figure_metrics import check_figure_metrics, check_panels, declared_metrics
from sim.scenario.resolve import Scenario, load_scenario

__all__ = ["check_runnable", "check_sweep_table"]


def check_runnable(
    scenario: Scenario, overrides: Sequence[str] = (), *, complete: bool = True
) -> None:
    """Refuse a scenario whose default run cannot fit this machine, whose ``[figure]`` names
    metrics or systems no variant has, or whose ``[sweep]`` table does not validate.

    ``complete``: ``scenario`` holds every variant of the file; a selection of variants is
    checked for its fit only (a panel or a sweep may concern a variant left out)."""
    meta = scenario.meta
    check_scenario_fits([scenario], meta.replicates, meta.horizon_days)
    if complete:
        check_figure_metrics(scenario)
        check_sweep_table(scenario, overrides)


def check_sweep_table(scenario: Scenario, overrides: Sequence[str] = ()) -> None:
    """Every point of the ``[sweep]`` grid resolves (with the sweep's variants) and the sweep
    fits this machine; its panels name recorded metrics. Errors name the ``sweep`` key."""
    spec = scenario.sweep
    if not spec.grid:
        return
    source = scenario.source
    for i, variant in enumerate(spec.variants):
        if variant not in scenario.configs:
            known = list(scenario.configs)
            raise ConfigError(
                f"no variant {variant!r}{suggest(variant, known)}; variants: {', '.join(known)}",
                source=source,
                path=f"sweep.variants[{i}]",
            )
    points = [SweepPoint(i, p) for i, p in enumerate(grid_points(spec.grid))]
    replicates = spec.replicates or scenario.meta.replicates
    horizon = spec.horizon_days or scenario.meta.horizon_days
    resolved = [_point(scenario, points[0], overrides)]
    check_scenario_fits(resolved * len(points), replicates, horizon)  # before loading them all
    resolved += [_point(scenario, point, overrides) for point in points[1:]]
    check_scenario_fits(resolved, replicates, horizon)
    if spec.panels:
        metrics, components = declared_metrics(resolved[0], spec.panels)
        try:
            check_panels(spec.panels, "sweep.panels", metrics, components)
        except ConfigError as error:
            raise error.located(source=source) from None


def _point(scenario: Scenario, point: SweepPoint, overrides: Sequence[str]) -> Scenario:
    variants = scenario.sweep.variants or None
    try:
        return load_scenario(Path(scenario.source), [*overrides, *point.overrides()], variants)
    except ConfigError as error:
        where = f"{error.path}: " if error.path else ""
        raise ConfigError(
            f"point {point.label}: {where}{error.detail}", source=scenario.source, path="sweep.grid"
        ) from None
