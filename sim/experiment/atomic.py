"""Atomic writes: a uniquely named temporary file in the target folder, then ``os.replace``.

Two writers of one path never share a temporary name, and a reader never sees half a file.
:func:`read_csv_table` reads back what :func:`atomic_write_csv` wrote.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "atomic_path",
    "atomic_write_csv",
    "atomic_write_parquet",
    "atomic_write_text",
    "read_csv_table",
]


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary path next to ``path``; on success it replaces ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


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
