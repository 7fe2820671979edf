"""An experiment's plan: units (resolved configurations) × replicates, as tasks.

``run`` is a plan of one point (one unit per variant), a sweep one of points × variants, a CACE
study one of the reference and each perturbation. The plan's *fingerprint* — every unit's
resolved configuration, the settings that decide results (replicates, seeds, horizon, …) and the
package version — identifies the results a folder holds: resuming under another fingerprint is
refused, naming what changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sim import __version__
from sim.experiment.runner import Task
from sim.scenario.resolve import Scenario

__all__ = ["Plan", "fingerprint_changes", "run_plan"]


@dataclass(frozen=True)
class Plan:
    """What runs: the tasks, and what identifies their results."""

    kind: str  # "run", "sweep" or "cace"
    scenario: str
    source: str
    settings: Mapping[str, Any]  # JSON-ready: replicates, root_seed, horizon_days, ...
    units: Mapping[str, Mapping[str, Any]]  # unit label → resolved configuration
    tasks: tuple[Task, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)  # descriptive, not fingerprinted

    def fingerprint(self) -> dict[str, Any]:
        """JSON-ready identity of the results (stored as the folder's ``plan.json``)."""
        data = {
            "debtsim": __version__,
            "kind": self.kind,
            "scenario": self.scenario,
            "settings": dict(self.settings),
            "units": {k: dict(v) for k, v in self.units.items()},
        }
        return json.loads(json.dumps(data, default=str))


def _flatten(tree: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(tree, Mapping) and tree:
        for key, value in tree.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, tree


def _show(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def fingerprint_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What differs between two fingerprints, as ``key: old → new`` lines (empty if equal)."""
    changes: list[str] = []
    for key in ("debtsim", "kind", "scenario"):
        if old.get(key) != new.get(key):
            label = "debtsim version" if key == "debtsim" else key
            changes.append(f"{label}: {_show(old.get(key))} → {_show(new.get(key))}")
    old_settings, new_settings = old.get("settings", {}), new.get("settings", {})
    for key in dict.fromkeys([*old_settings, *new_settings]):
        if old_settings.get(key) != new_settings.get(key):
            changes.append(
                f"{key}: {_show(old_settings.get(key))} → {_show(new_settings.get(key))}"
            )
    old_units, new_units = old.get("units", {}), new.get("units", {})
    gone = [u for u in old_units if u not in new_units]
    added = [u for u in new_units if u not in old_units]
    if gone:
        changes.append(f"no longer planned: {', '.join(gone)}")
    if added:
        changes.append(f"newly planned: {', '.join(added)}")
    keys: dict[str, list[str]] = {}
    for unit in (u for u in new_units if u in old_units):
        before, after = dict(_flatten(old_units[unit])), dict(_flatten(new_units[unit]))
        for key in dict.fromkeys([*before, *after]):
            if before.get(key, "<unset>") != after.get(key, "<unset>"):
                shown = f"{key}: {_show(before.get(key, '<unset>'))} → "
                shown += _show(after.get(key, "<unset>"))
                keys.setdefault(shown, []).append(unit)
    for shown, units in keys.items():
        where = units[0] if len(units) == 1 else f"{len(units)} of {len(new_units)} units"
        changes.append(f"{shown} (in {where})")
    return changes


def run_plan(
    scenario: Scenario, replicates: int, root_seed: int, horizon_days: float, overrides: Any
) -> Plan:
    """A run: every variant × replicates, variants in file order, replicates in order."""
    tick = scenario.meta.tick_days
    built = {name: scenario.blueprints.get(name, c) for name, c in scenario.configs.items()}
    pairs = [(name, r) for name in built for r in range(replicates)]
    tasks = tuple(
        Task(name, r, root_seed, built[name], horizon_days, tick, index=k, unit=name)
        for k, (name, r) in enumerate(pairs)
    )
    settings = {
        "replicates": replicates,
        "root_seed": root_seed,
        "horizon_days": horizon_days,
        "tick_days": tick,
        "overrides": list(overrides),
        "variants": list(scenario.configs),
    }
    return Plan("run", scenario.name, scenario.source, settings, scenario.configs, tasks)
