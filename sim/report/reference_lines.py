"""Reference lines on a panel: a truth, a target, a published limit or path, per variant.

Values come computed (:func:`sim.scenario.figure_values.figure_values`): for each variant a
level, a curve over days or nothing. A level most variants share is one black line; a variant
whose value differs gets its own line in its colour; curves are drawn in the variant's colour.
Each reference has its own dash pattern, and the panel keeps the data in view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sim.report.variant_styles import VariantStyle

__all__ = ["REFERENCE_LINES", "draw_reference", "keep_in_view"]

REFERENCE_LINES: tuple[Any, ...] = (":", (0, (6, 2, 1, 2)), (0, (1, 3)), (0, (9, 3)))


def draw_reference(
    ax: Axes,
    reference: Mapping[str, Any],
    variants: Sequence[str],
    styles: Mapping[str, VariantStyle],
    log: bool,
    pattern: Any,
    levels: list[float],
) -> Line2D | None:
    """One reference: a black line at the level most variants share, and a line (or curve) in
    its colour for each variant whose value differs, all in ``pattern``. Levels drawn are added
    to ``levels``. A reference on the ``x`` axis is a day (an event), drawn as a vertical line.
    Returns the legend handle, if anything was drawn."""
    values = {v: reference["values"].get(v) for v in variants}
    values = {v: x for v, x in values.items() if x is not None}
    vertical = reference.get("axis", "y") == "x"
    line = ax.axvline if vertical else ax.axhline
    if vertical:
        values = {v: x for v, x in values.items() if not isinstance(x, list)}
        levels = []  # days do not widen the y range
    elif log:
        values = {v: x for v, x in values.items() if isinstance(x, list) or x > 0}
    if not values:
        return None
    label = str(reference["label"])
    flat = [round(x, 12) for x in values.values() if not isinstance(x, list)]
    common = max(set(flat), key=flat.count) if flat else 0.0
    shared = flat.count(common) >= 2
    if shared:
        line(common, color="black", ls=pattern, lw=2.0, zorder=4)
        levels.append(common)
    days = np.asarray(reference.get("days", []), dtype=float)
    coloured = False
    for variant, value in values.items():
        color = styles[variant].color
        if isinstance(value, list):
            curve = np.array([np.nan if x is None else x for x in value], dtype=float)
            if log:
                curve = np.where(curve > 0, curve, np.nan)
            ax.plot(days, curve, color=color, ls=pattern, lw=2.0, zorder=4)
            coloured = True
        elif not (shared and round(value, 12) == common):
            line(value, color=color, ls=pattern, lw=2.0, zorder=4)
            levels.append(value)
            coloured = True
    if coloured and shared:
        label += "\n(black; a variant's colour where it differs)"
    elif coloured:
        label += ", per variant" if len(values) > 1 else f" ({next(iter(values))})"
    return Line2D([], [], color="black" if shared else "0.25", ls=pattern, lw=2.0, label=label)


def keep_in_view(ax: Axes, limits: tuple[float, float], levels: Sequence[float], log: bool) -> None:
    """The y range of the data, widened to show every reference level but not to follow a
    reference curve far beyond the data (a closed form's path to 10⁻²⁰ on a log axis)."""
    low, high = limits
    if levels:
        span = (np.log10(high) - np.log10(low)) if log else high - low
        pad = 0.05 * span
        if log:
            low = min(low, 10 ** (np.log10(min(levels)) - pad))
            high = max(high, 10 ** (np.log10(max(levels)) + pad))
        else:
            low, high = min(low, min(levels) - pad), max(high, max(levels) + pad)
    ax.set_ylim(low, high)
