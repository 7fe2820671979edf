"""Data validation at the boundary (no SimPy): declared expectations on a batch of features.

Expectations are declared in a ``validation`` table and measured against a reference window
(the rows the first model was trained on): for each feature, the share of nulls
(``max_null_share``), the share of values outside the reference range (``max_out_of_range``),
the batch mean's distance from the reference mean in reference standard deviations
(``max_mean_shift``) and the ratio of the batch's spread to the reference's
(``spread_ratio_within``: 1/r to r). :func:`failures` lists what a batch violates — empty when it
passes, as TFX Data Validation or Great Expectations report a batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.core.params import param

__all__ = ["Reference", "ValidationParams", "failures", "reference_of"]


@dataclass(frozen=True)
class ValidationParams:
    """Declared expectations on each input feature, against the reference window."""

    enabled: bool = param(False, doc="check every batch before serving and training")
    max_null_share: float = param(0.01, ge=0, le=1, doc="nulls allowed in a batch")
    max_out_of_range: float = param(0.01, ge=0, le=1, doc="share allowed outside the ref. range")
    max_mean_shift: float = param(0.25, gt=0, doc="|batch mean − ref. mean| in ref. SDs")
    spread_ratio_within: float = param(1.25, gt=1, doc="batch SD / ref. SD within 1/r … r")


@dataclass(frozen=True)
class Reference:
    """One feature's reference statistics."""

    mean: float
    sd: float
    low: float
    high: float


def reference_of(features: Mapping[str, np.ndarray]) -> dict[str, Reference]:
    """The reference statistics of each feature of a (clean) window."""
    return {
        name: Reference(
            float(np.nanmean(v)), float(np.nanstd(v)), float(np.nanmin(v)), float(np.nanmax(v))
        )
        for name, v in features.items()
    }


def failures(
    features: Mapping[str, np.ndarray],
    reference: Mapping[str, Reference],
    expect: ValidationParams,
) -> list[tuple[str, str]]:
    """The expectations a batch violates, as (feature, what) pairs (``("x1", "null share 0.50 >
    0.01")``); empty: it passes."""
    found: list[tuple[str, str]] = []
    for name, ref in reference.items():
        values = np.asarray(features[name], dtype=float)
        nulls = np.isnan(values)
        share = float(nulls.mean()) if len(values) else 0.0
        if share > expect.max_null_share:
            found.append((name, f"null share {share:.2f} > {expect.max_null_share}"))
        present = values[~nulls]
        if present.size < 2:
            continue
        outside = float(((present < ref.low) | (present > ref.high)).mean())
        if outside > expect.max_out_of_range:
            found.append((name, f"{outside:.2f} out of range > {expect.max_out_of_range}"))
        sd = ref.sd if ref.sd > 0 else 1.0
        shift = abs(float(present.mean()) - ref.mean) / sd
        if shift > expect.max_mean_shift:
            found.append((name, f"mean shift {shift:.2f} SD > {expect.max_mean_shift}"))
        ratio = float(present.std()) / sd
        r = expect.spread_ratio_within
        if not 1 / r <= ratio <= r:
            found.append((name, f"spread ratio {ratio:.2f} outside [{1 / r:.2f}, {r}]"))
    return found
