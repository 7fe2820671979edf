"""Atomic writes of text, Parquet and CSV (:func:`sim.core.atomic_files.atomic_path`: a
uniquely named temporary file in the target folder, then ``os.replace``; a failed write leaves
no temporary file and raises :class:`~sim.core.errors.OutputError`).
:func:`read_csv_table` reads back what :func:`atomic_write_csv` wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.atomic_files import atomic_path

__all__ = [
    "atomic_path",
    "atomic_write_csv",
    "atomic_write_parquet",
    "atomic_write_text",
    "read_csv_table",
]


def _write(path: Path, write: Callable[[Path], Any]) -> Path:
    with atomic_path(path) as tmp:
        write(tmp)
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return _write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def atomic_write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    """Write ``frame`` to ``path`` (Parquet) atomically."""
    return _write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def read_csv_table(path: Path, numeric: Sequence[str] = ()) -> pd.DataFrame:
    """A CSV table read back: text stays text (an empty ``entity`` is ``""``, not NaN) and an
    empty cell of a ``numeric`` column is NaN (an undefined value, such as the CI of one
    replicate)."""
    return pd.read_csv(path, keep_default_na=False, na_values={c: [""] for c in numeric})


def atomic_write_csv(path: Path, frame: pd.DataFrame, index: bool = False, **options: Any) -> Path:
    """Write ``frame`` to ``path`` (CSV) atomically."""
    return _write(path, lambda tmp: frame.to_csv(tmp, index=index, **options))
