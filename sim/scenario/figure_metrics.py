"""The ``[figure]`` panels checked against the metrics the components declare, before a run.

A panel ``metric[:entity][@system]`` must name a metric some variant's components declare and,
with ``@system``, a component of some variant; ``[figure] system`` must name a component too.
Components declare their metrics when they are set up, so each chosen variant is set up once
(nothing runs): a typo is refused up front instead of drawing an empty panel after the run.
Entities are only known once values are recorded, so ``:entity`` is not checked here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.core.startup_cache import startup_cache_disabled
from sim.engine.environment import Ecosystem
from sim.scenario.build import prepare
from sim.scenario.resolve import Scenario

__all__ = ["check_figure_metrics", "check_panels", "declared_metrics"]


def declared_metrics(scenario: Scenario) -> tuple[set[str], set[str]]:
    """The metrics the scenario's variants declare, and the names of their components."""
    metrics: set[str] = set()
    components: set[str] = set()
    for name, config in scenario.configs.items():
        blueprint = scenario.blueprints.get(name) or prepare(config)
        ecosystem = Ecosystem(blueprint.instantiate(), seed=0, tick_days=scenario.meta.tick_days)
        ecosystem.validate(scenario.meta.horizon_days)
        with startup_cache_disabled():  # a check, not a run: leave the runs' cache alone
            ecosystem.set_up()
        metrics |= set(ecosystem.env.recorder.specs)
        components |= {c.name for c in ecosystem.components}
    return metrics, components


def check_panels(panels: Sequence[str], key: str, metrics: set[str], components: set[str]) -> None:
    """A ConfigError at ``key[i]`` for a panel naming no declared metric or no component."""
    for i, panel in enumerate(panels):
        rest, _, system = panel.partition("@")
        metric = rest.partition(":")[0]
        if metric not in metrics:
            raise ConfigError(
                f"no variant records a metric {metric!r}{suggest(metric, metrics)}; metrics: "
                f"{', '.join(sorted(metrics))}",
                path=f"{key}[{i}]",
            )
        if "@" in panel and system not in components:
            raise ConfigError(
                f"no component {system!r}{suggest(system, components)}; components: "
                f"{', '.join(sorted(components))}",
                path=f"{key}[{i}]",
            )


def check_figure_metrics(scenario: Scenario) -> None:
    """Refuse ``[figure]`` panels and a ``system`` that match nothing the variants record."""
    figure = scenario.figure
    if not figure.panels and not figure.system:
        return
    try:
        metrics, components = declared_metrics(scenario)
        check_panels(figure.panels, "figure.panels", metrics, components)
        if figure.system and figure.system not in components:
            raise ConfigError(
                f"no component {figure.system!r}{suggest(figure.system, components)}; "
                f"components: {', '.join(sorted(components))}",
                path="figure.system",
            )
    except ConfigError as error:
        raise error.located(source=scenario.source) from None
