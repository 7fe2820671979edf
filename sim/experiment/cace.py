"""The CACE harness: perturb one setting at a time and measure every output's change.

For each perturbation (a ``KEY=VALUE`` override) the scenario's variant runs with and without it
under common random numbers: replicate r of both runs uses the same seed, every component the
same named stream, so a difference comes from the change alone (a zero perturbation gives exactly
zero). Per perturbation and output (system, entity, metric: each replicate's final, total or mean
value as the metric declares) it reports the mean paired difference with a 95% CI, the relative
change, and a standardised effect (difference over the reference's spread across replicates).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.summary import mean_ci, replicate_values
from sim.core.errors import ConfigError
from sim.experiment.executors import execute
from sim.experiment.manifest import git_commit, package_versions
from sim.experiment.runner import Task, TaskResult
from sim.experiment.store import atomic_write_csv, atomic_write_text
from sim.scenario.overrides import parse_override
from sim.scenario.resolve import load_scenario

__all__ = ["CaceResult", "cace"]

KEYS = ["system", "entity", "metric"]


@dataclass
class CaceResult:
    """Per perturbation and output: the paired change; and the perturbation × output table."""

    changes: pd.DataFrame
    sensitivity: pd.DataFrame
    manifest: dict[str, Any]
    out: Path | None = None


def _values(results: list[TaskResult], aggregates: dict[str, str]) -> pd.DataFrame:
    frames = [replicate_values(r.metrics, aggregates) for r in results]
    return pd.concat(frames, ignore_index=True).drop(columns="variant")


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
    on_task_done: Callable[[TaskResult], None] | None = None,
) -> CaceResult:
    """Run the reference and each perturbation under common random numbers; compare."""
    if not perturbations:
        raise ConfigError("give at least one --perturb KEY=VALUE")
    for text in perturbations:
        parse_override(text)
    reference = load_scenario(scenario, overrides, [variant] if variant else None)
    name = variant or reference.meta.baseline
    runs = {"": reference}
    for text in perturbations:
        try:
            runs[text] = load_scenario(scenario, [*overrides, text], [name])
        except ConfigError as error:
            raise ConfigError(f"--perturb {text}: {error}") from None
    replicates = reps or reference.meta.replicates
    root = reference.meta.seed if seed is None else seed
    horizon = float(horizon_days or reference.meta.horizon_days)
    labels = list(runs)
    tasks = [
        Task(
            label or "reference",
            r,
            root,
            runs[label].configs[name],
            horizon,
            reference.meta.tick_days,
        )
        for label in labels
        for r in range(replicates)
    ]
    started = time.perf_counter()
    results = execute(tasks, jobs, on_task_done)
    specs: dict[str, tuple[str, str]] = {}
    for r in results:
        specs.update(r.specs)
    aggregates = {k: a for k, (a, _) in specs.items()}
    per_label = {
        label: _values(results[i * replicates : (i + 1) * replicates], aggregates)
        for i, label in enumerate(labels)
    }
    base = per_label[""].set_index([*KEYS, "replicate"])["value"]
    rows = []
    for label in labels[1:]:
        other = per_label[label].set_index([*KEYS, "replicate"])["value"]
        joined = pd.concat({"ref": base, "new": other}, axis=1)
        for key, group in joined.groupby(level=KEYS, sort=True):
            paired = group.dropna()
            diff = (paired["new"] - paired["ref"]).to_numpy()
            if diff.size == 0:
                continue  # an output that exists on one side only (an added or removed part)
            mean, low, high = mean_ci(diff)
            ref_mean = float(paired["ref"].mean())
            spread = float(paired["ref"].std(ddof=1)) if len(paired) > 1 else 0.0
            rows.append(
                (
                    label,
                    *key,
                    ref_mean,
                    float(paired["new"].mean()),
                    mean,
                    low,
                    high,
                    mean / abs(ref_mean) if ref_mean else np.nan,
                    mean / spread if spread > 0 else (0.0 if mean == 0 else np.inf),
                    len(diff),
                )
            )
    columns = [
        "perturbation",
        *KEYS,
        "reference",
        "perturbed",
        "change",
        "ci_low",
        "ci_high",
        "relative_change",
        "standardized_change",
        "n",
    ]
    changes = pd.DataFrame(rows, columns=columns)
    output = (
        changes["system"]
        + ":"
        + changes["metric"]
        + changes["entity"].map(lambda e: f":{e}" if e else "")
    )
    sensitivity = (
        changes.assign(output=output)
        .pivot_table(index="perturbation", columns="output", values="relative_change", sort=False)
        .reindex(labels[1:])
    )
    manifest = {
        "scenario": reference.name,
        "source": reference.source,
        "variant": name,
        "perturbations": list(perturbations),
        "overrides": list(overrides),
        "replicates": replicates,
        "root_seed": root,
        "horizon_days": horizon,
        "common_random_numbers": True,
        "versions": package_versions(),
        "git_commit": git_commit(Path(reference.source).resolve().parent),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
    result = CaceResult(changes, sensitivity, manifest)
    if out is not None:
        result.out = _write(result, Path(out))
    return result


def _write(result: CaceResult, folder: Path) -> Path:
    from sim.report.cace_figure import sensitivity_heatmap
    from sim.report.figures import save_figure

    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_csv(folder / "cace.csv", result.changes)
    atomic_write_csv(folder / "sensitivity.csv", result.sensitivity, index=True)
    atomic_write_text(folder / "manifest.json", json.dumps(result.manifest, indent=2) + "\n")
    save_figure(
        sensitivity_heatmap(result.sensitivity, result.manifest["scenario"]),
        folder / "figures",
        "cace",
    )
    return folder
