"""Checks that a standard figure can be read: every variant it lists is drawn where a reader
can see it and tell it apart, and every panel says what its y axis measures.

The catalogue test runs these on every scenario's figure; they are also a quick check for a
figure drawn from a notebook.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

__all__ = ["figure_problems", "variant_lines"]


def variant_lines(figure: Figure) -> dict[str, list[Line2D]]:
    """Each variant's drawn lines (the figure tags them ``gid = "variant:NAME"``)."""
    lines: dict[str, list[Line2D]] = {}
    for ax in figure.axes:
        for line in ax.get_lines():
            gid = line.get_gid() or ""
            if gid.startswith("variant:"):
                lines.setdefault(gid.removeprefix("variant:"), []).append(line)
    return lines


def _visible(line: Line2D) -> bool:
    """Drawn, opaque enough, and with a finite point inside its axes' view."""
    if not line.get_visible() or (line.get_alpha() or 1.0) < 0.3 or line.get_linewidth() <= 0:
        return False
    x = np.asarray(line.get_xdata(), dtype=float)
    y = np.asarray(line.get_ydata(), dtype=float)
    ax = line.axes
    if ax is None or not ax.get_visible():
        return False
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    inside = np.isfinite(x) & np.isfinite(y) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    return bool(inside.any())


def _look(line: Line2D) -> tuple[object, ...]:
    return (str(line.get_color()), str(line.get_linestyle()), str(line.get_marker()))


def figure_problems(figure: Figure, variants: Sequence[str]) -> list[str]:
    """What keeps a reader from reading ``figure``: a listed variant with no visible line, two
    variants drawn alike in one panel, a panel without a y label. Empty when all is well."""
    problems = []
    lines = variant_lines(figure)
    for variant in variants:
        if not any(_visible(line) for line in lines.get(variant, [])):
            problems.append(f"variant {variant!r} has no visible line")
    for ax in figure.axes:
        if not ax.axison:  # the legend's cell
            continue
        title = ax.get_title() or "a panel"
        if not ax.get_ylabel().strip():
            problems.append(f"{title}: no y label")
        drawn = [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("variant:")]
        looks: dict[tuple[object, ...], str] = {}
        for line in drawn:
            name = str(line.get_gid()).removeprefix("variant:")
            other = looks.setdefault(_look(line), name)
            if other != name:
                problems.append(f"{title}: {name!r} and {other!r} look the same")
    return problems
