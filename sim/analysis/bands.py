"""Trajectories with confidence bands: per variant and day, the mean and 95% CI over replicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["trajectory_bands"]


def trajectory_bands(
    metrics: pd.DataFrame,
    metric: str,
    entity: str = "",
    system: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Columns ``variant, day, mean, ci_low, ci_high, n`` for one metric (and entity)."""
    rows = metrics[(metrics["metric"] == metric) & (metrics["entity"] == entity)]
    if system:
        rows = rows[rows["system"] == system]
    grouped = rows.groupby(["variant", "day"], sort=False, observed=True)["value"]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    dof = np.maximum(out["count"].to_numpy() - 1, 1)
    half = (
        stats.t.ppf(0.5 + level / 2, dof)
        * out["std"].fillna(0).to_numpy()
        / np.sqrt(np.maximum(out["count"].to_numpy(), 1))
    )
    half = np.where(out["count"].to_numpy() > 1, half, 0.0)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.rename(columns={"count": "n"})[["variant", "day", "mean", "ci_low", "ci_high", "n"]]
