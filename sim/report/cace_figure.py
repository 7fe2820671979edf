"""The CACE sensitivity heat map: which perturbation moves which output, and how much.

Cells show the relative change of an output (columns) under a perturbation (rows). The colour
scale is robust: it saturates at the 90th percentile of the absolute changes (a 1-2-5 step, at
most ±100%), so one output whose reference is near zero (a weight of 0.001 moving by +1500%)
does not wash out every other cell; a saturated cell still prints its value. A cell whose paired
change has a 95% CI that excludes zero is marked (bold, with a star); its text is black or white
by the cell's luminance.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from sim.report.style import STYLE, new_figure
from sim.report.sweep_figures import text_colour

__all__ = ["robust_limit", "sensitivity_heatmap", "significant_cells"]

_STEPS = (1.0, 2.0, 5.0)


def robust_limit(values: np.ndarray, quantile: float = 0.9, cap: float = 1.0) -> float:
    """The colour limit: the ``quantile`` of ``|values|`` (an observed value, never one
    interpolated towards an outlier) rounded up to a 1-2-5 step, in [1%, ``cap``]."""
    finite = np.abs(values[np.isfinite(values)])
    if finite.size == 0 or finite.max() == 0:
        return cap
    target = float(np.quantile(finite, quantile, method="lower")) or float(finite.max())
    decade = 10.0 ** np.floor(np.log10(target))
    step = next(s * decade for s in (*_STEPS, 10.0) if s * decade >= target * (1 - 1e-12))
    return float(min(cap, max(0.01, step)))


def significant_cells(sensitivity: pd.DataFrame, changes: pd.DataFrame) -> np.ndarray:
    """Per cell of ``sensitivity``: whether the paired change's 95% CI excludes zero."""
    output = (
        changes["system"]
        + ":"
        + changes["metric"]
        + changes["entity"].map(lambda e: f":{e}" if e else "")
    )
    excludes = (changes["ci_low"] > 0) | (changes["ci_high"] < 0)
    table = (
        changes.assign(output=output, significant=excludes.astype(float))
        .pivot_table(index="perturbation", columns="output", values="significant", sort=False)
        .reindex(index=sensitivity.index, columns=sensitivity.columns)
    )
    return table.fillna(0.0).to_numpy(dtype=float) > 0


def sensitivity_heatmap(
    sensitivity: pd.DataFrame,
    title: str = "",
    limit: float | None = None,
    changes: pd.DataFrame | None = None,
) -> Figure:
    """Relative change of every output (columns) under every perturbation (rows).

    ``limit``: where colours saturate (default :func:`robust_limit`); ``changes``: the paired
    changes with their CIs (``cace.csv``), to mark the significant cells.
    """
    values = sensitivity.to_numpy(dtype=float)
    rows, cols = values.shape
    scale = limit if limit is not None else robust_limit(values)
    marked = (
        significant_cells(sensitivity, changes)
        if changes is not None
        else np.zeros_like(values, dtype=bool)
    )
    norm = TwoSlopeNorm(0.0, -scale, scale)
    cmap = matplotlib.colormaps["RdBu_r"]
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = new_figure(12.8, min(7.2, max(4.0, 0.7 * rows + 3.6)))
        fig.set_layout_engine("constrained")
        ax = fig.subplots()
        shown = np.clip(np.nan_to_num(values), -scale, scale)
        image = ax.imshow(shown, cmap=cmap, norm=norm, aspect="auto")
        systems = {str(c).split(":", 1)[0] for c in sensitivity.columns}
        labels = [str(c) for c in sensitivity.columns]
        if len(systems) == 1:  # one system: name it once, under the axis
            labels = [c.split(":", 1)[-1] for c in labels]
            ax.set_xlabel(f"outputs of {systems.pop()}")
        ax.set_xticks(range(cols), labels, rotation=40, ha="right", fontsize=11)
        ax.set_yticks(range(rows), sensitivity.index, fontsize=12)
        for (r, c), v in np.ndenumerate(values):
            if not np.isfinite(v):
                ax.text(c, r, "n/a", ha="center", va="center", fontsize=10, color="0.4")
                continue
            star = marked[r, c]
            ax.text(
                c,
                r,
                f"{v:+.0%}" + ("*" if star else ""),
                ha="center",
                va="center",
                fontsize=11,
                fontweight="bold" if star else "normal",
                color=text_colour(cmap, norm, float(np.clip(v, -scale, scale))),
            )
        bar = fig.colorbar(image, ax=ax, shrink=0.9, format=lambda x, _: f"{x:+.0%}")
        bar.set_label(f"relative change\n(colours saturate at ±{scale:.0%})")
        ax.set_title(f"CACE sensitivity: {title}" if title else "CACE sensitivity")
        if changes is not None:
            fig.supxlabel(
                "* bold: the paired change's 95% CI excludes 0 (common random numbers)",
                fontsize=12,
            )
    return fig
