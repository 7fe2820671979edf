"""The manifest: what ran, with which configuration, seeds, software and executor.

One builder for ``run``, ``sweep`` and ``cace``: the fields every experiment records, then the
kind's own (``extra``).
"""

from __future__ import annotations

import functools
import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.core.rng import replicate_seed
from sim.experiment.options import Options
from sim.experiment.pipeline import Execution
from sim.experiment.plan import Plan

__all__ = ["build_manifest", "git_commit", "package_versions", "replicate_seeds"]

_PACKAGES = ("debtsim", "simpy", "numpy", "pandas", "pyarrow", "scipy", "matplotlib")


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages a run depends on."""
    return dict(_installed_versions())


@functools.cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    """Read once per process: reading package metadata costs milliseconds per package."""
    versions = [("python", platform.python_version())]
    for name in _PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return tuple(versions)


def git_commit(folder: Path) -> str | None:
    """The commit checked out in ``folder``'s repository, if there is one."""
    try:
        out = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def replicate_seeds(root_seed: int, replicates: int) -> list[dict[str, Any]]:
    """Each replicate's seed sequence (entropy and spawn key), as derived for its tasks."""
    seeds = []
    for r in range(replicates):
        seq = replicate_seed(root_seed, r)
        seeds.append({"replicate": r, "entropy": seq.entropy, "spawn_key": list(seq.spawn_key)})
    return seeds


def _metric_entry(
    name: str,
    aggregate: str,
    description: str,
    units: Mapping[str, tuple[str, float | None, float | None]] | None,
) -> dict[str, Any]:
    """A metric's declaration: how a replicate is summarised, its meaning, unit and range."""
    entry: dict[str, Any] = {"aggregate": aggregate, "description": description}
    if units and name in units:
        unit, low, high = units[name]
        entry.update(unit=unit, range=[low, high])
    return entry


def build_manifest(
    plan: Plan,
    execution: Execution,
    options: Options,
    *,
    specs: Mapping[str, tuple[str, str]],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything needed to rerun and to interpret an experiment: the plan's settings, then
    ``extra`` (what the kind of experiment adds), then the metrics with their units, the
    versions, and how it was executed (executor, scheduler, jobs, time, tasks reused)."""
    settings = plan.settings
    manifest: dict[str, Any] = {
        "kind": plan.kind,
        "scenario": plan.scenario,
        "source": plan.source,
        "root_seed": settings["root_seed"],
        "replicates": settings["replicates"],
        "horizon_days": settings["horizon_days"],
        "tick_days": settings["tick_days"],
        "overrides": list(settings["overrides"]),
        "tasks": len(plan.tasks),
    }
    manifest.update(extra or {})
    units = execution.store.units(plan.tasks)
    manifest.update(
        {
            "metrics": {k: _metric_entry(k, a, d, units) for k, (a, d) in sorted(specs.items())},
            "versions": package_versions(),
            "git_commit": git_commit(Path(plan.source).resolve().parent),
            "executor": execution.executor,
            "scheduler": options.scheduler,
            "jobs": options.jobs,
            "wall_seconds": round(execution.wall_seconds, 3),
            "tasks_reused": execution.reused,
        }
    )
    return manifest
