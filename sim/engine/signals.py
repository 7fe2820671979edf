"""Signals: named, versioned data channels with declared producers and consumers.

A producer publishes a value (the version goes up by one); consumers read it. Consumers
*declare* what they read; the bus also records the reads actually made, so the difference
between the declared graph and the observed one is exactly the undeclared consumers.
Publishing succeeds the signal's ``changed`` event, which processes may wait on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import simpy

from sim.core.errors import WiringError
from sim.core.params import suggest

__all__ = ["Read", "Signal", "SignalBus"]


@dataclass(frozen=True)
class Read:
    """One edge of the dependency graph: ``reader`` reads ``signal``."""

    reader: str
    signal: str
    declared: bool = True
    audit: bool = False  # an evaluation read of truth, not a data dependency


class Signal:
    """One channel. Only its producer may publish; every read is recorded on the bus."""

    def __init__(self, bus: SignalBus, name: str, producer: str):
        self.bus = bus
        self.name = name
        self.producer = producer
        self.version = 0
        self.value: Any = None
        self._changed: simpy.Event | None = None

    def changed(self) -> simpy.Event:
        """An event that succeeds, with the new value, at the next publish."""
        if self._changed is None:
            self._changed = self.bus.env.event()
        return self._changed

    def publish(self, value: Any, by: str) -> None:
        """Publish ``value`` as the next version; ``by`` must be the declared producer."""
        if by != self.producer:
            raise WiringError(
                f"{by!r} published {self.name!r}, which is produced by {self.producer!r}"
            )
        self.value = value
        self.version += 1
        waiting, self._changed = self._changed, None
        if waiting is not None:
            waiting.succeed(value)

    def read(self, by: str) -> Any:
        """The current value, as read by ``by`` (recorded on the bus)."""
        self.bus.observed.add((by, self.name))
        return self.value


class SignalBus:
    """All signals of one ecosystem: the declared graph and the reads actually made."""

    def __init__(self, env: simpy.Environment):
        self.env = env
        self.signals: dict[str, Signal] = {}
        self.reads: list[Read] = []
        self.observed: set[tuple[str, str]] = set()

    def produce(self, name: str, producer: str) -> Signal:
        """Declare that ``producer`` publishes ``name``; return the signal."""
        if name in self.signals:
            other = self.signals[name].producer
            raise WiringError(f"signal {name!r} is produced by both {other!r} and {producer!r}")
        signal = Signal(self, name, producer)
        self.signals[name] = signal
        return signal

    def declare_read(
        self, reader: str, name: str, declared: bool = True, audit: bool = False
    ) -> None:
        """Record that ``reader`` reads ``name``.

        ``declared=False`` models an undeclared read; ``audit=True`` marks an evaluation read of
        truth that is not part of the data-dependency graph.
        """
        self.reads.append(Read(reader, name, declared, audit))

    def get(self, name: str) -> Signal:
        """The signal called ``name``; a WiringError names the produced ones if it is unknown."""
        try:
            return self.signals[name]
        except KeyError:
            produced = ", ".join(sorted(self.signals)) or "none"
            raise WiringError(
                f"no component produces signal {name!r}{suggest(name, self.signals)}; "
                f"produced signals: {produced}"
            ) from None

    def check(self) -> None:
        """Every declared read names a produced signal."""
        for read in self.reads:
            self.get(read.signal)

    def declared_edges(self) -> set[tuple[str, str]]:
        """(reader, signal) pairs declared by the readers."""
        return {(r.reader, r.signal) for r in self.reads if r.declared}

    def undeclared_reads(self) -> set[tuple[str, str]]:
        """Reads made during the run that no reader declared."""
        return self.observed - self.declared_edges()
