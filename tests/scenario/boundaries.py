"""Boundary values of every declared parameter of every registered component kind.

Each kind is taken in the first catalogue configuration that uses it (the generic
``scale_fault`` injector in the flagship scenario); each numeric parameter — nested tables
(``training``, a recommender's ``model`` and ``policy``, a monitor's ``response``) included, and
every item of a list of numbers — gets its declared minimum and maximum and the values just
inside them, and a large or negative value where a side of its range is open.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from mutations import WEEK, budget

import sim
from sim.core.errors import ConfigError
from sim.core.params import field_types
from sim.experiment.preflight import check_runnable
from sim.scenario.build import build_components
from sim.scenario.loader import catalogue
from sim.scenario.overrides import set_path
from sim.scenario.resolve import load_scenario, resolve_tree

LARGE = 10**6


@dataclass(frozen=True)
class BoundaryCase:
    """One parameter at one boundary value, in a configuration that uses its component."""

    label: str
    config: Mapping[str, Any]
    tick_days: float
    key: str
    value: Any


def _examples() -> dict[str, tuple[Mapping[str, Any], float]]:
    """The first catalogue configuration (and its tick) using each component kind."""
    found: dict[str, tuple[Mapping[str, Any], float]] = {}
    for name in sorted(catalogue()):
        scenario = load_scenario(name)
        for config in scenario.configs.values():
            for component in build_components(config):
                found.setdefault(component.kind, (config, scenario.meta.tick_days))
    flagship = load_scenario("direct_feedback_loop", variants=["greedy"])
    bug = {"kind": "scale_fault", "signal": "ranker.estimates", "factor": 2.0, "at_days": [2.0]}
    config = {**flagship.configs["greedy"], "injectors": {"bug": bug}}
    found.setdefault("scale_fault", (config, flagship.meta.tick_days))
    return found


def _values(tp: Any, meta: Mapping[str, Any]) -> list[Any]:
    integer = tp is int
    step = 1 if integer else 1e-6
    values: list[Any] = []
    if meta.get("ge") is not None:
        values += [meta["ge"], meta["ge"] + step]
    if meta.get("gt") is not None:
        values.append(meta["gt"] + step)
    if meta.get("le") is not None:
        values += [meta["le"], meta["le"] - step]
    if meta.get("lt") is not None:
        values.append(meta["lt"] - step)
    if meta.get("le") is None and meta.get("lt") is None:
        values.append(LARGE)
    if meta.get("ge") is None and meta.get("gt") is None:
        values += [0, -LARGE]
    return [int(v) if integer else float(v) for v in dict.fromkeys(values)]


def _numeric(tp: Any) -> Any:
    """``int`` or ``float`` for a number or a list of numbers, else None."""
    if tp in (int, float):
        return tp
    args = [a for a in getattr(tp, "__args__", ()) if a is not Ellipsis]
    if getattr(tp, "__origin__", None) in (tuple, list) and args and args[0] in (int, float):
        return args[0]
    return None


def _cases(params: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    hints = field_types(type(params))
    for f in dataclasses.fields(params):
        if not f.init:  # learned state, not a parameter
            continue
        value = getattr(params, f.name)
        key = f"{prefix}.{f.name}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from _cases(value, key)
            continue
        number = _numeric(hints.get(f.name))
        if number is None:
            continue
        for bound in _values(number, f.metadata):
            if isinstance(value, tuple):
                if value:
                    yield key, [bound] * len(value)
            else:
                yield key, bound


def boundary_cases() -> list[BoundaryCase]:
    cases = []
    for kind, (config, tick) in sorted(_examples().items()):
        component = next(c for c in build_components(config) if c.kind == kind)
        where = "world" if component.section == "world" else f"{component.section}.{component.name}"
        for key, value in _cases(component.params, where):
            label = f"{kind}:{key}={value}"
            cases.append(BoundaryCase(label, config, tick, key, value))
    return cases


BOUNDARY_CASES = boundary_cases()


def assert_boundary_refused_or_runs(case: BoundaryCase) -> str:
    """Refused with a located ConfigError, or a week runs with finite metrics."""
    tree = {"scenario": {"horizon_days": WEEK, "replicates": 1, "tick_days": case.tick_days}}
    tree.update({k: v for k, v in case.config.items() if k != "scenario"})
    tree = set_path(tree, case.key, case.value)
    with budget():
        try:
            scenario = resolve_tree(tree, "<boundary>")
            check_runnable(scenario)
        except ConfigError as error:
            assert str(error).startswith("<boundary>: "), error
            assert "\n" not in str(error)
            return "refused"
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            result = sim.run(scenario, reps=1, horizon_days=WEEK, figures=False, executor="serial")
    values = result.metrics["value"].to_numpy(dtype=float)
    assert np.isfinite(values).all(), result.metrics[~np.isfinite(values)].head()
    return "ran"
