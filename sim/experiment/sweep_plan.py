"""A sweep's plan: grid points (factorial or from a design CSV) × variants × replicates.

Every point is the scenario with the point's values set like ``--set`` overrides, validated
before anything runs. Seeds: with ``common`` seeding replicate r uses the same seed at every
point and in every variant, exactly as ``debtsim run`` does (common random numbers: a point's
results equal a run with the same ``--set``); with ``independent`` seeding the spawn key also
holds stable hashes of the point's values and of the variant. Either way a task's seed depends
only on its own identity, so adding a grid point never changes another point's results.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sim.core.errors import ConfigError
from sim.core.rng import name_key
from sim.core.safe_text import short_value
from sim.core.text_files import read_text_file
from sim.experiment.plan import Plan
from sim.experiment.resources import check_scenario_fits
from sim.experiment.runner import Task
from sim.scenario.overrides import check_key_path, parse_value, parse_values, toml_value
from sim.scenario.resolve import Scenario, load_scenario

__all__ = ["SweepPlan", "SweepPoint", "design_points", "grid_points", "parse_grid", "plan_sweep"]

Seeding = Literal["common", "independent"]


@dataclass(frozen=True)
class SweepPoint:
    """One point of the grid: values for some key paths."""

    index: int
    values: dict[str, Any]

    def overrides(self) -> list[str]:
        """The point as ``--set`` overrides."""
        return [f"{key}={toml_value(value)}" for key, value in self.values.items()]

    @property
    def identity(self) -> str:
        """A stable text identity of the values (independent of the point's position)."""
        return json.dumps(sorted(self.values.items()), sort_keys=True, default=str)

    @property
    def label(self) -> str:
        """``key=value, ...`` for messages."""
        return ", ".join(f"{k}={toml_value(v)}" for k, v in self.values.items())


def parse_grid(items: Sequence[str]) -> dict[str, list[Any]]:
    """``--grid KEY=V1,V2,...`` arguments → an ordered mapping key → values."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(
                f"--grid {short_value(item, 80)}: expected KEY=V1,V2,... e.g. world.usage=0.1,0.5"
            )
        key, text = (part.strip() for part in item.split("=", 1))
        check_key_path(key, f"--grid {short_value(key, 80)}")
        if key in grid:
            raise ConfigError(f"--grid {key!r} is given twice")
        grid[key] = parse_values(text, f"--grid {key}")
    return grid


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """The factorial product of the grid, first key varying slowest."""
    keys = list(grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grid.values())]


def design_points(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a design CSV: a header of key paths, one point per row (cells are TOML values)."""
    text = read_text_file(path)
    try:
        return _design_rows(text)
    except ConfigError as error:
        raise error.located(source=str(path)) from None


def _design_rows(text: str) -> list[dict[str, Any]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ConfigError(f"not a readable CSV file: {error}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ConfigError("the design is empty: expected a header of key paths")
    header = [key.strip() for key in rows[0]]
    for column, key in enumerate(header, start=1):
        check_key_path(key, f"header, column {column}")
        if header.index(key) != column - 1:
            raise ConfigError(f"header: the key {key} is given twice")
    if len(rows) == 1:
        raise ConfigError("the design has no rows")
    points = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ConfigError(f"row {number} has {len(row)} cells; the header has {len(header)}")
        cells = zip(header, row, strict=True)
        points.append({k: parse_value(cell.strip(), f"row {number}, {k}") for k, cell in cells})
    return points


@dataclass(frozen=True)
class SweepPlan:
    """Everything that identifies a sweep (resuming requires the same plan)."""

    scenario: str
    source: str
    keys: tuple[str, ...]
    points: tuple[SweepPoint, ...]
    variants: tuple[str, ...]
    replicates: int
    root_seed: int
    horizon_days: float
    overrides: tuple[str, ...]
    seeding: Seeding
    tick_days: float = 1.0
    descriptions: dict[str, str] = field(default_factory=dict, compare=False)
    units: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    # variant → {key path of a --set or --grid key it does not have: why}
    not_applied: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON-ready data (stored in the sweep folder)."""
        return {
            "scenario": self.scenario,
            "keys": list(self.keys),
            "points": [p.values for p in self.points],
            "variants": list(self.variants),
            "replicates": self.replicates,
            "root_seed": self.root_seed,
            "horizon_days": self.horizon_days,
            "overrides": list(self.overrides),
            "seeding": self.seeding,
            "tick_days": self.tick_days,
        }

    def plan(self, tasks: Sequence[Task]) -> Plan:
        """The experiment plan: its fingerprint holds every unit's resolved configuration."""
        return Plan("sweep", self.scenario, self.source, self.to_json(), self.units, tuple(tasks))


def plan_sweep(
    scenario: str | Path,
    points: Sequence[Mapping[str, Any]],
    *,
    reps: int | None = None,
    seed: int | None = None,
    horizon_days: float | None = None,
    variants: Sequence[str] | None = None,
    overrides: Sequence[str] = (),
    seeding: Seeding = "common",
    jobs: int = 1,
    force: bool = False,
) -> tuple[SweepPlan, list[Task]]:
    """Validate every point and expand the sweep into tasks (point, variant, replicate); a
    sweep that cannot fit this machine is refused first, unless ``force``."""
    if seeding not in ("common", "independent"):
        raise ConfigError(
            f"unknown seeding {seeding!r}; allowed: common, independent", path="--seeding"
        )
    if not points:
        raise ConfigError("a sweep needs at least one grid point (--grid or --design)")
    keys = tuple(dict.fromkeys(k for p in points for k in p))
    sweep_points = tuple(SweepPoint(i, dict(p)) for i, p in enumerate(points))
    resolved: list[Scenario] = []
    for point in sweep_points:
        try:
            resolved.append(load_scenario(scenario, [*overrides, *point.overrides()], variants))
        except ConfigError as error:
            raise ConfigError(f"grid point {point.label}: {error}") from None
    first = resolved[0]
    replicates = reps or first.meta.replicates
    root_seed = first.meta.seed if seed is None else seed
    horizon = float(horizon_days or first.meta.horizon_days)
    check_scenario_fits(resolved, replicates, horizon, jobs, force)
    tasks: list[Task] = []
    units: dict[str, dict[str, Any]] = {}
    for point, sc in zip(sweep_points, resolved, strict=True):
        for variant, config in sc.configs.items():
            key = (name_key(point.identity), name_key(variant)) if seeding == "independent" else ()
            unit = f"{point.label} / {variant}"
            units[unit] = config
            for r in range(replicates):
                tasks.append(
                    Task(
                        variant,
                        r,
                        root_seed,
                        sc.blueprints.get(variant, config),
                        horizon,
                        sc.meta.tick_days,
                        seed_key=key,
                        point=point.index,
                        index=len(tasks),
                        unit=unit,
                    )
                )
    plan = SweepPlan(
        scenario=first.name,
        source=first.source,
        keys=keys,
        points=sweep_points,
        variants=tuple(first.configs),
        replicates=replicates,
        root_seed=root_seed,
        horizon_days=horizon,
        overrides=tuple(overrides),
        seeding=seeding,
        tick_days=first.meta.tick_days,
        descriptions=first.descriptions,
        units=units,
        not_applied={
            variant: {text.split("=", 1)[0].strip(): why for text, why in reasons.items()}
            for variant, reasons in first.not_applied.items()
        },
    )
    return plan, tasks
