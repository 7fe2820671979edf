"""A process-wide cache of worlds' start-up state, shared by the variants of a replicate.

Under common random numbers every variant of replicate r builds the same world: the same
parameters and the same stream, so the same draws and the same derived arrays (a marketplace's
users × items truth, for instance). :func:`shared_startup` builds that state once per process
and hands the same (read-only) arrays to the next task that asks with the same key, and it
leaves the stream exactly where building it would have left it, so a run with the cache is
identical to a run without (``tests/core/test_startup_cache.py`` checks it).

The key is the component's kind, its frozen parameters and its stream's state before the
draws. Arrays are made read-only so that a world that changed them by mistake fails loudly
instead of leaking state into another task. The cache holds at most ``MAX_BYTES`` of arrays
(least recently used first out); :func:`startup_cache_disabled` turns it off (tests, benches).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "MAX_BYTES",
    "clear_startup_cache",
    "shared_startup",
    "startup_cache_disabled",
    "startup_cache_info",
]

T = TypeVar("T")
MAX_BYTES = 512 * 2**20

_entries: OrderedDict[Hashable, tuple[Any, Any, int]] = OrderedDict()
_enabled = [True]
_counts = {"hits": 0, "misses": 0}


def _arrays(value: Any) -> Iterator[np.ndarray]:
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _arrays(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays(item)


def shared_startup(
    kind: str, params: Hashable, rng: np.random.Generator, build: Callable[[], T]
) -> T:
    """``build()`` (which draws only from ``rng``), or the value an earlier identical call built.

    On a hit ``rng`` is moved to the state ``build`` left it in, so later draws are unchanged.
    """
    if not _enabled[0]:
        return build()
    key = (kind, params, json.dumps(rng.bit_generator.state, sort_keys=True, default=str))
    hit = _entries.get(key)
    if hit is not None:
        _entries.move_to_end(key)
        _counts["hits"] += 1
        value, after, _ = hit
        rng.bit_generator.state = after
        return value
    _counts["misses"] += 1
    value = build()
    size = 0
    for array in _arrays(value):
        array.setflags(write=False)
        size += array.nbytes
    if size <= MAX_BYTES:
        _entries[key] = (value, rng.bit_generator.state, size)
        while sum(entry[2] for entry in _entries.values()) > MAX_BYTES:
            _entries.popitem(last=False)
    return value


def clear_startup_cache() -> None:
    """Forget every cached start-up (and reset the counts)."""
    _entries.clear()
    _counts.update(hits=0, misses=0)


def startup_cache_info() -> dict[str, int]:
    """Hits, misses, entries and bytes held in this process."""
    held = sum(entry[2] for entry in _entries.values())
    return {**_counts, "entries": len(_entries), "bytes": held}


@contextmanager
def startup_cache_disabled() -> Iterator[None]:
    """Within the block every start-up is built afresh (and nothing is cached)."""
    previous = _enabled[0]
    _enabled[0] = False
    try:
        yield
    finally:
        _enabled[0] = previous
