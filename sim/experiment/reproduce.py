"""``debtsim reproduce``: regenerate the committed figures from the scenario files.

Each scenario runs with the replicates and seed its file names and its standard figure is saved;
a scenario with a ``[sweep]`` table also gets its sweep figures (lines or heat maps), and the
summary behind each figure goes to ``data/<scenario>.summary.csv``. The same inputs always give
the same files.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.experiment.api import run
from sim.experiment.store import atomic_write_csv
from sim.experiment.sweep_api import sweep
from sim.scenario.loader import catalogue, find_scenario
from sim.scenario.resolve import load_scenario
from sim.scenario.schema import SweepSpec

__all__ = ["reproduce"]


def reproduce(
    names: Sequence[str] | None = None, out: Path = Path("figures"), jobs: int = 1
) -> list[Path]:
    """Run each scenario (default: the whole catalogue) and save its figures in ``out``."""
    paths = [find_scenario(n) for n in names] if names else list(catalogue().values())
    written: list[Path] = []
    for path in paths:
        result = run(path, jobs=jobs)
        written += result.save_figures(out, path.stem)
        written.append(_save_summary(result.summary, out / "data" / f"{path.stem}.summary.csv"))
        spec = load_scenario(path).sweep
        if spec.grid:
            written += _sweep_figures(path, spec, out, jobs)
    return written


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
