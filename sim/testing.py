"""Conformance checks every registered component must pass (as scikit-learn's estimator checks).

:func:`check_component` checks one class in a configuration that uses it;
:func:`check_components` builds an ecosystem from a resolved configuration and checks, for every
component in it (or only those of the given classes):

- the class keeps the fixed lifecycle (a known section; frozen
  ``Params``; an ML system's ``Params`` has ``serves``, ``inputs`` and a ``training`` table);
- ``__init__`` draws nothing and binds nothing (no environment, no random stream);
- every read has a producer and every contract holds (wiring);
- ``validate_wiring`` accepts the configuration (a component refusing a configuration it is
  meant to run in is broken), runs after wiring and before set-up, and binds and draws nothing;
- every read made during the run was declared (as a read, or explicitly as undeclared);
- metrics are declared before they are recorded, and every recorded value is finite;
- an ML system records ``model_version`` and its ``retrain``/``deploy`` events carry the version;
- two runs with the same seed give equal metric and event frames.

A failure is a :class:`ConformanceError` naming the component and the rule.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.components.base import MLSystem, TrainingParams
from sim.components.registry import SECTION_NAMES
from sim.core.errors import ConfigError, DebtsimError
from sim.engine.component import Component
from sim.engine.environment import Ecosystem
from sim.scenario.build import build_components

__all__ = ["ConformanceError", "check_component", "check_components"]


class ConformanceError(DebtsimError):
    """A component breaks a rule of the lifecycle."""


def _fail(component: Component | type, rule: str) -> ConformanceError:
    name = component.__name__ if isinstance(component, type) else repr(component)
    return ConformanceError(f"{name}: {rule}")


def _check_class(cls: type[Component]) -> None:
    if cls.section not in SECTION_NAMES:
        raise _fail(cls, f"section {cls.section!r} is not one of {', '.join(SECTION_NAMES)}")
    params = getattr(cls, "Params", None)
    if not (
        isinstance(params, type)
        and dataclasses.is_dataclass(params)
        and params.__dataclass_params__.frozen  # type: ignore[attr-defined]
    ):
        raise _fail(cls, "Params must be a frozen dataclass")
    if issubclass(cls, MLSystem):
        fields = {f.name: f for f in dataclasses.fields(params)}
        missing = {"serves", "inputs", "training"} - set(fields)
        if missing:
            raise _fail(cls, f"an ML system's Params needs {', '.join(sorted(missing))}")
        default = fields["training"].default_factory()  # type: ignore[operator]
        if not isinstance(default, TrainingParams):
            raise _fail(cls, "Params.training must be a TrainingParams table")


def _run(config: Mapping[str, Any], seed: int, horizon_days: float) -> Ecosystem:
    ecosystem = Ecosystem(build_components(config), seed)
    ecosystem.run(horizon_days)
    return ecosystem


def _check_validation(
    config: Mapping[str, Any], names_of: list[Component], horizon_days: float
) -> None:
    """The ``validate_wiring`` hook accepts the configuration and neither binds nor draws."""
    ecosystem = Ecosystem(build_components(config), seed=0)
    names = {c.name for c in names_of}
    try:
        ecosystem.validate(horizon_days)
    except ConfigError as error:
        raise ConformanceError(f"validate_wiring refused a configuration: {error}") from None
    except RuntimeError as error:  # the environment or the random stream, used before set-up
        raise ConformanceError(f"validate_wiring used the run before set-up: {error}") from None
    for component in ecosystem.components:
        if component.name in names and (component._env is not None or component._rng is not None):
            raise _fail(component, "validate_wiring bound an environment or a random stream")


def _check_reads(ecosystem: Ecosystem, component: Component) -> None:
    bus = ecosystem.env.signals
    known = {(r.reader, r.signal) for r in bus.reads}
    unknown = sorted(s for reader, s in bus.observed if reader == component.name)
    unknown = [s for s in unknown if (component.name, s) not in known]
    if unknown:
        raise _fail(component, f"read {', '.join(unknown)} without declaring the read")


def _check_system(component: MLSystem, metrics: pd.DataFrame, events: pd.DataFrame) -> None:
    versions = metrics[(metrics.system == component.name) & (metrics.metric == "model_version")]
    if versions.empty:
        raise _fail(component, "recorded no model_version")
    mine = events[(events.system == component.name) & events.event.isin(["retrain", "deploy"])]
    for detail in mine.detail:
        if not isinstance(json.loads(detail).get("version"), int):
            raise _fail(component, f"a retrain/deploy event without an integer version: {detail}")


def check_components(
    config: Mapping[str, Any],
    classes: Iterable[type[Component]] | None = None,
    *,
    seed: int = 0,
    horizon_days: float = 6.0,
) -> list[Component]:
    """Run the conformance checks on the components of ``config``; return those checked."""
    built = build_components(config)
    wanted = tuple(classes) if classes is not None else tuple({type(c) for c in built})
    checked = [c for c in built if isinstance(c, wanted)]
    if classes is not None and not checked:
        raise ConformanceError(f"no component of {[c.__name__ for c in wanted]} in the config")
    for component in checked:
        _check_class(type(component))
        if component._env is not None or component._rng is not None:
            raise _fail(component, "__init__ bound an environment or a random stream")
    _check_validation(config, names_of=checked, horizon_days=horizon_days)
    try:
        first = _run(config, seed, horizon_days)
    except KeyError as error:
        raise ConformanceError(f"a metric was recorded before it was declared: {error}") from None
    metrics, events = first.env.recorder.metrics(), first.env.recorder.events()
    if not np.isfinite(metrics["value"].to_numpy(dtype=float)).all():
        bad = metrics[~np.isfinite(metrics["value"].to_numpy(dtype=float))]
        raise ConformanceError(f"non-finite metric values:\n{bad.head()}")
    names = {c.name for c in checked}
    for component in first.components:
        if component.name not in names:
            continue
        _check_reads(first, component)
        if isinstance(component, MLSystem):
            _check_system(component, metrics, events)
    second = _run(config, seed, horizon_days)
    try:
        pd.testing.assert_frame_equal(metrics, second.env.recorder.metrics())
        pd.testing.assert_frame_equal(events, second.env.recorder.events())
    except AssertionError as error:
        raise ConformanceError(f"two runs with seed {seed} differ: {error}") from None
    return checked


def check_component(
    cls: type[Component], config: Mapping[str, Any], *, seed: int = 0, horizon_days: float = 6.0
) -> None:
    """Run the conformance checks on the components of class ``cls`` in ``config``.

    ``config`` is a resolved configuration (one variant of a scenario) that uses ``cls``; raises
    :class:`ConformanceError` naming the rule a component breaks.
    """
    check_components(config, [cls], seed=seed, horizon_days=horizon_days)
