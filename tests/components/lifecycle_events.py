"""A run's lifecycle events with their JSON detail read back (shared by the family tests)."""

from __future__ import annotations

import json

import pandas as pd

import sim

__all__ = ["events"]


def events(result: sim.RunResult, event: str, system: str | None = None) -> pd.DataFrame:
    """The ``event`` rows (of ``system``, if given); ``detail`` parsed into a dict, and each of
    its keys (``version``, ``rows``…) also a column where the frame has none of that name."""
    frame = result.events
    rows = frame[frame.event == event]
    if system is not None:
        rows = rows[rows.system == system]
    rows = rows.assign(detail=rows.detail.map(json.loads))
    keys = dict.fromkeys(k for detail in rows.detail for k in detail if k not in rows.columns)
    return rows.assign(**{k: rows.detail.map(lambda d, k=k: d.get(k)) for k in keys})
