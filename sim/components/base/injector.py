"""The injector's lifecycle: faults at scheduled or random times, recorded as events.

An injector fires at each day of ``at_days`` and, with ``rate_per_day > 0``, at random times
(exponential gaps from its own stream, so every replicate has its own). Each firing calls
:meth:`Injector.inject` and records a ``fault`` event; with ``duration_days > 0`` the fault is
cleared that much later (:meth:`Injector.clear`, a ``fault_cleared`` event).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, final

from sim.core.errors import ConfigError
from sim.engine.component import Component, Process, ProcessFactory
from sim.engine.wiring import PER_TICK_LIMIT, Needs, Wiring

__all__ = ["Injector"]


class Injector(Component):
    """Base of injectors. ``Params`` has ``at_days``, ``rate_per_day``, ``duration_days``."""

    section: ClassVar[str] = "injectors"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "processes" in cls.__dict__:
            raise TypeError(f"{cls.__name__} overrides processes(), which is final for injectors")

    def validate_wiring(self, wiring: Wiring) -> None:
        """Random faults at most 100 per tick on average."""
        rate, most = self.params.rate_per_day, PER_TICK_LIMIT / wiring.tick_days
        if rate > most:
            raise ConfigError(
                f"got {rate:g}; faults come at most {PER_TICK_LIMIT} times per tick of "
                f"{wiring.tick_days:g} days on average: <= {most:g}",
                path="rate_per_day",
            )

    def resource_needs(self, wiring: Wiring) -> Needs:
        """Its scheduled faults and the random ones expected within the horizon."""
        faults = len(self.params.at_days) + self.params.rate_per_day * wiring.horizon_days
        return Needs(events=3 * faults, rows=2 * faults)

    # -- hooks ---------------------------------------------------------------------------
    def inject(self) -> Mapping[str, Any]:
        """Start the fault; return its detail for the ``fault`` event."""
        raise NotImplementedError

    def clear(self) -> None:
        """End the fault."""

    # -- the fixed lifecycle -------------------------------------------------------------
    @final
    def processes(self) -> Iterable[ProcessFactory]:
        found: list[ProcessFactory] = [self._fire_at(day) for day in sorted(self.params.at_days)]
        if self.params.rate_per_day > 0:
            found.append(self._random_faults)
        return found

    def _fire_at(self, day: float) -> ProcessFactory:
        def fire() -> Process:
            yield self.env.timeout(day)
            yield from self._fault()

        return fire

    def _random_faults(self) -> Process:
        while True:
            yield self.env.timeout(self.rng.exponential(1.0 / self.params.rate_per_day))
            self.env.process(self._fault())

    def _fault(self) -> Process:
        env = self.env
        detail = dict(self.inject())
        env.recorder.event(env.now, self.name, "fault", kind=self.kind, **detail)
        if self.params.duration_days > 0:
            yield env.timeout(self.params.duration_days)
            self.clear()
            env.recorder.event(env.now, self.name, "fault_cleared", kind=self.kind)
