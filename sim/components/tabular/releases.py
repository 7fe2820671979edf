"""Releases of a classifier's scores, as producer and consumer see them (no SimPy).

A producer that publishes ``<name>.scores`` keeps the scores of several model versions
(*releases*): the champion (the version it serves) and the newest others, up to ``keep``
(:func:`kept_releases`). A consumer that reads them as a feature logs, per day, the log-odds of
every release it saw (features ``upstream@<release>``) and trains a candidate for one release:
the newest one with at least ``min_days`` days of logged rows, else the one it is pinned to
(:func:`target_release`), using only the days that release was published
(:func:`rows_for_release`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import numpy as np

from sim.components.tabular.payloads import LabelledRows

__all__ = ["RELEASE_PREFIX", "kept_releases", "release_days", "rows_for_release", "target_release"]

RELEASE_PREFIX = "upstream@"


def kept_releases(versions: Iterable[int], champion: int, keep: int) -> list[int]:
    """The champion and the newest other versions, ``keep`` in all, ascending."""
    others = sorted((v for v in versions if v != champion), reverse=True)
    return sorted([champion, *others[: max(0, keep - 1)]])


def release_days(window: Iterable[LabelledRows]) -> dict[int, int]:
    """Days of logged rows per upstream release in ``window``."""
    days: dict[int, int] = {}
    for rows in window:
        for key in rows.features:
            if key.startswith(RELEASE_PREFIX):
                release = int(key[len(RELEASE_PREFIX) :])
                days[release] = days.get(release, 0) + 1
    return days


def target_release(days: Mapping[int, int], pinned: int, min_days: float) -> int:
    """The newest release with ≥ ``min_days`` days of rows, else ``pinned`` (if it has any),
    else the newest release logged (0: none)."""
    ready = [r for r, n in days.items() if n >= min_days]
    if ready:
        return max(ready)
    if days.get(pinned):
        return pinned
    return max(days, default=0)


def rows_for_release(window: Iterable[LabelledRows], release: int) -> list[LabelledRows]:
    """The days that have ``release``, with its log-odds as the ``upstream`` feature (the
    per-release columns dropped)."""
    key = f"{RELEASE_PREFIX}{release}"
    out = []
    for rows in window:
        if key not in rows.features:
            continue
        plain = {k: v for k, v in rows.features.items() if not k.startswith(RELEASE_PREFIX)}
        plain["upstream"] = np.asarray(rows.features[key])
        out.append(dataclasses.replace(rows, features=plain))
    return out
