"""Progress reporting: a tqdm bar on a terminal, a log line every few seconds otherwise.

A piped or logged run (stderr not a terminal) gets a line when it starts, one every
``interval_seconds`` while tasks run (even when no task has finished since the last line, so a
long task never leaves the log silent) and one at the end: tasks done, elapsed time and, once a
task has finished, an estimate of the time left.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["INTERVAL_SECONDS", "progress_counter"]

INTERVAL_SECONDS = 5.0


@contextmanager
def progress_counter(
    label: str,
    enabled: bool = True,
    write: Callable[[str], None] | None = None,
    *,
    interval_seconds: float = INTERVAL_SECONDS,
    terminal: bool | None = None,
) -> Iterator[Callable[[int, int], None]]:
    """Yield ``update(done, total)``: a bar with rate and ETA on a terminal, log lines otherwise.

    Without a terminal (``terminal``: whether stderr is one, by default), ``write`` (the
    caller's: the CLI writes to stderr) gets a line at the start, every ``interval_seconds`` and
    at the end.
    """
    if not enabled:
        yield lambda _done, _total: None
        return
    if sys.stderr.isatty() if terminal is None else terminal:
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
    if write is None:
        yield lambda _done, _total: None
        return
    lines = _LogLines(label, write)
    heartbeat = threading.Thread(target=lines.beat, args=(interval_seconds,), daemon=True)
    heartbeat.start()
    try:
        yield lines.update
    finally:
        lines.stop.set()
        heartbeat.join()


class _LogLines:
    """The state of a run's log lines, shared by the caller and the heartbeat thread."""

    def __init__(self, label: str, write: Callable[[str], None]) -> None:
        self.label = label
        self.write = write
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.started = time.perf_counter()
        self.first: int | None = None  # tasks already done at the first update (resumed)
        self.done = 0
        self.total = 0
        self.finished = False

    def update(self, done: int, total: int) -> None:
        with self.lock:
            first_call = self.first is None
            if first_call:
                self.first = done
            self.done, self.total = done, total
            if first_call:
                resumed = f" ({done} read back)" if done else ""
                self.write(f"{self.label}: {total} tasks{resumed}, started")
            if done == total and not self.finished:
                self.finished = True
                self._line()

    def beat(self, interval: float) -> None:
        while not self.stop.wait(interval):
            with self.lock:
                if self.first is not None and not self.finished:
                    self._line()

    def _line(self) -> None:
        elapsed = time.perf_counter() - self.started
        ran = self.done - (self.first or 0)
        left = ""
        if ran > 0 and self.done < self.total:
            left = f", about {elapsed / ran * (self.total - self.done):.0f} s left"
        self.write(
            f"{self.label}: {self.done}/{self.total} tasks done, {elapsed:.0f} s elapsed{left}"
        )
