"""Panels of the standard figure: what each shows, its labels, and where it goes.

A panel is written ``metric[:entity][@system]``. A metric that several systems record, drawn
without naming a system, becomes one panel per system (``slope@desk_a``, ``slope@desk_b``):
the figure puts the shared panels (market-wide metrics, one system's metrics) first, then one
row per per-system metric with a column per system, each system's title in its own colour.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["Panel", "layout", "panel_label", "parse_panel", "plan_panels", "y_label"]


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
        label += f" · {system}"
    return label


Y_LABEL_WIDTH = 32  # characters on one line of a y label (longer ones wrap: panel height)


def y_label(metric: str, info: Mapping[str, Any] | None) -> str:
    """The y axis label: the metric's declared unit (its description if it declares none),
    wrapped to lines of at most :data:`Y_LABEL_WIDTH` characters so it fits beside a panel."""
    entry = (info or {}).get(metric, {})
    unit = str(entry.get("unit", "") or "")
    description = str(entry.get("description", "") or "")
    if not unit:
        unit = description if 0 < len(description) <= 40 else metric.replace("_", " ")
    return textwrap.fill(unit, Y_LABEL_WIDTH)


@dataclass(frozen=True)
class Panel:
    """One axes of the figure: the panel as the scenario names it, and the rows it draws."""

    name: str  # as in the scenario's [figure] panels (references and scales name it)
    metric: str
    entity: str
    system: str | None  # the system whose rows are drawn; None: the only one there is
    per_system: bool  # one of several panels of the same metric, one per system

    @property
    def title(self) -> str:
        label = panel_label(self.name)
        if self.per_system and self.system:
            label += f" · {self.system}"
        return label


def plan_panels(
    metrics: pd.DataFrame, panels: Sequence[str], system: str | None = None
) -> list[Panel]:
    """The figure's panels: each named panel, split per system where several record it."""
    planned: list[Panel] = []
    for name in panels:
        metric, entity, named = parse_panel(name)
        chosen = named or system
        if chosen:
            planned.append(Panel(name, metric, entity, chosen, False))
            continue
        rows = metrics[(metrics["metric"] == metric) & (metrics["entity"] == entity)]
        systems = [str(s) for s in pd.unique(rows["system"])]
        if len(systems) <= 1:
            planned.append(Panel(name, metric, entity, systems[0] if systems else None, False))
        else:
            planned += [Panel(name, metric, entity, s, True) for s in systems]
    return planned


def layout(panels: Sequence[Panel]) -> tuple[int, int, list[tuple[int, int]]]:
    """Rows, columns and each panel's (row, column): shared panels first, filling rows; then
    one row per per-system metric, one column per system."""
    shared = [p for p in panels if not p.per_system]
    groups: dict[str, list[Panel]] = {}
    for p in panels:
        if p.per_system:
            groups.setdefault(p.name, []).append(p)
    widest = max((len(g) for g in groups.values()), default=0)
    n = len(shared)
    cols = max(1 if n <= 1 else 2 if n <= 4 else 3, widest)
    places: dict[int, tuple[int, int]] = {}
    for k, p in enumerate(shared):
        places[id(p)] = divmod(k, cols)
    row = -(-n // cols) if n else 0
    for group in groups.values():
        for c, p in enumerate(group):
            places[id(p)] = (row, c)
        row += 1
    return max(row, 1), cols, [places[id(p)] for p in panels]
