"""The world's lifecycle: one final tick loop shared by every world.

Each tick (``env.tick_days``) a world makes a request (:meth:`World.make_request`), publishes it
on ``<world>.requests``, waits for every serving system's answer on ``<server>.<answer>``, and
resolves the answers into outcomes (:meth:`World.resolve`), which it publishes on its outcome
signals. Systems deliver outcomes to their logs after their own label delay (the training
pipeline, :mod:`sim.components.base.system`). A world implements ``make_request`` and
``resolve``; a world whose requests need no answer (no servers) still ticks.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from typing import Any, ClassVar, final

import simpy

from sim.core.errors import WiringError
from sim.engine.component import Component, Process, ProcessFactory
from sim.engine.signals import Contract, Signal, SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["World"]


class World(Component):
    """Ground truth; asks its servers for answers every tick.

    Class attributes: ``answer`` names the servers' output signal (``<server>.<answer>``),
    ``request_payload`` and ``answer_payload`` are the contracts of the request and answers.
    """

    section: ClassVar[str] = "world"
    answer: ClassVar[str] = "answers"
    request_payload: ClassVar[Contract | None] = None
    answer_payload: ClassVar[Contract | None] = None

    def __init__(self, name: str, params: Any, owner: str = ""):
        super().__init__(name, params, owner)
        self.servers: list[str] = []  # set by the builder: the systems whose answers count

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "processes" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides processes(), which is final for worlds; implement "
                "make_request()/resolve() and, for other processes, more_processes()"
            )

    def require_servers(self, low: int, high: int, why: str) -> None:
        """A located WiringError unless ``low`` to ``high`` systems serve this world."""
        if not low <= len(self.servers) <= high:
            wanted = f"exactly {low}" if low == high else f"{low} to {high}"
            raise WiringError(
                f"the world {self.name!r} needs {wanted} serving system(s) ({why}); got "
                f"{len(self.servers)}: {', '.join(self.servers) or 'none'}",
                path="systems",
            )

    def declare_world(self, bus: SignalBus, *outputs: tuple[str, Contract | None]) -> None:
        """Produce ``<world>.requests`` and each ``(name, contract)`` output; read the answers.

        The produced signals are available as ``self.signal(name)``.
        """
        self._signals: dict[str, Signal] = {
            "requests": bus.produce(f"{self.name}.requests", self.name, self.request_payload)
        }
        for output, contract in outputs:
            self._signals[output] = bus.produce(f"{self.name}.{output}", self.name, contract)
        for server in self.servers:
            bus.declare_read(self.name, f"{server}.{self.answer}", expects=self.answer_payload)

    def signal(self, output: str) -> Signal:
        """One of the signals this world produces (``requests`` or a declared output)."""
        return self._signals[output]

    def publish(self, output: str, value: Any) -> None:
        """Publish ``value`` on this world's ``output`` signal."""
        self._signals[output].publish(value, by=self.name)

    # -- hooks ---------------------------------------------------------------------------
    def resource_needs(self, wiring: Wiring) -> Needs:
        """The tick loop: a request, the answers and the outcomes at every tick."""
        servers = len(self.servers)
        return Needs.per_tick(wiring, events=3 + 3 * servers, rows=3 + 2 * servers)

    def make_request(self) -> Any:
        """This tick's request (published on ``<world>.requests``)."""
        raise NotImplementedError

    def resolve(self, request: Any, answers: Sequence[Any]) -> None:
        """Turn the servers' answers (in server order) into outcomes and publish them."""
        raise NotImplementedError

    def more_processes(self) -> Iterable[ProcessFactory]:
        """Processes besides the tick loop (drifts, shocks…)."""
        return ()

    # -- the fixed tick loop --------------------------------------------------------------
    @final
    def processes(self) -> Iterable[ProcessFactory]:
        return (self._tick_loop, *self.more_processes())

    def _tick_loop(self) -> Process:
        env = self.env
        answers = [self.bus.get(f"{server}.{self.answer}") for server in self.servers]
        yield env.timeout(0)  # let every process of this instant start listening first
        while True:
            request = self.make_request()
            replies = yield from self._ask(request, answers)
            self.resolve(request, replies)
            yield env.timeout(env.tick_days)

    def _ask(self, request: Any, answers: list[Signal]) -> Generator[simpy.Event, Any, list[Any]]:
        """Publish ``request``, wait for every answer, return them in server order.

        The answer events are taken before publishing, so no answer can be missed.
        """
        waiting = self.env.all_of([signal.changed() for signal in answers])
        self._signals["requests"].publish(request, by=self.name)
        if answers:
            yield waiting
        return [signal.read(by=self.name) for signal in answers]
