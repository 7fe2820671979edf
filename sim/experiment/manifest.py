"""The run manifest: what ran, with which configuration, seeds and software."""

from __future__ import annotations

import functools
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.core.rng import replicate_seed
from sim.scenario.resolve import Scenario

__all__ = ["build_manifest", "git_commit", "package_versions"]

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


def build_manifest(
    scenario: Scenario,
    *,
    root_seed: int,
    replicates: int,
    horizon_days: float,
    overrides: list[str],
    specs: dict[str, tuple[str, str]],
    wall_seconds: float,
    jobs: int,
    undeclared_reads: list[tuple[str, str]],
) -> dict[str, Any]:
    """Everything needed to rerun and to interpret a run."""
    seeds = []
    for r in range(replicates):
        seq = replicate_seed(root_seed, r)
        seeds.append({"replicate": r, "entropy": seq.entropy, "spawn_key": list(seq.spawn_key)})
    return {
        "scenario": scenario.name,
        "source": scenario.source,
        "title": scenario.meta.title,
        "baseline": scenario.meta.baseline,
        "root_seed": root_seed,
        "replicates": replicates,
        "replicate_seeds": seeds,
        "horizon_days": horizon_days,
        "tick_days": scenario.meta.tick_days,
        "overrides": overrides,
        "variants": {
            name: {"description": scenario.descriptions.get(name, ""), "config": config}
            for name, config in scenario.configs.items()
        },
        "metrics": {k: {"aggregate": a, "description": d} for k, (a, d) in sorted(specs.items())},
        "undeclared_reads": [list(edge) for edge in undeclared_reads],
        "versions": package_versions(),
        "git_commit": git_commit(Path(scenario.source).resolve().parent),
        "jobs": jobs,
        "wall_seconds": round(wall_seconds, 3),
    }
