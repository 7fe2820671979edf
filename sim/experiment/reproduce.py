"""``debtsim reproduce``: regenerate the committed figures from the scenario files.

Each scenario runs with the replicates and seed its file names, so the same inputs always give
the same files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.experiment.api import run
from sim.scenario.loader import catalogue, find_scenario

__all__ = ["reproduce"]


def reproduce(
    names: Sequence[str] | None = None, out: Path = Path("figures"), jobs: int = 1
) -> list[Path]:
    """Run each scenario (default: the whole catalogue) and save its figure in ``out``."""
    paths = [find_scenario(n) for n in names] if names else list(catalogue().values())
    written: list[Path] = []
    for path in paths:
        result = run(path, jobs=jobs)
        written += result.save_figures(out, path.stem)
    return written
