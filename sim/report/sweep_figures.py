"""Sweep figures from a sweep summary: a metric against one swept key (one line per variant,
95% CI band), or a heat map over two swept keys (one panel per variant).

Axes and colour bars carry the metric's declared unit (``metric_info``, the manifest's metric
declarations). Colour scales come from the data's meaningful range: panels named together in
the scenario's ``share_y`` share one scale (an observed and a true error on the same scale, so a
flat true error looks flat); a metric that is non-negative by declaration starts its scale at
zero; values of both signs get a diverging scale centred on zero. Cell text is black or white by
the cell's luminance.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import Colormap, Normalize, TwoSlopeNorm, to_rgb
from matplotlib.figure import Figure

from sim.report.panels import panel_label, parse_panel, y_label
from sim.report.style import STYLE, new_figure
from sim.report.variant_styles import identical_groups, variant_styles

__all__ = ["colour_scale", "standard_sweep_figures", "sweep_heatmap", "sweep_lines", "text_colour"]


def _rows(summary: pd.DataFrame, panel: str, system: str | None) -> pd.DataFrame:
    metric, entity, panel_system = parse_panel(panel)
    system = panel_system or system
    rows = summary[(summary["metric"] == metric) & (summary["entity"] == entity)]
    if system:
        rows = rows[rows["system"] == system]
    return rows


def _bounds(metric_info: Mapping[str, Any] | None, panel: str) -> tuple[Any, Any]:
    entry = (metric_info or {}).get(parse_panel(panel)[0], {})
    low, high = [*(entry.get("range") or ()), None, None][:2]
    return low, high


def colour_scale(
    values: np.ndarray, bounds: tuple[Any, Any] = (None, None)
) -> tuple[Normalize, str]:
    """A norm and colour map for ``values``: diverging around zero if they take both signs,
    else sequential from zero (a non-negative metric) or from their minimum."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return Normalize(0.0, 1.0), "viridis"
    low, high = float(finite.min()), float(finite.max())
    if low < 0 < high:
        limit = max(-low, high)
        return TwoSlopeNorm(0.0, -limit, limit), "RdBu_r"
    if bounds[0] is not None and bounds[0] >= 0 and low >= 0:
        low = float(bounds[0])
    if high <= low:
        high = low + (abs(low) or 1.0) * 1e-3
    return Normalize(low, high), "viridis"


def text_colour(cmap: Colormap, norm: Normalize, value: float) -> str:
    """Black on light cells, white on dark ones (relative luminance of the cell's colour)."""
    r, g, b = to_rgb(cmap(norm(value)))
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def sweep_lines(
    summary: pd.DataFrame,
    key: str,
    panels: Sequence[str],
    title: str = "",
    system: str | None = None,
    metric_info: Mapping[str, Any] | None = None,
    share_y: Sequence[Sequence[str]] = (),
) -> Figure:
    """Each panel: the metric against ``key``, one line per variant (and system), CI bands."""
    with matplotlib.rc_context(STYLE):
        cols = 2 if len(panels) > 1 else 1
        rows = (len(panels) + cols - 1) // cols
        fig = new_figure()
        fig.set_layout_engine("constrained")
        axes = fig.subplots(rows, cols, squeeze=False)
        variants = list(dict.fromkeys(summary["variant"]))
        styles = variant_styles(variants, variants[0] if len(variants) > 1 else None)
        by_panel = {}
        for ax, panel in zip(axes.ravel(), panels, strict=False):
            by_panel[panel] = ax
            data = _rows(summary, panel, system)
            lines = list(dict.fromkeys(zip(data["variant"], data["system"], strict=True)))
            several = len({s for _, s in lines}) > 1
            low, high = _bounds(metric_info, panel)
            values = data[["variant", "system", key, "mean"]].rename(columns={"mean": "value"})
            twins = {v: g[0] for g in identical_groups(values, variants) for v in g[1:]}
            for variant, sys_name in lines:
                line = data[(data["variant"] == variant) & (data["system"] == sys_name)]
                line = line.sort_values(key)
                label = f"{variant} / {sys_name}" if several else variant
                if variant in twins:
                    label += f" (= {twins[variant]})"
                style = styles[variant]
                kwargs = style.line_kwargs(len(line))
                kwargs.update(marker=style.marker or "o", markevery=1)
                ax.plot(line[key], line["mean"], label=label, **kwargs)
                ax.fill_between(
                    line[key],
                    line["ci_low"].clip(lower=low, upper=high),
                    line["ci_high"].clip(lower=low, upper=high),
                    color=style.color,
                    alpha=0.15,
                    lw=0,
                )
            ax.set_title(panel_label(panel))
            ax.set_xlabel(key)
            ax.set_ylabel(y_label(parse_panel(panel)[0], metric_info))
            ax.legend(frameon=False)
        for group in share_y:
            members = [by_panel[p] for p in group if p in by_panel]
            if len(members) > 1:
                lows, highs = zip(*(ax.get_ylim() for ax in members), strict=True)
                for ax in members:
                    ax.set_ylim(min(lows), max(highs))
        for ax in axes.ravel()[len(panels) :]:
            ax.set_visible(False)
        fig.suptitle(title)
    return fig


def sweep_heatmap(
    summary: pd.DataFrame,
    keys: tuple[str, str],
    panel: str,
    title: str = "",
    system: str | None = None,
    metric_info: Mapping[str, Any] | None = None,
    scale_with: Sequence[str] = (),
) -> Figure:
    """The mean of ``panel`` over the grid of two keys, one heat map per variant.

    The colour scale spans ``panel`` and the panels in ``scale_with`` (drawn on the same scale
    in their own figures), see :func:`colour_scale`.
    """
    data = _rows(summary, panel, system)
    variants = list(dict.fromkeys(data["variant"]))
    x_key, y_key = keys
    scaled = [data["mean"].to_numpy(dtype=float)]
    scaled += [_rows(summary, p, system)["mean"].to_numpy(dtype=float) for p in scale_with]
    norm, cmap_name = colour_scale(np.concatenate(scaled), _bounds(metric_info, panel))
    cmap = matplotlib.colormaps[cmap_name]
    metric = parse_panel(panel)[0]
    shared = [p for p in scale_with if p != panel]
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        width = min(12.8, max(8.0, 4.6 * len(variants) + 2.4))
        fig = new_figure(width, 7.2)
        fig.set_layout_engine("constrained")
        axes = fig.subplots(1, len(variants), squeeze=False)
        image = None
        for ax, variant in zip(axes.ravel(), variants, strict=True):
            grid = data[data["variant"] == variant].pivot_table(
                index=y_key, columns=x_key, values="mean", aggfunc="mean"
            )
            image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap=cmap, norm=norm)
            ax.set_xticks(range(len(grid.columns)), [_tick(v) for v in grid.columns])
            ax.set_yticks(range(len(grid.index)), [_tick(v) for v in grid.index])
            for (r, c), v in np.ndenumerate(grid.to_numpy()):
                if np.isfinite(v):
                    ax.text(
                        c,
                        r,
                        f"{v:.3g}",
                        ha="center",
                        va="center",
                        fontsize=12,
                        color=text_colour(cmap, norm, v),
                    )
            ax.set_xlabel(x_key)
            ax.set_ylabel(y_key)
            ax.set_title(variant)
        if image is not None:
            bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.9)
            unit = str((metric_info or {}).get(metric, {}).get("unit", "") or "")
            bar.set_label(f"{panel_label(panel)} ({unit})" if unit else panel_label(panel))
        lines = [
            *textwrap.wrap(title, int(width * 7)),
            f"{panel_label(panel)}: mean over replicates",
        ]
        if shared:
            lines.append(f"colour scale shared with {', '.join(panel_label(p) for p in shared)}")
        fig.suptitle("\n".join(lines))
    return fig


def _tick(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def standard_sweep_figures(
    summary: pd.DataFrame,
    keys: Sequence[str],
    spec: Mapping[str, Any],
    metric_info: Mapping[str, Any] | None = None,
) -> list[tuple[str, Figure]]:
    """A sweep's standard figures, each with the suffix of its file name: for one swept key,
    the lines of every panel (suffix ``""``); for two, one heat map per panel (``_<panel>``),
    on the scales ``share_y`` groups; none for more keys.

    ``spec`` is the sweep's figure spec (``panels``, ``title``, ``system``, ``share_y``), as the
    manifest records it.
    """
    panels = list(spec.get("panels") or ())
    title, system = str(spec.get("title", "")), spec.get("system") or None
    share_y = [list(group) for group in spec.get("share_y", [])]
    if len(keys) == 1:
        return [("", sweep_lines(summary, keys[0], panels, title, system, metric_info, share_y))]
    if len(keys) != 2:
        return []
    pair = (keys[0], keys[1])
    return [
        (
            f"_{panel.replace(':', '_')}",
            sweep_heatmap(
                summary,
                pair,
                panel,
                title,
                system,
                metric_info,
                [p for group in share_y if panel in group for p in group],
            ),
        )
        for panel in panels
    ]
