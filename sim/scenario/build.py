"""From a resolved configuration tree to wired components and an ecosystem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.components.registry import SECTIONS
from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.engine.component import Component
from sim.engine.environment import Ecosystem

__all__ = ["build_components", "build_ecosystem", "check_wiring"]


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
            f"unknown kind {kind!r}{suggest(str(kind), kinds)}; allowed: {allowed}",
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
                f"serves {system.params.serves!r}, but the world is called {world.name!r}",
                path=f"systems.{system.name}.serves",
            )
        slate = getattr(getattr(system.params, "policy", None), "slate", None)
        items = getattr(world.params, "items", None)
        if slate is not None and items is not None and slate > items:
            raise ConfigError(
                f"got {slate}; must be <= world.items ({items}): a slate holds distinct items",
                path=f"systems.{system.name}.policy.slate",
            )
    check = getattr(world, "check_systems", None)
    if check is not None:
        check(systems)
    return [world, *systems, *others]


def check_wiring(ecosystem: Ecosystem) -> None:
    """Declare every component's signals; a bad read or contract is a located WiringError."""
    ecosystem.wire()


def build_ecosystem(
    config: Mapping[str, Any], seed: np.random.SeedSequence | int, tick_days: float = 1.0
) -> Ecosystem:
    """A wired ecosystem ready to run."""
    ecosystem = Ecosystem(build_components(config), seed, tick_days)
    ecosystem.wire()
    return ecosystem
