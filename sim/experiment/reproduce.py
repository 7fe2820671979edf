"""``debtsim reproduce``: regenerate the committed figures from the scenario files.

Each scenario runs with the replicates and seed its file names and its standard figure is saved;
a scenario with a ``[sweep]`` table also gets its sweep figures (lines or heat maps), and the
summary behind each figure goes to ``data/<scenario>.summary.csv``. The same inputs always give
the same figures and summaries. Each scenario's default run (run and figure) and its ``--quick``
run are timed, and the times stored in ``data/<scenario>.timing.json`` for ``debtsim list``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.api import run
from sim.experiment.executors import shutdown_warm_pool
from sim.experiment.out_folder import check_writable_folder
from sim.experiment.store import atomic_write_csv
from sim.experiment.sweep_api import sweep
from sim.experiment.timing import Timing, measure, write_timings
from sim.scenario.loader import catalogue, find_scenario
from sim.scenario.resolve import load_scenario
from sim.scenario.schema import SweepSpec

__all__ = ["reproduce"]


def reproduce(
    names: Sequence[str] | None = None, out: Path = Path("figures"), jobs: int = 1
) -> list[Path]:
    """Run each scenario (default: the whole catalogue) and save its figures in ``out``."""
    paths = [find_scenario(n) for n in names] if names else list(catalogue().values())
    check_writable_folder(out)
    written: list[Path] = []
    for path in paths:
        shutdown_warm_pool()  # each timed run starts its workers, as `debtsim run` does
        with measure() as elapsed:
            result = run(path, jobs=jobs)
            written += result.save_figures(out, path.stem)
            shutdown_warm_pool()  # reaped, so that their CPU time is counted
            timings = [_timing("default", result.manifest, jobs, *elapsed())]
        written.append(_save_summary(result.summary, out / "data" / f"{path.stem}.summary.csv"))
        scenario = load_scenario(path)
        if scenario.quick.declared:
            timings.append(_time_quick(path, jobs))
        written.append(write_timings(out, path.stem, timings))
        if scenario.sweep.grid:
            written += _sweep_figures(path, scenario.sweep, out, jobs)
    return written


def _timing(
    mode: str, manifest: dict[str, Any], jobs: int, wall: float, cpu: float, other: float | None
) -> Timing:
    return Timing(
        mode=mode,
        replicates=int(manifest["replicates"]),
        horizon_days=float(manifest["horizon_days"]),
        variants=len(manifest["variants"]),
        jobs=jobs,
        wall_seconds=wall,
        cpu_seconds=cpu,
        other_cpu_seconds=other,
    )


def _time_quick(path: Path, jobs: int) -> Timing:
    """Time the ``--quick`` run as a user sees it: the run and its figure (drawn, not kept)."""
    shutdown_warm_pool()
    with tempfile.TemporaryDirectory() as scratch, measure() as elapsed:
        result = run(path, jobs=jobs, quick=True)
        result.save_figures(Path(scratch), path.stem)
        shutdown_warm_pool()
        return _timing("quick", result.manifest, jobs, *elapsed())


def _save_summary(summary: pd.DataFrame, target: Path) -> Path:
    """The numbers behind a figure: the run's summary (mean and 95% CI per variant and metric)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_csv(target, summary, float_format="%.6g")


def _sweep_figures(path: Path, spec: SweepSpec, out: Path, jobs: int) -> list[Path]:
    """Run the ``[sweep]`` grid in a scratch folder and copy its figures to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        sweep(
            path,
            grid=spec.grid,
            out=scratch,
            reps=spec.replicates or None,
            horizon_days=spec.horizon_days or None,
            variants=spec.variants or None,
            jobs=jobs,
            panels=spec.panels,
        )
        for figure in sorted((Path(scratch) / "figures").iterdir()):
            target = out / figure.name
            shutil.copyfile(figure, target)
            written.append(target)
    return written
