"""The run folder: manifest, tidy Parquet frames, summary CSV, figures — all written atomically.

Each finished task is saved under ``parts/`` as soon as it finishes, so an interrupted run
loses nothing finished; the final frames are written once every task is done.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.runner import TaskResult

__all__ = ["RunStore", "atomic_write_csv", "atomic_write_parquet", "atomic_write_text"]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def atomic_write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` to ``path`` (Parquet) via a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def atomic_write_csv(path: Path, frame: pd.DataFrame, index: bool = False, **options: Any) -> Path:
    """Write ``frame`` to ``path`` (CSV) via a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=index, **options)
    os.replace(tmp, path)
    return path


class RunStore:
    """One run folder."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.parts = self.folder / "parts"

    def open(self) -> None:
        """Create the folder (and ``parts/``)."""
        self.parts.mkdir(parents=True, exist_ok=True)

    def save_part(self, result: TaskResult) -> None:
        """Persist one finished task."""
        stem = f"{result.variant}__{result.replicate:05d}"
        atomic_write_parquet(self.parts / f"{stem}.metrics.parquet", result.metrics)
        atomic_write_parquet(self.parts / f"{stem}.events.parquet", result.events)

    def finish(
        self,
        manifest: dict[str, Any],
        metrics: pd.DataFrame,
        events: pd.DataFrame,
        summary: pd.DataFrame,
    ) -> None:
        """Write the final frames and manifest, then drop the per-task parts."""
        atomic_write_parquet(self.folder / "metrics.parquet", metrics)
        atomic_write_parquet(self.folder / "events.parquet", events)
        atomic_write_csv(self.folder / "summary.csv", summary)
        text = json.dumps(manifest, indent=2, sort_keys=False, default=str)
        atomic_write_text(self.folder / "manifest.json", text + "\n")
        for part in self.parts.glob("*.parquet"):
            part.unlink()
        if self.parts.is_dir() and not any(self.parts.iterdir()):
            self.parts.rmdir()

    @property
    def figures(self) -> Path:
        """Where figures go."""
        return self.folder / "figures"
