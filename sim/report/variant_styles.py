"""How each variant looks, so that every variant stays visible where lines coincide.

The baseline is a thick solid line drawn underneath; every other variant is a thinner line
with its own dash pattern and marker, drawn on top, so a variant that coincides with another
shows as a patterned line over it rather than disappearing. Variants that are identical over a
whole panel (or the whole run) are found here too, so the figure can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.report.style import variant_colors

__all__ = ["VariantStyle", "identical_groups", "variant_styles"]

_DASHES: tuple[Any, ...] = (
    (0, (6, 2)),
    (0, (1.5, 1.5)),
    (0, (7, 2, 1.5, 2)),
    (0, (3, 1.5)),
    (0, (10, 3)),
    (0, (4, 1.5, 1.5, 1.5, 1.5, 1.5)),
    (0, (2, 3)),
    (0, (8, 2, 2, 2)),
)
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h")


@dataclass(frozen=True)
class VariantStyle:
    """Colour, line and marker of one variant."""

    color: Any
    linestyle: Any
    linewidth: float
    marker: str | None
    zorder: float
    index: int  # position among the drawn variants (staggers markers)

    def line_kwargs(self, points: int) -> dict[str, Any]:
        """Keyword arguments of ``Axes.plot`` for a line of ``points`` points."""
        kwargs: dict[str, Any] = {
            "color": self.color,
            "ls": self.linestyle,
            "lw": self.linewidth,
            "zorder": self.zorder,
        }
        if self.marker:
            every = max(1, points // 6)
            start = (self.index * max(1, every // 5)) % every
            kwargs.update(
                marker=self.marker,
                markevery=(start, every),
                markersize=7,
                markeredgecolor="white",
                markeredgewidth=0.8,
            )
        return kwargs


def variant_styles(variants: Sequence[str], baseline: str | None) -> dict[str, VariantStyle]:
    """One style per variant, in order; the baseline (if drawn) solid and thick, underneath."""
    colors = variant_colors()
    styles = {}
    k = 0
    for i, variant in enumerate(variants):
        if variant == baseline:
            styles[variant] = VariantStyle(colors(i % 10), "-", 3.6, None, 2.0, i)
            continue
        lone = len(variants) == 1
        styles[variant] = VariantStyle(
            colors(i % 10),
            "-" if lone else _DASHES[k % len(_DASHES)],
            2.0,
            None if lone else _MARKERS[k % len(_MARKERS)],
            3.0 + 0.01 * i,
            i,
        )
        k += 1
    return styles


def identical_groups(values: pd.DataFrame, variants: Sequence[str]) -> list[list[str]]:
    """Groups (of two or more, in ``variants`` order) of variants whose rows are equal.

    ``values`` has columns ``variant`` and ``value`` plus any keys (replicate, day, system,
    entity, metric); two variants are identical when they have the same keys and values.
    """
    keys = [c for c in values.columns if c not in ("variant", "value")]
    signatures: dict[str, tuple[Any, ...]] = {}
    by_variant = dict(iter(values.groupby("variant", sort=False, observed=True)))
    for variant in variants:
        rows = by_variant.get(variant)
        if rows is None or rows.empty:
            continue
        rows = rows.sort_values(keys, kind="stable")
        key_part = pd.util.hash_pandas_object(rows[keys], index=False).to_numpy().tobytes()
        value_part = np.round(rows["value"].to_numpy(dtype=float), 12).tobytes()
        signatures[variant] = (key_part, value_part)
    groups: dict[tuple[Any, ...], list[str]] = {}
    for variant, signature in signatures.items():
        groups.setdefault(signature, []).append(variant)
    return [group for group in groups.values() if len(group) > 1]
