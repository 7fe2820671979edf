"""Summaries over replicates: one value per replicate, then the mean and a 95% t interval."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "STATISTICS",
    "SUMMARY_COLUMNS",
    "mean_ci",
    "replicate_values",
    "summarize",
    "summarize_values",
]

SUMMARY_COLUMNS = ["variant", "system", "entity", "metric", "mean", "ci_low", "ci_high", "n"]
KEYS = ["variant", "system", "entity", "metric"]
STATISTICS = ("mean", "ci_low", "ci_high")  # numeric columns (the CI of one replicate is NaN)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the two-sided Student-t confidence interval of ``values``.

    With fewer than 2 values the interval is undefined: its bounds are NaN (written as empty
    cells), never a zero-width interval that would claim certainty.
    """
    x = np.asarray(values, dtype=float)
    mean = float(x.mean())
    if x.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return mean, mean - half, mean + half


def replicate_values(metrics: pd.DataFrame, aggregates: Mapping[str, str]) -> pd.DataFrame:
    """One row per (variant, system, entity, metric, replicate): final, total or mean value."""
    frame = metrics.sort_values([*KEYS, "replicate", "day"], kind="stable")
    groups = frame.groupby([*KEYS, "replicate"], sort=True, observed=True)["value"]
    final, total, mean = groups.last(), groups.sum(), groups.mean()
    how = final.index.get_level_values("metric").map(lambda m: aggregates.get(m, "final"))
    values = np.where(how == "total", total, np.where(how == "mean", mean, final))
    return pd.DataFrame({"value": values}, index=final.index).reset_index()


def summarize(
    metrics: pd.DataFrame, aggregates: Mapping[str, str], level: float = 0.95
) -> pd.DataFrame:
    """Per variant, system, entity and metric: the mean and CI over replicates."""
    return summarize_values(replicate_values(metrics, aggregates), level=level)


def summarize_values(
    per_replicate: pd.DataFrame, by: Sequence[str] = (), level: float = 0.95
) -> pd.DataFrame:
    """Mean and CI over the rows of :func:`replicate_values`, per ``by`` and the usual keys."""
    keys = [*by, *KEYS]
    rows = []
    for key, group in per_replicate.groupby(keys, sort=True, observed=True):
        mean, low, high = mean_ci(group["value"].to_numpy(), level)
        rows.append((*key, mean, low, high, len(group)))
    return pd.DataFrame(rows, columns=[*by, *SUMMARY_COLUMNS])
