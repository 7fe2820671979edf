"""Progress reporting: a tqdm bar on a terminal, nothing otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(total: int, label: str, enabled: bool = True) -> Iterator[Callable[[Any], None]]:
    """Yield a callback that advances a bar by one finished task."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda _result: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit="run", file=sys.stderr) as bar:
        yield lambda _result: bar.update(1)
