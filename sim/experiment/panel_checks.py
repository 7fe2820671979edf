"""``--metric`` panels checked before the work starts, and their entities once it is done.

:func:`check_panels` refuses a ``--metric`` that names a metric (or a system) no configuration
of the plan declares (:func:`sim.scenario.figure_metrics.configuration_metrics`), naming the
allowed ones, before the work starts; before, a typo gave an empty figure after all of it.
:func:`check_panel_entities` checks a ``metric:entity`` panel's entity against the results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.core.safe_text import short_value
from sim.experiment.runner import Task
from sim.report.panels import parse_panel
from sim.scenario.figure_metrics import declared_until, unmatched

__all__ = ["check_panel_entities", "check_panels"]


def check_panels(panels: Sequence[str], tasks: Iterable[Task], where: str = "--metric") -> None:
    """Raise a :class:`ConfigError` at ``where`` for a panel whose metric (or ``@system``) no
    task's configuration declares. Configurations are set up in the plan's order, one per unit,
    until every panel is found (usually the first point's variants suffice)."""
    if not panels:
        return
    units = {task.unit: (task.config, task.tick_days) for task in tasks}  # plan order, one each
    metrics, systems = declared_until(panels, units.values())
    found = [(p, m) for p in panels if (m := unmatched(p, metrics, systems)) is not None]
    if not found:
        return
    panel, (kind, name) = found[0]
    if kind == "metric":
        raise ConfigError(
            f"{short_value(panel)}: no metric {short_value(name)}{suggest(name, metrics)}; "
            f"the scenario's metrics: {', '.join(sorted(metrics)) or 'none'} "
            "(written metric, metric:entity or metric@system)",
            path=where,
        )
    raise ConfigError(
        f"{short_value(panel)}: no system {short_value(name)}{suggest(name, systems)}; "
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
