"""Progress reporting: a tqdm bar on a terminal, nothing otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["progress_counter"]


@contextmanager
def progress_counter(
    label: str, enabled: bool = True, write: Callable[[str], None] | None = None
) -> Iterator[Callable[[int, int], None]]:
    """Yield ``update(done, total)``: a bar with rate and ETA on a terminal, log lines otherwise.

    Without a terminal, ``write`` (the caller's: the CLI writes to stderr) gets a line at most
    every 5% of the tasks and at the end.
    """
    if not enabled:
        yield lambda _done, _total: None
        return
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar: Any = None

        def update(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, initial=done, desc=label, unit="task", file=sys.stderr)
            else:
                bar.update(done - bar.n)

        try:
            yield update
        finally:
            if bar is not None:
                bar.close()
        return
    started = time.perf_counter()
    last = {"reported": -1}

    def log(done: int, total: int) -> None:
        step = max(1, total // 20)
        if done == total or done - last["reported"] >= step:
            last["reported"] = done
            elapsed = time.perf_counter() - started
            if write is not None:
                write(f"{label}: {done}/{total} tasks done, {elapsed:.0f} s")

    yield log
