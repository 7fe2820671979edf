"""The wiring check: every component validates its parameters together with what it is wired to.

After every component has declared its signals (wiring) and before anything is set up, each
component's :meth:`~sim.engine.component.Component.validate_wiring` hook sees a :class:`Wiring`:
the other components and their parameters, the signal bus, and the run's clock (horizon and
tick). A hook raises a :class:`~sim.core.errors.ConfigError` whose ``path`` is relative to the
component's own table (``features[1]``); :func:`validate_wiring` places it in the scenario
(``systems.classifier.features[1]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.core.errors import ConfigError

if TYPE_CHECKING:
    from sim.engine.component import Component
    from sim.engine.signals import SignalBus

__all__ = ["PER_TICK_LIMIT", "Needs", "Wiring", "key_path", "validate_wiring"]

FLOAT_BYTES = 8
PER_TICK_LIMIT = 100  # a periodic process runs at most this often per world tick


@dataclass(frozen=True)
class Needs:
    """What one run of a component needs: the memory of its state at its largest, the SimPy
    events it schedules and the metric and event rows it records (estimates, for refusing runs
    that cannot fit the machine, not for planning to the byte)."""

    state_bytes: float = 0.0
    events: float = 0.0
    rows: float = 0.0

    def __add__(self, other: Needs) -> Needs:
        return Needs(
            self.state_bytes + other.state_bytes,
            self.events + other.events,
            self.rows + other.rows,
        )

    @staticmethod
    def arrays(*shapes: tuple[float, ...], copies: float = 1.0) -> Needs:
        """The memory of float arrays of the given shapes, ``copies`` times."""
        total = 0.0
        for shape in shapes:
            size = 1.0
            for n in shape:
                size *= float(n)
            total += size
        return Needs(state_bytes=total * FLOAT_BYTES * copies)

    @staticmethod
    def per_tick(wiring: Wiring, events: float, rows: float) -> Needs:
        """``events`` and ``rows`` at every tick of the run."""
        return Needs(events=events * wiring.ticks, rows=rows * wiring.ticks)

    @staticmethod
    def every(wiring: Wiring, days: float, events: float, rows: float) -> Needs:
        """``events`` and ``rows`` every ``days`` (nothing for 0: never)."""
        if days <= 0:
            return Needs()
        times = wiring.horizon_days / days + 1
        return Needs(events=events * times, rows=rows * times)


def key_path(component: Component) -> str:
    """Where a component is configured in a scenario file (``world``, ``systems.ranker``…)."""
    return "world" if component.section == "world" else f"{component.section}.{component.name}"


@dataclass(frozen=True)
class Wiring:
    """What a component is wired to, and the clock it will run on."""

    components: Mapping[str, Component]  # every component, by name
    bus: SignalBus
    horizon_days: float
    tick_days: float

    @property
    def ticks(self) -> float:
        """How many world ticks the run has (the tick at time 0 included)."""
        return self.horizon_days / self.tick_days + 1

    @property
    def world(self) -> Component:
        """The world (the component of the ``world`` section)."""
        return next(c for c in self.components.values() if c.section == "world")

    def check_cadence(self, days: float, path: str, what: str) -> None:
        """A ConfigError at ``path`` unless ``days`` is 0 (never) or at most
        :data:`PER_TICK_LIMIT` times per tick: more often, a process sees the same data again
        and again (and a run of a few days schedules millions of events)."""
        shortest = self.tick_days / PER_TICK_LIMIT
        if 0 < days < shortest:
            raise ConfigError(
                f"got {days:g}; {what} at most {PER_TICK_LIMIT} times per tick of "
                f"{self.tick_days:g} days: 0 (never) or >= {shortest:g}",
                path=path,
            )

    def of_section(self, section: str) -> list[Component]:
        """The components configured in ``section`` (``systems``, ``monitors``, ``injectors``)."""
        return [c for c in self.components.values() if c.section == section]

    def params_of(self, name: str) -> Any:
        """The parameters of the component called ``name``."""
        return self.components[name].params


def validate_wiring(
    components: Sequence[Component], bus: SignalBus, horizon_days: float, tick_days: float
) -> None:
    """Call every component's ``validate_wiring`` hook; a failure is located in the scenario."""
    wiring = Wiring({c.name: c for c in components}, bus, float(horizon_days), float(tick_days))
    for component in components:
        try:
            component.validate_wiring(wiring)
        except ConfigError as error:
            raise error.located(prefix=key_path(component)) from None
