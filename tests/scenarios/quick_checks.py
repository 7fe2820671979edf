"""What the quick-preset tests share: run a preset; paired replicate × variant tables.

Each catalogue scenario's own test module has ``test_the_quick_preset_shows_the_debt`` (slow):
``debtsim run NAME --quick`` still shows the debt in the baseline and the main mitigation
reducing it, with looser tolerances than the scenario's own tests. Comparisons are paired:
replicate r of every variant shares its seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import sim
from sim.scenario.resolve import load_scenario

__all__ = ["last", "mean_from", "most", "pair_distance", "run_quick", "window"]


def run_quick(name: str) -> pd.DataFrame:
    """The metrics of ``debtsim run NAME --quick`` (two workers), every replicate present."""
    result = sim.run(name, quick=True, jobs=2)
    assert result.metrics.replicate.nunique() == load_scenario(name, quick=True).meta.replicates
    return result.metrics


def last(m: pd.DataFrame, metric: str, entity: str = "", system: str | None = None):
    """Replicate × variant table of ``metric`` on the last day it was recorded."""
    rows = m[(m.metric == metric) & (m.entity == entity)]
    if system is not None:
        rows = rows[rows.system == system]
    rows = rows[rows.day == rows.day.max()]
    return rows.pivot_table(index="replicate", columns="variant", values="value")


def mean_from(m: pd.DataFrame, metric: str, entity: str = "", first: float = 0.0, system=None):
    """Replicate × variant mean of ``metric`` from day ``first`` on."""
    rows = m[(m.metric == metric) & (m.entity == entity) & (m.day >= first)]
    if system is not None:
        rows = rows[rows.system == system]
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc="mean")


def most(flags: pd.Series) -> bool:
    """True in all replicates but at most one (quick presets run 3 to 8)."""
    return bool(flags.sum() >= len(flags) - 1)


def window(m: pd.DataFrame, metric: str, entity: str, first: float, last: float):
    rows = m[(m.metric == metric) & (m.entity == entity) & (m.day >= first) & (m.day <= last)]
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc="mean")


def pair_distance(m: pd.DataFrame, variant: str) -> pd.Series:
    rows = m[(m.variant == variant) & (m.metric == "distance_to_stable")]
    wide = rows.pivot_table(index=["replicate", "day"], columns="system", values="value")
    return np.sqrt((wide**2).sum(axis=1)).groupby("day").mean()
