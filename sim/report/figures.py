"""The standard figure: variants side by side over time, one panel per metric, 95% CI bands.

Figures are drawn from frames only and saved deterministically (fixed SVG hash salt, no dates
in metadata), so the same frames always give the same files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.analysis.bands import trajectory_bands

__all__ = ["new_figure", "panel_label", "save_figure", "variant_figure"]

STYLE: dict[Any, Any] = {  # matplotlib rcParams (keys typed as literals by matplotlib)
    "svg.hashsalt": "debtsim",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}


def new_figure(width: float, height: float) -> Figure:
    """A figure on its own Agg canvas: no pyplot, no global backend, nothing to close."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def parse_panel(panel: str) -> tuple[str, str, str | None]:
    """``metric[:entity][@system]`` → (metric, entity, system or None)."""
    rest, _, system = panel.partition("@")
    metric, _, entity = rest.partition(":")
    return metric, entity, system or None


def panel_label(panel: str, descriptions: Mapping[str, str] | None = None) -> str:
    """A readable axis title for ``metric[:entity][@system]``."""
    metric, entity, system = parse_panel(panel)
    label = metric.replace("_", " ")
    if entity:
        label += f" ({entity.replace('_', ' ')})"
    if system:
        label += f" — {system}"
    return label


def variant_figure(
    metrics: pd.DataFrame,
    panels: Sequence[str],
    title: str = "",
    system: str | None = None,
    baseline: str | None = None,
    log_panels: Sequence[str] = (),
    variants: Sequence[str] = (),
) -> Figure:
    """One panel per ``metric[:entity][@system]``, one line per variant with its CI band.

    Where a panel's metric comes from several systems and none is named, each system gets its
    own line style. ``variants`` draws only those, in that order (those that ran; all of them
    if none of the named ones ran).
    """
    panels = list(panels) or sorted(metrics["metric"].unique())
    ran = list(dict.fromkeys(metrics["variant"]))
    variants = [v for v in variants if v in ran] or ran
    with matplotlib.rc_context(STYLE):
        cols = 2 if len(panels) > 1 else 1
        rows = (len(panels) + cols - 1) // cols
        fig = new_figure(6.4 * cols, 3.8 * rows)
        axes = fig.subplots(rows, cols, squeeze=False)
        colors = matplotlib.colormaps["tab10"]
        styles = ["-", "--", ":", "-."]
        for ax, panel in zip(axes.ravel(), panels, strict=False):
            metric, entity, panel_system = parse_panel(panel)
            chosen = panel_system or system
            rows_of = metrics[(metrics["metric"] == metric) & (metrics["entity"] == entity)]
            systems = [chosen] if chosen else list(dict.fromkeys(rows_of["system"])) or [None]
            for j, sys_name in enumerate(systems):
                bands = trajectory_bands(metrics, metric, entity, sys_name)
                for i, variant in enumerate(variants):
                    band = _thin(bands[bands["variant"] == variant])
                    if band.empty:
                        continue
                    width = 2.6 if variant == baseline else 1.6
                    low = band["ci_low"]
                    if panel in log_panels:  # a band reaching zero would fill the log axis
                        low = low.where(low > 0.2 * band["mean"], 0.2 * band["mean"])
                    label = variant if len(systems) == 1 else f"{variant} / {sys_name}"
                    ax.plot(
                        band["day"],
                        band["mean"],
                        color=colors(i % 10),
                        lw=width,
                        ls=styles[j % len(styles)],
                        label=label,
                    )
                    ax.fill_between(
                        band["day"], low, band["ci_high"], color=colors(i % 10), alpha=0.18, lw=0
                    )
            ax.set_title(panel_label(panel))
            if panel in log_panels:
                ax.set_yscale("log")
            ax.set_xlabel("day")
        for ax in axes.ravel()[len(panels) :]:
            ax.set_visible(False)
        legend: dict[str, Artist] = {}
        for ax in axes.ravel():
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                legend.setdefault(label, handle)
        labels = list(legend)
        fig.legend(
            [legend[v] for v in labels],
            labels,
            loc="lower center",
            ncol=min(len(labels), 4 if len(labels) > 6 else 6),
            frameon=False,
        )
        n = int(metrics["replicate"].nunique())
        fig.suptitle(f"{title}\nmean and 95% CI over {n} replicates" if title else "")
        legend_rows = (len(labels) + 3) // 4 if len(labels) > 6 else 1
        fig.tight_layout(rect=(0, 0.03 + 0.035 * legend_rows * 2 / max(rows, 1), 1, 1))
    return fig


_MAX_POINTS = 400  # per line: more points than pixels only make files large


def _thin(band: pd.DataFrame) -> pd.DataFrame:
    """Every k-th day of a long trajectory (always keeping the last) to keep figures small."""
    if len(band) <= _MAX_POINTS:
        return band
    step = -(-len(band) // _MAX_POINTS)
    keep = np.zeros(len(band), dtype=bool)
    keep[::step] = True
    keep[-1] = True
    return band[keep]


def save_figure(fig: Figure, folder: str | Path, stem: str) -> list[Path]:
    """Save ``fig`` as PNG and SVG atomically; returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with matplotlib.rc_context(STYLE):
        for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            final = folder / f"{stem}.{ext}"
            tmp = folder / f".{stem}.{ext}.tmp"
            fig.savefig(tmp, format=ext, dpi=110, metadata=meta)
            os.replace(tmp, final)
            written.append(final)
    return written
