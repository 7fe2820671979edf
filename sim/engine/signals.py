"""Signals: named, versioned data channels with declared producers, consumers and contracts.

A producer publishes a value (the version goes up by one); consumers read it. Consumers
*declare* what they read; the bus also records the reads actually made, so the difference
between the declared graph and the observed one is exactly the undeclared consumers.
Publishing succeeds the signal's ``changed`` event, which processes may wait on.

Contracts: a producer may declare the payload type it publishes (a class, or
:class:`PerSystem` for a mapping from serving-system name to values of a class) and a reader
the type it expects; :meth:`SignalBus.check` refuses a reader whose expectation the producer
does not meet, and a publish of a value outside the contract is refused at once.

Phases: values flow only once the simulation is set up. Publishing while wiring, reading
before the simulation starts, or publishing before every process has started listening (so
that who hears a value would depend on the order of components) is a :class:`WiringError`.
Injected faults transform a signal's values at publish time (:meth:`Signal.add_fault`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import simpy

from sim.core.errors import WiringError
from sim.core.params import suggest

__all__ = ["Contract", "Fault", "PerSystem", "Phase", "Read", "Signal", "SignalBus"]

Phase = Literal["wiring", "setup", "starting", "running", "finished"]


@dataclass(frozen=True)
class PerSystem:
    """A contract: a mapping from serving-system name to values of ``of``."""

    of: type

    def __str__(self) -> str:
        return f"dict[str, {self.of.__name__}]"


Contract = type | PerSystem


def _describe(contract: Contract) -> str:
    return str(contract) if isinstance(contract, PerSystem) else contract.__name__


def _meets(produced: Contract, expected: Contract) -> bool:
    """Whether values of ``produced`` satisfy a reader expecting ``expected``."""
    if isinstance(produced, PerSystem) or isinstance(expected, PerSystem):
        return (
            isinstance(produced, PerSystem)
            and isinstance(expected, PerSystem)
            and issubclass(produced.of, expected.of)
        )
    return issubclass(produced, expected)


def _conforms(value: Any, contract: Contract) -> bool:
    if isinstance(contract, PerSystem):
        return isinstance(value, Mapping) and all(
            isinstance(v, contract.of) for v in value.values()
        )
    return isinstance(value, contract)


@dataclass(frozen=True)
class Read:
    """One edge of the dependency graph: ``reader`` reads ``signal``."""

    reader: str
    signal: str
    declared: bool = True
    audit: bool = False  # an evaluation read of truth, not a data dependency
    expects: Contract | None = None


@dataclass(frozen=True)
class Fault:
    """A transform an injector applies to every value published on a signal."""

    injector: str
    transform: Callable[[Any], Any]


class Signal:
    """One channel. Only its producer may publish; every read is recorded on the bus."""

    def __init__(self, bus: SignalBus, name: str, producer: str, payload: Contract | None):
        self.bus = bus
        self.name = name
        self.producer = producer
        self.payload = payload
        self.version = 0
        self.value: Any = None
        self.faults: list[Fault] = []
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
        if self.bus.phase == "wiring":
            raise WiringError(
                f"{by!r} published {self.name!r} while wiring; values flow from setup on"
            )
        if self.bus.phase == "starting":
            raise WiringError(
                f"{by!r} published {self.name!r} before every process was listening; a process "
                "that publishes at time 0 first yields env.timeout(0) (or env.urgent_timeout(0))"
            )
        if self.payload is not None and not _conforms(value, self.payload):
            raise WiringError(
                f"{by!r} published {type(value).__name__} on {self.name!r}, whose contract "
                f"is {_describe(self.payload)}"
            )
        for fault in self.faults:
            value = fault.transform(value)
        self.value = value
        self.version += 1
        waiting, self._changed = self._changed, None
        if waiting is not None:
            waiting.succeed(value)

    def read(self, by: str) -> Any:
        """The current value, as read by ``by`` (recorded on the bus)."""
        if self.bus.phase in ("wiring", "setup"):
            raise WiringError(
                f"{by!r} read {self.name!r} during {self.bus.phase}, before the simulation "
                "started; read signals in processes"
            )
        self.bus.observed.add((by, self.name))
        return self.value

    def add_fault(self, fault: Fault) -> None:
        """Transform every later publish with ``fault`` (until removed)."""
        self.faults.append(fault)

    def remove_fault(self, fault: Fault) -> None:
        """Stop applying ``fault``."""
        self.faults.remove(fault)


class SignalBus:
    """All signals of one ecosystem: the declared graph and the reads actually made."""

    def __init__(self, env: simpy.Environment):
        self.env = env
        self.phase: Phase = "wiring"
        self.signals: dict[str, Signal] = {}
        self.reads: list[Read] = []
        self.faults: list[tuple[str, str]] = []  # (injector, signal) declared fault targets
        self.observed: set[tuple[str, str]] = set()
        self.locations: dict[str, str] = {}  # component name → its key path in the scenario

    def produce(self, name: str, producer: str, payload: Contract | None = None) -> Signal:
        """Declare that ``producer`` publishes ``name`` (values of ``payload``); return it."""
        if name in self.signals:
            other = self.signals[name].producer
            raise WiringError(f"signal {name!r} is produced by both {other!r} and {producer!r}")
        signal = Signal(self, name, producer, payload)
        self.signals[name] = signal
        return signal

    def declare_read(
        self,
        reader: str,
        name: str,
        declared: bool = True,
        audit: bool = False,
        expects: Contract | None = None,
    ) -> None:
        """Record that ``reader`` reads ``name`` (expecting values of ``expects``).

        ``declared=False`` models an undeclared read; ``audit=True`` marks an evaluation read of
        truth that is not part of the data-dependency graph.
        """
        self.reads.append(Read(reader, name, declared, audit, expects))

    def declare_fault(self, injector: str, name: str) -> None:
        """Record that ``injector`` may transform the values of signal ``name``."""
        self.faults.append((injector, name))

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
        """Every read names a produced signal whose contract meets the reader's expectation.

        Errors are located at the reader's key path (``systems.<name>.inputs``) when known.
        """
        for read in self.reads:
            where = self._inputs_of(read.reader)
            if read.signal not in self.signals:
                produced = ", ".join(sorted(self.signals)) or "none"
                raise WiringError(
                    f"reads signal {read.signal!r}{suggest(read.signal, self.signals)}, "
                    f"which no component produces; produced signals: {produced}",
                    path=where,
                )
            signal = self.signals[read.signal]
            produced_as, expected = signal.payload, read.expects
            if produced_as is None or expected is None or _meets(produced_as, expected):
                continue
            raise WiringError(
                f"{read.reader!r} expects {_describe(expected)} on {read.signal!r}, "
                f"but {signal.producer!r} publishes {_describe(produced_as)}",
                path=where,
            )
        for injector, name in self.faults:
            if name not in self.signals:
                raise WiringError(
                    f"targets signal {name!r}{suggest(name, self.signals)}, which no component "
                    f"produces; produced signals: {', '.join(sorted(self.signals))}",
                    path=self._key(injector, "signal"),
                )

    def _key(self, component: str, key: str) -> str | None:
        base = self.locations.get(component)
        return f"{base}.{key}" if base else None

    def _inputs_of(self, reader: str) -> str | None:
        return self._key(reader, "inputs")

    def readers_of(self, name: str) -> list[str]:
        """The components that declared a read of ``name``."""
        return [r.reader for r in self.reads if r.signal == name]

    def declared_edges(self) -> set[tuple[str, str]]:
        """(reader, signal) pairs declared by the readers."""
        return {(r.reader, r.signal) for r in self.reads if r.declared}

    def undeclared_reads(self) -> set[tuple[str, str]]:
        """Reads made during the run that no reader declared."""
        return self.observed - self.declared_edges()
