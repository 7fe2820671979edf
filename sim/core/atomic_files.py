"""Atomic writes: a uniquely named temporary file next to the target, then ``os.replace``.

Two writers of one path never share a temporary name, a reader never sees half a file, and a
write that fails (a full disk, a folder that became read-only) leaves no temporary file behind
and raises one :class:`~sim.core.errors.OutputError` naming the file and the system's reason.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sim.core.errors import OutputError

__all__ = ["atomic_path"]


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary path next to ``path``; on success it replaces ``path``."""
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        tmp = Path(name)
        yield tmp
        os.replace(tmp, path)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
