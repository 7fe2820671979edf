"""From a resolved configuration tree to wired components and an ecosystem.

:func:`prepare` validates a tree once into a :class:`Blueprint`: frozen, picklable, validated
parameters per component. An experiment's tasks carry blueprints, so workers build their
ecosystem without parsing or validating anything again.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.components.registry import SECTIONS
from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.core.safe_text import short_value
from sim.engine.component import Component
from sim.engine.environment import Ecosystem

__all__ = [
    "Blueprint",
    "ComponentSpec",
    "blueprint_of",
    "build_components",
    "build_ecosystem",
    "check_wiring",
    "prepare",
]


@dataclass(frozen=True)
class ComponentSpec:
    """One validated component: its class, name, parameters and owner."""

    cls: type[Component]
    name: str
    params: Any
    owner: str
    servers: tuple[str, ...] | None = None  # a world's serving systems


@dataclass(frozen=True)
class Blueprint:
    """A validated configuration: every component's spec, in wiring order."""

    components: tuple[ComponentSpec, ...]

    def instantiate(self) -> list[Component]:
        """Fresh components (parameters copied: no state is shared between two builds)."""
        built = []
        for spec in copy.deepcopy(self.components):
            component = spec.cls(spec.name, spec.params, spec.owner)
            if spec.servers is not None:
                component.servers = list(spec.servers)  # type: ignore[attr-defined]
            built.append(component)
        return built


def prepare(config: Mapping[str, Any]) -> Blueprint:
    """Validate a resolved tree once (static checks included) into a :class:`Blueprint`."""
    return blueprint_of(build_components(config))


def blueprint_of(components: list[Component]) -> Blueprint:
    """The blueprint of freshly built (validated, not yet wired) components."""
    specs = []
    for component in components:
        servers = getattr(component, "servers", None) if component.section == "world" else None
        specs.append(
            ComponentSpec(
                type(component),
                component.name,
                component.params,
                component.owner,
                tuple(servers) if servers is not None else None,
            )
        )
    return Blueprint(tuple(specs))


def _make(section: str, name: str, raw: Any, path: str, default_kind: str | None) -> Component:
    if not isinstance(raw, Mapping):
        raise ConfigError("expected a table", path=path)
    kinds = SECTIONS[section]
    kind = raw.get("kind", default_kind)
    if kind is None:
        raise ConfigError(f"missing 'kind'; allowed: {', '.join(sorted(kinds))}", path=path)
    if not isinstance(kind, str):
        raise ConfigError(
            f"expected a string; allowed: {', '.join(sorted(kinds))}", path=f"{path}.kind"
        )
    if kind not in kinds:
        allowed = ", ".join(sorted(kinds))
        raise ConfigError(
            f"unknown kind {short_value(kind)}{suggest(str(kind), kinds)}; allowed: {allowed}",
            path=f"{path}.kind",
        )
    cls = kinds[kind]
    owner = raw.get("owner", "")
    if not isinstance(owner, str):
        raise ConfigError("expected a string", path=f"{path}.owner")
    return cls(name, cls.parse(raw, path), owner)


def build_components(config: Mapping[str, Any]) -> list[Component]:
    """Validate and construct every component of a resolved configuration (draws nothing)."""
    if "world" not in config:
        raise ConfigError("missing the [world] table", path="world")
    world = _make("world", "world", config["world"], "world", None)
    systems_raw = config.get("systems", {})
    if not isinstance(systems_raw, Mapping):
        raise ConfigError("expected a table of systems", path="systems")
    systems = [
        _make("systems", name, raw, f"systems.{name}", "recommender")
        for name, raw in systems_raw.items()
    ]
    others = []
    for section in ("monitors", "injectors"):
        tables = config.get(section, {})
        if not isinstance(tables, Mapping):
            raise ConfigError(f"expected a table of {section}", path=section)
        others += [
            _make(section, name, raw, f"{section}.{name}", None) for name, raw in tables.items()
        ]
    world.servers = [  # type: ignore[attr-defined]
        s.name for s in systems if s.params.serves == world.name and getattr(s, "serving", True)
    ]
    for system in systems:
        if system.params.serves != world.name:
            raise ConfigError(
                f"serves {short_value(system.params.serves)}, but the world is called "
                f"{world.name!r}",
                path=f"systems.{system.name}.serves",
            )
        slate = getattr(getattr(system.params, "policy", None), "slate", None)
        items = getattr(world.params, "items", None)
        if slate is not None and items is not None and slate > items:
            raise ConfigError(
                f"got {slate}; must be <= world.items ({items}): a slate holds distinct items",
                path=f"systems.{system.name}.policy.slate",
            )
    return [world, *systems, *others]


def check_wiring(ecosystem: Ecosystem, horizon_days: float) -> None:
    """Declare every component's signals (a bad read or contract is a located WiringError), then
    let every component validate its parameters against its wiring and a run of
    ``horizon_days`` (a located ConfigError)."""
    ecosystem.validate(horizon_days)


def build_ecosystem(
    config: Mapping[str, Any] | Blueprint,
    seed: np.random.SeedSequence | int,
    tick_days: float = 1.0,
) -> Ecosystem:
    """A wired ecosystem ready to run (from a blueprint, nothing is parsed again)."""
    built = config.instantiate() if isinstance(config, Blueprint) else build_components(config)
    ecosystem = Ecosystem(built, seed, tick_days)
    ecosystem.wire()
    return ecosystem
