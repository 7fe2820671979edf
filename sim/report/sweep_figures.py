"""Sweep figures from a sweep summary: a metric against one swept key (one line per variant,
95% CI band), or a heat map over two swept keys (one panel per variant)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.report.panels import panel_label, parse_panel
from sim.report.style import STYLE, new_figure

__all__ = ["sweep_heatmap", "sweep_lines"]


def _rows(summary: pd.DataFrame, panel: str, system: str | None) -> pd.DataFrame:
    metric, entity, panel_system = parse_panel(panel)
    system = panel_system or system
    rows = summary[(summary["metric"] == metric) & (summary["entity"] == entity)]
    if system:
        rows = rows[rows["system"] == system]
    return rows


def sweep_lines(
    summary: pd.DataFrame,
    key: str,
    panels: Sequence[str],
    title: str = "",
    system: str | None = None,
) -> Figure:
    """Each panel: the metric against ``key``, one line per variant (and system), CI bands."""
    with matplotlib.rc_context(STYLE):
        cols = 2 if len(panels) > 1 else 1
        rows = (len(panels) + cols - 1) // cols
        fig = new_figure(6.4 * cols, 3.8 * rows)
        axes = fig.subplots(rows, cols, squeeze=False)
        colors = matplotlib.colormaps["tab10"]
        for ax, panel in zip(axes.ravel(), panels, strict=False):
            data = _rows(summary, panel, system)
            lines = list(dict.fromkeys(zip(data["variant"], data["system"], strict=True)))
            several = len({s for _, s in lines}) > 1
            for i, (variant, sys_name) in enumerate(lines):
                line = data[(data["variant"] == variant) & (data["system"] == sys_name)]
                line = line.sort_values(key)
                label = f"{variant} / {sys_name}" if several else variant
                ax.plot(line[key], line["mean"], "o-", color=colors(i % 10), label=label)
                ax.fill_between(
                    line[key],
                    line["ci_low"],
                    line["ci_high"],
                    color=colors(i % 10),
                    alpha=0.18,
                    lw=0,
                )
            ax.set_title(panel_label(panel))
            ax.set_xlabel(key)
            ax.legend(frameon=False, fontsize=9)
        for ax in axes.ravel()[len(panels) :]:
            ax.set_visible(False)
        fig.suptitle(title)
        fig.tight_layout()
    return fig


def sweep_heatmap(
    summary: pd.DataFrame,
    keys: tuple[str, str],
    panel: str,
    title: str = "",
    system: str | None = None,
) -> Figure:
    """The mean of ``panel`` over the grid of two keys, one heat map per variant."""
    data = _rows(summary, panel, system)
    variants = list(dict.fromkeys(data["variant"]))
    x_key, y_key = keys
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = new_figure(5.2 * len(variants), 4.4)
        axes = fig.subplots(1, len(variants), squeeze=False)
        values = data["mean"].to_numpy()
        low, high = (np.nanmin(values), np.nanmax(values)) if len(values) else (0, 1)
        image = None
        for ax, variant in zip(axes.ravel(), variants, strict=True):
            grid = data[data["variant"] == variant].pivot_table(
                index=y_key, columns=x_key, values="mean", aggfunc="mean"
            )
            image = ax.imshow(
                grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis", vmin=low, vmax=high
            )
            ax.set_xticks(
                range(len(grid.columns)),
                [f"{v:g}" if isinstance(v, float) else v for v in grid.columns],
            )
            ax.set_yticks(
                range(len(grid.index)),
                [f"{v:g}" if isinstance(v, float) else v for v in grid.index],
            )
            for (r, c), v in np.ndenumerate(grid.to_numpy()):
                ax.text(
                    c,
                    r,
                    f"{v:.3g}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v < (low + high) / 2 else "black",
                )
            ax.set_xlabel(x_key)
            ax.set_ylabel(y_key)
            ax.set_title(variant)
        if image is not None:
            fig.colorbar(image, ax=axes.ravel().tolist(), label=panel_label(panel))
        fig.suptitle(title)
    return fig
