"""The monitor's lifecycle: watch signals, raise alerts, command a declared response.

A monitor reads the signals it ``watches`` — on every publish (``every_days = 0``) or on its
own cadence — and checks each value (:meth:`Monitor.check`). An alarm is an ``alert`` event
(with what was watched and why) and a 1 in the ``alerts`` metric; a declared ``response``
(rollback to the last good version, pause retraining, retrain, recalibrate) is sent as a
:class:`~sim.components.base.payloads.Command` on ``<monitor>.commands`` to the system named
``response.target`` (default: the component that produces the first watched signal), which
declares that read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, final

from sim.components.base.payloads import Action, Command
from sim.core.params import param
from sim.engine.component import Component, Process, ProcessFactory
from sim.engine.signals import Contract, SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["Alert", "Monitor", "ResponseParams"]


@dataclass(frozen=True)
class ResponseParams:
    """What a monitor asks a system to do when it alarms."""

    action: Action = param("none", doc="none, rollback, pause, retrain or recalibrate")
    target: str = param("", doc="the system that responds (default: the watched producer)")


@dataclass(frozen=True)
class Alert:
    """A monitor's alarm: why, with the values behind it."""

    reason: str
    detail: Mapping[str, Any] = field(default_factory=dict)


class Monitor(Component):
    """Base of monitors. ``Params`` has ``watches``, ``every_days`` and ``response``."""

    section: ClassVar[str] = "monitors"
    watch_payload: ClassVar[Contract | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "processes" in cls.__dict__:
            raise TypeError(f"{cls.__name__} overrides processes(), which is final for monitors")

    @property
    def target(self) -> str:
        """The system that carries out the response."""
        return self.params.response.target or self.params.watches[0].split(".")[0]

    def declare(self, bus: SignalBus) -> None:
        for name in self.params.watches:
            bus.declare_read(self.name, name, expects=self.watch_payload)
        self.commands_signal = bus.produce(f"{self.name}.commands", self.name, Command)
        if self.params.response.action != "none":
            bus.declare_read(self.target, self.commands_signal.name, expects=Command)

    def validate_wiring(self, wiring: Wiring) -> None:
        """The check cadence: 0 (at every publish) or at most 100 checks per tick."""
        wiring.check_cadence(self.params.every_days, "every_days", "check")

    def resource_needs(self, wiring: Wiring) -> Needs:
        """A check of every watched signal every ``every_days`` (0: at every publish)."""
        watched = len(self.params.watches)
        if self.params.every_days > 0:
            return Needs.every(wiring, self.params.every_days, events=1 + watched, rows=watched)
        return Needs.per_tick(wiring, events=2 * watched, rows=watched)

    # -- hooks ---------------------------------------------------------------------------
    def check(self, signal: str, value: Any) -> Alert | None:
        """An alert if the value read from ``signal`` is out of bounds, else None."""
        raise NotImplementedError

    # -- the fixed lifecycle -------------------------------------------------------------
    def setup_lifecycle(self) -> None:
        self.env.recorder.declare(
            "alerts", "total", "alerts raised", unit="alerts", bounds=(0.0, None)
        )

    @final
    def processes(self) -> Iterable[ProcessFactory]:
        if self.params.every_days > 0:
            return (self._periodic,)
        return tuple(self._watcher(name) for name in self.params.watches)

    def _watcher(self, name: str) -> ProcessFactory:
        def watch() -> Process:
            signal = self.bus.get(name)
            while True:
                yield signal.changed()
                self._handle(name, signal.read(by=self.name))

        return watch

    def _periodic(self) -> Process:
        signals = [self.bus.get(name) for name in self.params.watches]
        while True:
            yield self.env.timeout(self.params.every_days)
            for signal in signals:
                if signal.version:
                    self._handle(signal.name, signal.read(by=self.name))

    def _handle(self, name: str, value: Any) -> None:
        env = self.env
        alert = self.check(name, value)
        if alert is not None:
            watched = name.split(".")[0]
            env.recorder.event(env.now, self.name, "alert", watched=watched, **alert.detail)
            action = self.params.response.action
            if action != "none":
                command = Command(env.now, action, self.target, alert.reason)
                self.commands_signal.publish(command, by=self.name)
        env.recorder.record(env.now, self.name, "alerts", float(alert is not None))
