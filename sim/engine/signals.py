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

Versioned reads (releases): a producer may keep the last ``keep_releases`` releases of a signal
(the model versions behind a score) and publish each kept release's value at once
(:meth:`Signal.publish_releases`), moving aliases such as ``champion``. A consumer reads
``a.scores@3`` (pinned), ``a.scores@champion`` or ``a.scores`` (= ``@latest``: for an
unversioned signal the value last published, as every read before releases). A read of a
retired release serves the latest and records a fault; what each reader read is recorded
(:mod:`sim.engine.releases`).

Access control: a producer may declare ``access="declared"``: a read of the signal that the
reader did not declare is then refused at wiring (and at run time), as a feature store refuses
an unregistered consumer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import simpy

from sim.core.errors import WiringError
from sim.core.params import suggest
from sim.engine.releases import LATEST, ReleaseLog, release_read_problem, split_ref

if TYPE_CHECKING:
    from sim.engine.environment import Environment

__all__ = [
    "LATEST",
    "Access",
    "Contract",
    "Fault",
    "PerSystem",
    "Phase",
    "Read",
    "Signal",
    "SignalBus",
    "split_ref",
]

Phase = Literal["wiring", "setup", "starting", "running", "finished"]
Access = Literal["open", "declared"]


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
    ref: str = LATEST  # a release number, an alias (``champion``) or ``latest``


@dataclass(frozen=True)
class Fault:
    """A transform an injector applies to every value published on a signal."""

    injector: str
    transform: Callable[[Any], Any]


class Signal:
    """One channel. Only its producer may publish; every read is recorded on the bus."""

    def __init__(
        self,
        bus: SignalBus,
        name: str,
        producer: str,
        payload: Contract | None,
        keep_releases: int = 0,
        access: Access = "open",
    ):
        self.bus = bus
        self.name = name
        self.producer = producer
        self.payload = payload
        self.keep_releases = keep_releases  # 0: unversioned
        self.access = access
        self.version = 0  # publishes so far (a processes' change counter, not a release)
        self.value: Any = None
        self.releases: dict[int, Any] = {}  # release → its value at the last publish
        self.aliases: dict[str, int] = {}  # alias → release (``champion``)
        self.faults: list[Fault] = []
        self._changed: simpy.Event | None = None

    def changed(self) -> simpy.Event:
        """An event that succeeds, with the new value, at the next publish."""
        if self._changed is None:
            self._changed = self.bus.env.event()
        return self._changed

    def publish(self, value: Any, by: str) -> None:
        """Publish ``value`` as the next version; ``by`` must be the declared producer."""
        if self.keep_releases:
            raise WiringError(
                f"{by!r} published {self.name!r} without releases; a versioned signal is "
                "published with publish_releases()"
            )
        self._check_publish(value, by)
        self._deliver(self._transform(value))

    def publish_releases(
        self, values: Mapping[int, Any], by: str, aliases: Mapping[str, int] | None = None
    ) -> None:
        """Publish the value of each kept release (release → value) and move ``aliases``.

        The newest release is ``latest``; ``champion`` is the newest release unless the owner
        sets it. At most ``keep_releases`` releases may be published; an alias must name one.
        """
        if not self.keep_releases:
            raise WiringError(
                f"{by!r} published releases of {self.name!r}, which was produced without "
                "keep_releases"
            )
        if not values or len(values) > self.keep_releases:
            raise WiringError(
                f"{by!r} published {len(values)} releases of {self.name!r}, which keeps "
                f"1 to {self.keep_releases}"
            )
        for value in values.values():
            self._check_publish(value, by)
        moved = {"champion": max(values), **(aliases or {})}
        for alias, release in moved.items():
            if release not in values:
                raise WiringError(
                    f"{by!r} pointed alias {alias!r} of {self.name!r} at release {release}, "
                    f"which it does not publish (published: {sorted(values)})"
                )
        self.releases = {r: self._transform(v) for r, v in sorted(values.items())}
        self.aliases = moved
        self._deliver(self.releases[max(values)])

    @property
    def latest_release(self) -> int:
        """The newest release published (0: none, or an unversioned signal)."""
        return max(self.releases, default=0)

    def resolve(self, ref: str) -> int:
        """The release ``ref`` names now (``latest``, an alias or a number; 0: none)."""
        if ref == LATEST:
            return self.latest_release
        if ref.isdigit():
            return int(ref)
        return self.aliases.get(ref, 0)

    def _check_publish(self, value: Any, by: str) -> None:
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

    def _transform(self, value: Any) -> Any:
        for fault in self.faults:
            value = fault.transform(value)
        return value

    def _deliver(self, value: Any) -> None:
        self.value = value
        self.version += 1
        waiting, self._changed = self._changed, None
        if waiting is not None:
            waiting.succeed(value)

    def read(self, by: str, ref: str = LATEST) -> Any:
        """The value of release ``ref`` (default: the latest), as read by ``by`` (recorded).

        A release the producer no longer keeps (or an alias it never set) is a fault: a
        ``fault`` event is recorded and the latest release is served.
        """
        self._check_read(by)
        if not self.keep_releases:
            return self.value
        release, now = self.served_release(ref), float(self.bus.env.now)
        if release != self.resolve(ref):
            self.bus.release_log.fault(now, by, self.name, ref, release, sorted(self.releases))
        self.bus.release_log.note(now, by, self.name, ref, release)
        return self.releases.get(release, self.value)

    def read_releases(self, by: str) -> dict[int, Any]:
        """Every kept release's value (release → value), as read by ``by`` (recorded with the
        ref ``all``)."""
        self._check_read(by)
        self.bus.release_log.note(
            float(self.bus.env.now), by, self.name, "all", self.latest_release
        )
        return dict(self.releases)

    def served_release(self, ref: str) -> int:
        """The release a read of ``ref`` is served: the one it names if kept, else the latest."""
        release = self.resolve(ref)
        return release if release in self.releases else self.latest_release

    def _check_read(self, by: str) -> None:
        if self.bus.phase in ("wiring", "setup"):
            raise WiringError(
                f"{by!r} read {self.name!r} during {self.bus.phase}, before the simulation "
                "started; read signals in processes"
            )
        if self.access == "declared" and (by, self.name) not in self.bus.declared_edges():
            raise WiringError(
                f"{by!r} read {self.name!r} without declaring it; {self.producer!r} serves "
                "declared consumers only"
            )
        self.bus.observed.add((by, self.name))

    def add_fault(self, fault: Fault) -> None:
        """Transform every later publish with ``fault`` (until removed)."""
        self.faults.append(fault)

    def remove_fault(self, fault: Fault) -> None:
        """Stop applying ``fault``."""
        self.faults.remove(fault)


class SignalBus:
    """All signals of one ecosystem: the declared graph and the reads actually made."""

    def __init__(self, env: Environment):
        self.env = env
        self.phase: Phase = "wiring"
        self.signals: dict[str, Signal] = {}
        self.reads: list[Read] = []
        self.faults: list[tuple[str, str]] = []  # (injector, signal) declared fault targets
        self.observed: set[tuple[str, str]] = set()
        self.locations: dict[str, str] = {}  # component name → its key path in the scenario
        self._release_log: ReleaseLog | None = None
        self._declared: set[tuple[str, str]] | None = None

    def produce(
        self,
        name: str,
        producer: str,
        payload: Contract | None = None,
        keep_releases: int = 0,
        access: Access = "open",
    ) -> Signal:
        """Declare that ``producer`` publishes ``name`` (values of ``payload``); return it.

        ``keep_releases > 0`` makes it a versioned signal keeping that many releases;
        ``access="declared"`` refuses readers that did not declare the read.
        """
        if name in self.signals:
            other = self.signals[name].producer
            raise WiringError(f"signal {name!r} is produced by both {other!r} and {producer!r}")
        if keep_releases < 0:
            raise WiringError(f"signal {name!r}: keep_releases must be ≥ 0, not {keep_releases}")
        signal = Signal(self, name, producer, payload, keep_releases, access)
        self.signals[name] = signal
        return signal

    def read(self, reader: str, spec: str) -> Any:
        """``reader`` reads ``spec`` (``name``, ``name@3``, ``name@champion``)."""
        name, ref = split_ref(spec)
        return self.get(name).read(by=reader, ref=ref)

    def release_reads(self) -> list[tuple[str, str, str, int, int]]:
        """(reader, signal, ref, release, days) for every versioned read made, sorted."""
        return self.release_log.summary() if self._release_log else []

    @property
    def release_log(self) -> ReleaseLog:
        """The record of versioned reads (made on the first one)."""
        if self._release_log is None:
            self._release_log = ReleaseLog(self.env.recorder)
        return self._release_log

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
        truth that is not part of the data-dependency graph. ``name`` may carry a release
        (``a.scores@3``, ``a.scores@champion``).
        """
        signal, ref = split_ref(name)
        self.reads.append(Read(reader, signal, declared, audit, expects, ref))
        self._declared = None

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
            self._check_release(read, signal, where)
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

    def _check_release(self, read: Read, signal: Signal, where: str | None) -> None:
        problem = release_read_problem(
            read.reader,
            read.signal,
            read.ref,
            read.declared,
            signal.producer,
            signal.keep_releases,
            signal.access,
        )
        if problem:
            raise WiringError(problem, path=where)

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
        if self._declared is None:
            self._declared = {(r.reader, r.signal) for r in self.reads if r.declared}
        return self._declared

    def declared_consumers(self, name: str) -> list[str]:
        """The components that declared a (non-audit) read of ``name``, sorted."""
        return sorted(
            {r.reader for r in self.reads if r.signal == name and r.declared and not r.audit}
        )

    def undeclared_reads(self) -> set[tuple[str, str]]:
        """Reads made during the run that no reader declared."""
        return self.observed - self.declared_edges()
