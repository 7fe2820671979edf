"""TRANSITIONAL: the wiring of worlds and systems not yet moved onto ``sim.components.base``.

A :class:`World` is served by the systems the builder lists in ``servers``; each tick it
publishes a request and waits for every server's answer (:meth:`World.ask`). A
:class:`ServingSystem` answers a world's requests on ``<name>.<output>`` and reads its declared
``inputs``; its ``Params`` have ``serves`` and ``inputs``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim.core.errors import WiringError
from sim.engine.component import Component
from sim.engine.signals import Signal, SignalBus

__all__ = ["ServingSystem", "World"]


class World(Component):
    """Ground truth; asks its servers for answers every tick."""

    legacy_lifecycle = True  # TRANSITIONAL: not yet on the base lifecycle

    def __init__(self, name: str, params: Any, owner: str = ""):
        super().__init__(name, params, owner)
        self.servers: list[str] = []

    def require_servers(self, low: int, high: int, why: str) -> None:
        """A located WiringError unless ``low`` to ``high`` systems serve this world."""
        if not low <= len(self.servers) <= high:
            wanted = f"exactly {low}" if low == high else f"{low} to {high}"
            raise WiringError(
                f"the world {self.name!r} needs {wanted} serving system(s) ({why}); got "
                f"{len(self.servers)}: {', '.join(self.servers) or 'none'}",
                path="systems",
            )

    section = "world"

    def declare_answers(self, bus: SignalBus, action: str) -> None:
        """Declare that this world reads each server's ``<server>.<action>`` signal."""
        for server in self.servers:
            bus.declare_read(self.name, f"{server}.{action}")
        self._bus = bus

    def answer_signals(self, action: str) -> list[Signal]:
        """The servers' answer signals, in server order."""
        return [self._bus.get(f"{server}.{action}") for server in self.servers]

    def ask(
        self, request: Signal, payload: Any, answers: list[Signal]
    ) -> Generator[simpy.Event, Any, list[Any]]:
        """Publish ``payload`` on ``request``, wait for every answer, return them in order.

        The answer events are taken before publishing, so no answer can be missed.
        """
        waiting = self.env.all_of([signal.changed() for signal in answers])
        request.publish(payload, by=self.name)
        if answers:
            yield waiting
        return [signal.read(by=self.name) for signal in answers]


class ServingSystem(Component):
    """An ML system that answers a world's requests."""

    legacy_lifecycle = True  # TRANSITIONAL: not yet on the base lifecycle

    serving = True
    section = "systems"

    def declare_system(self, bus: SignalBus, output: str) -> Signal:
        """Produce ``<name>.<output>``; read the served world's requests and every input."""
        signal = bus.produce(f"{self.name}.{output}", self.name)
        bus.declare_read(self.name, f"{self.params.serves}.requests")
        for name in self.params.inputs:
            bus.declare_read(self.name, name)
        self._bus = bus
        return signal
