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

__all__ = ["Wiring", "key_path", "validate_wiring"]


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
