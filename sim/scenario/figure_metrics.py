"""The metrics and components a configuration declares, known before anything runs, and the
checks of figure panels (``[figure]``, ``[sweep]`` and ``--metric``) against them.

Components declare their metrics while they are set up (at time 0: nothing is simulated), so a
freshly set-up ecosystem lists them. A panel ``metric[:entity][@system]`` must name a metric
some configuration declares and, with ``@system``, one of its components: a typo is refused up
front instead of drawing an empty panel after the run. Entities are known only once values are
recorded, so ``:entity`` is not checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.core.safe_text import short_value
from sim.core.startup_cache import startup_cache_disabled
from sim.scenario.build import Blueprint, build_ecosystem, prepare
from sim.scenario.resolve import Scenario

__all__ = [
    "check_figure_metrics",
    "check_panels",
    "configuration_metrics",
    "declared_metrics",
    "declared_until",
    "no_component",
    "unmatched",
]


def configuration_metrics(
    config: Blueprint | Mapping[str, Any], tick_days: float = 1.0
) -> tuple[set[str], set[str]]:
    """The metric names and the component names of one configuration (set up, not run)."""
    ecosystem = build_ecosystem(config, 0, tick_days)
    with startup_cache_disabled():  # a check, not a run: leave the runs' cache alone
        ecosystem.set_up()
    return set(ecosystem.env.recorder.specs), {c.name for c in ecosystem.components}


def declared_until(
    panels: Sequence[str],
    configurations: Iterable[tuple[Blueprint | Mapping[str, Any], float]],
    system: str = "",
) -> tuple[set[str], set[str]]:
    """The metrics and components of ``configurations`` (configuration, tick days), set up in
    order until every panel (and ``system``) is matched: usually the first suffices. When one
    stays unmatched all are set up, so its error can list everything there is."""
    metrics: set[str] = set()
    components: set[str] = set()
    for config, tick_days in configurations:
        declared, names = configuration_metrics(config, tick_days)
        metrics |= declared
        components |= names
        if (not system or system in components) and all(
            unmatched(p, metrics, components) is None for p in panels
        ):
            break
    return metrics, components


def variant_configurations(
    scenario: Scenario,
) -> Iterator[tuple[Blueprint | Mapping[str, Any], float]]:
    """Each variant's configuration (its validated blueprint) with the scenario's tick."""
    for name, config in scenario.configs.items():
        yield scenario.blueprints.get(name) or prepare(config), scenario.meta.tick_days


def declared_metrics(scenario: Scenario, panels: Sequence[str] = ()) -> tuple[set[str], set[str]]:
    """The metrics the scenario's variants declare, and the names of their components (the
    variants set up until ``panels`` are matched)."""
    return declared_until(panels, variant_configurations(scenario))


def unmatched(panel: str, metrics: set[str], components: set[str]) -> tuple[str, str] | None:
    """What ``metric[:entity][@system]`` names that nothing declares: ``("metric", name)`` or
    ``("component", name)``; ``None`` when the panel matches."""
    rest, at, system = panel.partition("@")
    metric = rest.partition(":")[0]
    if metric not in metrics:
        return "metric", metric
    if at and system not in components:
        return "component", system
    return None


def no_component(name: str, components: set[str]) -> str:
    return (
        f"no component {short_value(name)}{suggest(name, components)}; components: "
        f"{', '.join(sorted(components))}"
    )


def check_panels(panels: Sequence[str], key: str, metrics: set[str], components: set[str]) -> None:
    """A ConfigError at ``key[i]`` for a panel naming no declared metric or no component."""
    for i, panel in enumerate(panels):
        missing = unmatched(panel, metrics, components)
        if missing is None:
            continue
        kind, name = missing
        problem = (
            f"no variant records a metric {short_value(name)}{suggest(name, metrics)}; metrics: "
            f"{', '.join(sorted(metrics))}"
            if kind == "metric"
            else no_component(name, components)
        )
        raise ConfigError(problem, path=f"{key}[{i}]")


def check_figure_metrics(scenario: Scenario) -> None:
    """Refuse ``[figure]`` panels and a ``system`` that match nothing the variants record."""
    figure = scenario.figure
    if not figure.panels and not figure.system:
        return
    try:
        configurations = variant_configurations(scenario)
        metrics, components = declared_until(figure.panels, configurations, figure.system)
        check_panels(figure.panels, "figure.panels", metrics, components)
        if figure.system and figure.system not in components:
            raise ConfigError(no_component(figure.system, components), path="figure.system")
    except ConfigError as error:
        raise error.located(source=scenario.source) from None
