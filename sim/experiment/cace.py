"""The CACE harness: perturb one setting at a time and measure every output's change.

A CACE study is a plan of the reference and one unit per perturbation (a ``KEY=VALUE``
override) × replicates, run through the experiment pipeline under common random numbers:
replicate r of every unit uses the same seed, every component the same named stream. The paired
statistics are :func:`sim.analysis.cace.paired_changes`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.cace import CHANGE_COLUMNS, OUTPUT_KEYS, paired_changes, sensitivity_table
from sim.analysis.summary import replicate_values
from sim.core.errors import ConfigError
from sim.experiment.atomic import atomic_write_csv, read_csv_table
from sim.experiment.failures import raise_failures
from sim.experiment.manifest import build_manifest
from sim.experiment.options import Options
from sim.experiment.perturbations import check_perturbation
from sim.experiment.pipeline import Execution, execute, finished_tasks_kept
from sim.experiment.plan import Plan
from sim.experiment.resources import check_scenario_fits
from sim.experiment.runner import Task
from sim.scenario.overrides import parse_override
from sim.scenario.resolve import load_scenario

__all__ = ["CaceResult", "cace", "cace_with"]

REFERENCE = "reference"


@dataclass
class CaceResult:
    """Per perturbation and output: the paired change; and the perturbation × output table."""

    changes: pd.DataFrame
    sensitivity: pd.DataFrame
    manifest: dict[str, Any]
    out: Path | None = None
    nothing_to_do: bool = False


def cace(
    scenario: str | Path,
    perturbations: Sequence[str],
    *,
    variant: str | None = None,
    reps: int | None = None,
    seed: int | None = None,
    horizon_days: float | None = None,
    overrides: Sequence[str] = (),
    jobs: int = 1,
    out: str | Path | None = None,
    executor: str | Executor | None = None,
    scheduler: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> CaceResult:
    """Run the reference and each perturbation under common random numbers; compare."""
    options = Options.make(
        reps=reps,
        seed=seed,
        horizon_days=horizon_days,
        overrides=overrides,
        variants=[variant] if variant else None,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        out=out,
    )
    return cace_with(scenario, perturbations, options, on_progress=on_progress)


def cace_plan(scenario: str | Path, perturbations: Sequence[str], options: Options) -> Plan:
    """Resolve the reference and every perturbation once; the tasks pair them by replicate."""
    if not perturbations:
        raise ConfigError("give at least one --perturb KEY=VALUE")
    if len(options.variants) > 1:
        raise ConfigError("cace perturbs one variant; give at most one --variant", path="--variant")
    if len(set(perturbations)) != len(perturbations):
        raise ConfigError("a perturbation is given twice", path="--perturb")
    for text in perturbations:
        parse_override(text)
    reference = load_scenario(scenario, options.overrides, options.variants or None)
    name = options.variants[0] if options.variants else reference.meta.baseline
    resolved = {REFERENCE: reference}
    for text in perturbations:
        try:
            resolved[text] = load_scenario(scenario, [*options.overrides, text], [name])
        except ConfigError as error:
            raise ConfigError(f"--perturb {text}: {error}") from None
        check_perturbation(
            text,
            name,
            reference.configs[name],
            reference.blueprints.get(name),
            resolved[text].blueprints.get(name),
        )
    units = {label: sc.configs[name] for label, sc in resolved.items()}
    built = {label: sc.blueprints.get(name, sc.configs[name]) for label, sc in resolved.items()}
    replicates = options.reps or reference.meta.replicates
    root = reference.meta.seed if options.seed is None else options.seed
    horizon = float(options.horizon_days or reference.meta.horizon_days)
    tick = reference.meta.tick_days
    check_scenario_fits(
        resolved.values(), replicates, horizon, options.jobs, options.force, variants=[name]
    )
    tasks = tuple(
        Task(label, r, root, config, horizon, tick, point=p, index=p * replicates + r, unit=label)
        for p, (label, config) in enumerate(built.items())
        for r in range(replicates)
    )
    settings = {
        "replicates": replicates,
        "root_seed": root,
        "horizon_days": horizon,
        "tick_days": tick,
        "overrides": list(options.overrides),
        "variant": name,
        "perturbations": list(perturbations),
    }
    return Plan("cace", reference.name, reference.source, settings, units, tasks)


def cace_with(
    scenario: str | Path,
    perturbations: Sequence[str],
    options: Options,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> CaceResult:
    """:func:`cace` with an :class:`Options` (the CLI's entry)."""
    options = options.checked()
    plan = cace_plan(scenario, perturbations, options)
    if options.out is None:
        with tempfile.TemporaryDirectory(prefix="debtsim-cace-") as scratch:
            result = _cace_in(plan, Path(scratch), options, False, on_progress)
            result.out = None
            return result
    return _cace_in(plan, options.out, options, True, on_progress)


def _cace_in(
    plan: Plan,
    folder: Path,
    options: Options,
    figures: bool,
    on_progress: Callable[[int, int], None] | None,
) -> CaceResult:
    execution = execute(plan, folder, options, on_progress)
    try:
        if execution.nothing_to_do:
            return _load(folder)
        raise_failures(execution, plan, "replicates")
        with finished_tasks_kept(execution.store, options):
            return _assemble(plan, execution, options, figures)
    finally:
        execution.store.close()


def _assemble(plan: Plan, execution: Execution, options: Options, figures: bool) -> CaceResult:
    store = execution.store
    specs = store.specs(plan.tasks)
    aggregates = {k: a for k, (a, _) in specs.items()}
    per_unit: dict[str, list[pd.DataFrame]] = {label: [] for label in plan.units}
    for task in plan.tasks:
        per_unit[task.unit].append(replicate_values(store.metrics(task), aggregates))
    values = {
        label: pd.concat(frames, ignore_index=True).drop(columns="variant")
        for label, frames in per_unit.items()
    }
    perturbations = list(plan.settings["perturbations"])
    changes = paired_changes(values[REFERENCE], {p: values[p] for p in perturbations})
    sensitivity = sensitivity_table(changes, perturbations)
    manifest = build_manifest(
        plan,
        execution,
        options,
        specs=specs,
        extra={
            "variant": plan.settings["variant"],
            "perturbations": perturbations,
            "common_random_numbers": True,
        },
    )
    result = CaceResult(changes, sensitivity, manifest, store.folder)
    atomic_write_csv(store.folder / "cace.csv", changes)
    atomic_write_csv(store.folder / "sensitivity.csv", sensitivity, index=True)
    if figures:
        from sim.report.cace_figure import sensitivity_heatmap
        from sim.report.figures import save_figure

        save_figure(
            sensitivity_heatmap(sensitivity, plan.scenario, changes=changes),
            store.folder / "figures",
            "cace",
        )
    store.drop_parts()
    store.write_json("manifest.json", manifest)
    return result


def _load(folder: Path) -> CaceResult:
    import json

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    numeric = [c for c in CHANGE_COLUMNS if c not in ("perturbation", *OUTPUT_KEYS, "n")]
    changes = read_csv_table(folder / "cace.csv", numeric)
    sensitivity = pd.read_csv(folder / "sensitivity.csv", index_col=0)
    return CaceResult(changes, sensitivity, manifest, folder, nothing_to_do=True)
