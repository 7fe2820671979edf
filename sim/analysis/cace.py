"""CACE paired statistics: how much each perturbation moves each output, under common random
numbers.

Inputs are per-replicate values (``system, entity, metric, replicate, value``) of the reference
and of each perturbation; replicate r of both used the same seed, so the paired difference comes
from the change alone (a zero perturbation gives exactly zero). Per perturbation and output: the
mean paired difference with a 95% CI, the relative change, and a standardised effect (difference
over the reference's spread across replicates).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.analysis.summary import mean_ci

__all__ = ["CHANGE_COLUMNS", "OUTPUT_KEYS", "paired_changes", "sensitivity_table"]

OUTPUT_KEYS = ["system", "entity", "metric"]
CHANGE_COLUMNS = [
    "perturbation",
    *OUTPUT_KEYS,
    "reference",
    "perturbed",
    "change",
    "ci_low",
    "ci_high",
    "relative_change",
    "standardized_change",
    "n",
]


def paired_changes(reference: pd.DataFrame, perturbed: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per perturbation (in the mapping's order) and output present on both sides."""
    base = reference.set_index([*OUTPUT_KEYS, "replicate"])["value"]
    rows = []
    for label, values in perturbed.items():
        other = values.set_index([*OUTPUT_KEYS, "replicate"])["value"]
        joined = pd.concat({"ref": base, "new": other}, axis=1)
        for key, group in joined.groupby(level=OUTPUT_KEYS, sort=True):
            paired = group.dropna()
            diff = (paired["new"] - paired["ref"]).to_numpy()
            if diff.size == 0:
                continue  # an output that exists on one side only (an added or removed part)
            mean, low, high = mean_ci(diff)
            ref_mean = float(paired["ref"].mean())
            spread = float(paired["ref"].std(ddof=1)) if len(paired) > 1 else 0.0
            rows.append(
                (
                    label,
                    *key,
                    ref_mean,
                    float(paired["new"].mean()),
                    mean,
                    low,
                    high,
                    mean / abs(ref_mean) if ref_mean else np.nan,
                    mean / spread if spread > 0 else (0.0 if mean == 0 else np.inf),
                    len(diff),
                )
            )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def sensitivity_table(changes: pd.DataFrame, perturbations: list[str]) -> pd.DataFrame:
    """Perturbation × output (``system:metric[:entity]``) table of relative changes."""
    output = (
        changes["system"]
        + ":"
        + changes["metric"]
        + changes["entity"].map(lambda e: f":{e}" if e else "")
    )
    return (
        changes.assign(output=output)
        .pivot_table(index="perturbation", columns="output", values="relative_change", sort=False)
        .reindex(perturbations)
    )
