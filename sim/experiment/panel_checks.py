"""The metrics an experiment's components declare, known before anything runs.

Components declare their metrics while they are set up (at time 0: nothing is simulated), so a
freshly set-up ecosystem of a task's blueprint lists them. :func:`check_panels` refuses a
``--metric`` that names a metric (or a system) no configuration of the plan has, naming the
allowed ones, before the work starts; before, a typo gave an empty figure after all of it.
:func:`check_panel_entities` checks a ``metric:entity`` panel's entity against the results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.core.safe_text import short_value
from sim.experiment.runner import Task
from sim.report.panels import parse_panel
from sim.scenario.build import Blueprint, build_ecosystem

__all__ = ["check_panel_entities", "check_panels", "declared_metrics"]


def declared_metrics(
    config: Blueprint | Mapping[str, Any], tick_days: float = 1.0
) -> tuple[set[str], set[str]]:
    """The metric names and the component names of one configuration (set up, not run)."""
    ecosystem = build_ecosystem(config, 0, tick_days)
    ecosystem.set_up()
    return set(ecosystem.env.recorder.specs), {c.name for c in ecosystem.components}


def check_panels(panels: Sequence[str], tasks: Iterable[Task], where: str = "--metric") -> None:
    """Raise a :class:`ConfigError` at ``where`` for a panel whose metric (or ``@system``) no
    task's configuration declares. Configurations are set up in the plan's order, one per unit,
    until every panel is found (usually the first point's variants suffice)."""
    if not panels:
        return
    metrics: set[str] = set()
    systems: set[str] = set()
    seen: set[str] = set()

    def missing() -> list[str]:
        out = []
        for panel in panels:
            metric, _, system = parse_panel(panel)
            if metric not in metrics or (system is not None and system not in systems):
                out.append(panel)
        return out

    for task in tasks:
        if task.unit in seen:
            continue
        seen.add(task.unit)
        declared, names = declared_metrics(task.config, task.tick_days)
        metrics |= declared
        systems |= names
        if not missing():
            return
    panel = missing()[0]
    metric, _, system = parse_panel(panel)
    if metric not in metrics:
        raise ConfigError(
            f"{short_value(panel)}: no metric {short_value(metric)}{suggest(metric, metrics)}; "
            f"the scenario's metrics: {', '.join(sorted(metrics)) or 'none'} "
            "(written metric, metric:entity or metric@system)",
            path=where,
        )
    raise ConfigError(
        f"{short_value(panel)}: no system {short_value(system)}{suggest(str(system), systems)}; "
        f"the scenario's components: {', '.join(sorted(systems))}",
        path=where,
    )


def check_panel_entities(panels: Sequence[str], summary: pd.DataFrame) -> None:
    """Raise a :class:`ConfigError` (``--metric``) for a ``metric:entity`` panel whose entity
    the results do not hold (entities are known only once the tasks ran: the finished tasks
    stay in the folder, and the command with another ``--metric`` completes without rerunning
    them)."""
    for panel in panels:
        metric, entity, _ = parse_panel(panel)
        if not entity:
            continue
        rows = summary[summary["metric"] == metric]
        entities = sorted({str(e) for e in rows["entity"] if str(e)})
        if entity not in entities:
            raise ConfigError(
                f"{short_value(panel)}: {metric} has no entity {short_value(entity)}"
                f"{suggest(entity, entities)}; its entities: {', '.join(entities) or 'none'} "
                "(the finished tasks are kept: the same command with another --metric draws "
                "without running them again)",
                path="--metric",
            )
