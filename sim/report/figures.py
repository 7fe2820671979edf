"""The standard figure: variants side by side over time, one panel per metric, 95% CI bands.

Each panel's y axis is labelled with the metric's declared unit and its bands are clipped to the
metric's declared range; every variant keeps a line of its own (the baseline thick underneath,
the others patterned on top), and variants identical over the whole run say so in the legend;
reference lines (a truth, a target, a published limit) come computed from the scenario's
settings; log panels draw no zeros. Figures are drawn from frames only and sized for a
projector (see :mod:`sim.report.style`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.bands import trajectory_bands
from sim.report.panels import Panel, layout, panel_label, parse_panel, plan_panels, y_label
from sim.report.reference_lines import REFERENCE_LINES, draw_reference, keep_in_view
from sim.report.style import STYLE, SYSTEM_COLORS, new_figure, save_figure
from sim.report.variant_styles import VariantStyle, identical_groups, variant_styles

__all__ = [
    "STYLE",
    "new_figure",
    "panel_label",
    "parse_panel",
    "replicate_warning",
    "save_figure",
    "variant_figure",
]

WARNING_COLOR = "#b03a2e"


def replicate_warning(replicates: int) -> str:
    """What a reader must know when there are too few replicates for a CI ('' from 3 on)."""
    if replicates >= 3:
        return ""
    if replicates <= 1:
        return "⚠ 1 replicate: no confidence interval can be drawn; run with --reps 3 or more"
    return f"⚠ only {replicates} replicates: the 95% CI bands are very wide; use --reps 3 or more"


def variant_figure(
    metrics: pd.DataFrame,
    panels: Sequence[str],
    title: str = "",
    system: str | None = None,
    baseline: str | None = None,
    log_panels: Sequence[str] = (),
    variants: Sequence[str] = (),
    *,
    metric_info: Mapping[str, Mapping[str, Any]] | None = None,
    references: Sequence[Mapping[str, Any]] = (),
    labels: Mapping[str, str] | None = None,
    share_y: Sequence[Sequence[str]] = (),
) -> Figure:
    """One panel per ``metric[:entity][@system]``, one line per variant with its CI band.

    ``variants`` draws only those, in that order (those that ran; all of them if none of the
    named ones ran). ``metric_info``: the manifest's metric declarations (unit, range);
    ``references``: computed reference lines (:func:`sim.scenario.figure_values.figure_values`);
    ``labels``: each variant's legend text; ``share_y``: groups of panels on one y scale.
    """
    names = list(panels) or sorted(metrics["metric"].unique())
    ran = [str(v) for v in pd.unique(metrics["variant"])]  # in order of appearance
    variants = [v for v in variants if v in ran] or ran
    styles = variant_styles(variants, baseline)
    planned = plan_panels(metrics, names, system)
    rows, cols, places = layout(planned)
    replicates = int(metrics["replicate"].nunique())
    panel_rows = [_rows_of(metrics, panel) for panel in planned]
    panel_groups = [
        identical_groups(r[["variant", "replicate", "day", "value"]], variants) for r in panel_rows
    ]
    twins = _twins(identical_groups(metrics, variants), panel_groups, panel_rows, variants)
    display = _display_labels(variants, labels or {}, twins)
    systems = list(dict.fromkeys(p.system for p in planned if p.system))
    several_systems = len(systems) > 1
    split = any(p.per_system for p in planned)
    bottom = {c: max(r for r, c2 in places if c2 == c) for _, c in places}
    with matplotlib.rc_context(STYLE):
        fig = new_figure()
        fig.set_layout_engine("constrained")
        grid = fig.add_gridspec(rows, cols)
        axes: list[tuple[Panel, Axes]] = []
        drawn_refs: dict[str, Line2D] = {}
        patterns: dict[str, Any] = {}  # one dash pattern per reference label
        for k, (panel, (r, c)) in enumerate(zip(planned, places, strict=True)):
            ax = fig.add_subplot(grid[r, c])
            axes.append((panel, ax))
            _draw_panel(
                ax,
                panel,
                panel_rows[k],
                variants,
                styles,
                display,
                replicates,
                panel.name in log_panels,
                (metric_info or {}).get(panel.metric, {}),
                _not_in_legend(panel_groups[k], twins),
            )
            data_limits = ax.get_ylim()
            levels: list[float] = []
            for reference in references:
                if reference.get("panel") == panel.name:
                    label = str(reference["label"])
                    pattern = patterns.setdefault(
                        label, REFERENCE_LINES[len(patterns) % len(REFERENCE_LINES)]
                    )
                    handle = draw_reference(
                        ax, reference, variants, styles, panel.name in log_panels, pattern, levels
                    )
                    if handle is not None:
                        drawn_refs.setdefault(label, handle)
            keep_in_view(ax, data_limits, levels, panel.name in log_panels)
            ax.set_ylabel(y_label(panel.metric, metric_info))
            ax.set_xlabel("day" if r == bottom[c] else "")
            color, heading = "black", panel.title
            if panel.system and several_systems and (panel.per_system or "@" in panel.name):
                color = SYSTEM_COLORS[systems.index(panel.system) % len(SYSTEM_COLORS)]
            elif split:
                heading += " · market-wide"
            ax.set_title(heading, color=color)
        _share_scales(axes, share_y)
        free = [c for c in range(cols) if (rows - 1, c) not in places]
        legend_ax = None
        if free and free == list(range(free[0], cols)):
            legend_ax = fig.add_subplot(grid[rows - 1, free[0] :])
            legend_ax.set_axis_off()
        _legend(fig, variants, styles, display, drawn_refs, legend_ax, len(free))
        _titles(fig, title, replicates)
    return fig


def _rows_of(metrics: pd.DataFrame, panel: Panel) -> pd.DataFrame:
    rows = metrics[(metrics["metric"] == panel.metric) & (metrics["entity"] == panel.entity)]
    return rows[rows["system"] == panel.system] if panel.system else rows


def _twins(
    whole_run: list[list[str]],
    panel_groups: Sequence[list[list[str]]],
    panel_rows: Sequence[pd.DataFrame],
    variants: Sequence[str],
) -> dict[str, tuple[str, str]]:
    """Variant → (the earlier variant it equals, "throughout" or "wherever shown"): identical
    over the whole run, or in every panel where it has data."""
    twins = {v: (group[0], "throughout") for group in whole_run for v in group[1:]}
    for variant in variants:
        if variant in twins:
            continue
        partners = set()
        for groups, rows in zip(panel_groups, panel_rows, strict=True):
            if not (rows["variant"] == variant).any():
                continue
            mine = [g for g in groups if variant in g[1:]]
            partners.add(mine[0][0] if mine else None)
        if len(partners) == 1 and None not in partners:
            twins[variant] = (str(partners.pop()), "wherever shown")
    return twins


def _not_in_legend(
    groups: list[list[str]], twins: Mapping[str, tuple[str, str]]
) -> list[list[str]]:
    """The groups of identical variants the legend does not already name."""
    return [g for g in groups if any(twins.get(v, ("",))[0] != g[0] for v in g[1:])]


def _display_labels(
    variants: Sequence[str], labels: Mapping[str, str], twins: Mapping[str, tuple[str, str]]
) -> dict[str, str]:
    display = {v: labels.get(v, v) for v in variants}
    for variant, (partner, where) in twins.items():
        display[variant] += f"\n(= {partner} {where})"
    return display


def _band_frame(
    bands: pd.DataFrame, variant: str, log: bool, bounds: Sequence[Any]
) -> tuple[pd.DataFrame, bool]:
    """The variant's band (thinned, clipped to the metric's range); whether non-positive days
    were dropped from a log panel."""
    band = bands[bands["variant"] == variant].sort_values("day", kind="stable")
    dropped = False
    if log:
        positive = band["mean"] > 0
        dropped = bool((~positive).any())
        band = band[positive]
    band = _thin(band)
    low, high = [*bounds, None, None][:2]
    if low is not None or high is not None:
        band = band.assign(
            ci_low=band["ci_low"].clip(lower=low, upper=high),
            ci_high=band["ci_high"].clip(lower=low, upper=high),
        )
    if log:  # a band reaching zero would fill the log axis down to its floor
        floor = band["mean"] * 0.2
        band = band.assign(ci_low=band["ci_low"].where(band["ci_low"] > floor, floor))
    return band, dropped


def _draw_panel(
    ax: Axes,
    panel: Panel,
    rows: pd.DataFrame,
    variants: Sequence[str],
    styles: Mapping[str, VariantStyle],
    display: Mapping[str, str],
    replicates: int,
    log: bool,
    info: Mapping[str, Any],
    identical: list[list[str]],
) -> None:
    """The panel's lines and bands; a note names variants identical here (``identical``, those
    the legend does not already name), those without data, and zeros left off a log axis."""
    bounds = info.get("range") or (None, None)
    bands = trajectory_bands(rows, panel.metric, panel.entity, panel.system)
    missing, zeros = [], False
    for variant in variants:
        if not (rows["variant"] == variant).any():
            missing.append(variant)
            continue
        band, dropped = _band_frame(bands, variant, log, bounds)
        zeros |= dropped
        if band.empty:
            missing.append(variant)
            continue
        style = styles[variant]
        ax.plot(
            band["day"],
            band["mean"],
            label=display[variant],
            gid=f"variant:{variant}",
            **style.line_kwargs(len(band)),
        )
        if replicates >= 2:
            ax.fill_between(
                band["day"],
                band["ci_low"],
                band["ci_high"],
                color=style.color,
                alpha=0.15,
                lw=0,
                zorder=1,
            )
    if log:
        ax.set_yscale("log")
    notes = ["identical here: " + " = ".join(group) for group in identical]
    if missing:
        notes.append("no data: " + ", ".join(missing))
    if zeros:
        notes.append("zeros not drawn (log axis)")
    if notes:  # a handle-less legend: placed where it covers the least data
        width = max(18, int(ax.get_position().width * 80))  # characters, after the layout
        text = "\n".join(textwrap.fill(note, width) for note in notes)
        note = ax.legend(
            handles=[Line2D([], [], alpha=0)],
            labels=[text],
            loc="best",
            handlelength=0,
            handletextpad=0,
            fontsize=11,
            labelcolor="0.3",
            framealpha=0.85,
            edgecolor="none",
        )
        note.set_zorder(6)
        note.set_in_layout(False)


def _share_scales(axes: Sequence[tuple[Panel, Axes]], share_y: Sequence[Sequence[str]]) -> None:
    """One y range for each group in ``share_y`` and for the per-system panels of a metric."""
    groups = [set(g) for g in share_y]
    groups += [{p.name} for p, _ in axes if p.per_system]
    for group in groups:
        members = [ax for p, ax in axes if p.name in group]
        if len(members) < 2:
            continue
        lows, highs = zip(*(ax.get_ylim() for ax in members), strict=True)
        for ax in members:
            ax.set_ylim(min(lows), max(highs))


def _legend(
    fig: Figure,
    variants: Sequence[str],
    styles: Mapping[str, VariantStyle],
    display: Mapping[str, str],
    references: Mapping[str, Line2D],
    cell: Axes | None = None,
    cells: int = 0,
) -> None:
    """The variants' (and references') legend: in ``cell``, an empty place of the grid, when it
    fits there (``cells`` wide), else outside the panels on the right."""
    handles: list[Line2D] = []
    for variant in variants:
        style = styles[variant]
        kwargs = style.line_kwargs(12)
        kwargs.pop("markevery", None)
        handles.append(Line2D([], [], label=display[variant], **kwargs))
    handles += list(references.values())
    lines = sum(1 + str(h.get_label()).count("\n") for h in handles)
    options: dict[str, Any] = {"frameon": False, "handlelength": 3.2, "labelspacing": 0.7}
    if cell is not None and lines <= 10 * cells:
        cell.legend(handles=handles, loc="center", ncols=cells, **options)
        return
    if cell is not None:
        cell.remove()
    fig.legend(handles=handles, loc="outside right center", **options)


def _titles(fig: Figure, title: str, replicates: int) -> None:
    warning = replicate_warning(replicates)
    band = "mean" if replicates <= 1 else "mean and 95% CI"
    subtitle = f"{band} over {replicates} replicate{'s' if replicates != 1 else ''}"
    fig.suptitle(f"{title}\n{subtitle}" if title else subtitle)
    if warning:
        fig.supxlabel(warning, color=WARNING_COLOR, fontsize=13, fontweight="bold")


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
