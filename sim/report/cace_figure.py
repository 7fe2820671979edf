"""The CACE sensitivity heat map: which perturbation moves which output, and how much."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from sim.report.style import STYLE, new_figure

__all__ = ["sensitivity_heatmap"]


def sensitivity_heatmap(sensitivity: pd.DataFrame, title: str = "", limit: float = 1.0) -> Figure:
    """Relative change of every output (columns) under every perturbation (rows).

    Colours are clipped at ±``limit`` (100% by default); cells show the value.
    """
    values = sensitivity.to_numpy(dtype=float)
    rows, cols = values.shape
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = new_figure(max(6.0, 0.55 * cols + 3), max(2.5, 0.6 * rows + 2))
        ax = fig.subplots()
        shown = np.clip(np.nan_to_num(values), -limit, limit)
        image = ax.imshow(
            shown, cmap="RdBu_r", norm=TwoSlopeNorm(0.0, -limit, limit), aspect="auto"
        )
        ax.set_xticks(range(cols), sensitivity.columns, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(rows), sensitivity.index, fontsize=9)
        for (r, c), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(c, r, f"{v:+.0%}", ha="center", va="center", fontsize=7)
        fig.colorbar(image, ax=ax, label="relative change (clipped)")
        ax.set_title(f"CACE sensitivity: {title}" if title else "CACE sensitivity")
        fig.tight_layout()
    return fig
