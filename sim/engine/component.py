"""Components and their fixed lifecycle (in the manner of desmod).

1. ``__init__(name, params, owner)`` wires: it stores validated parameters and draws nothing.
2. ``declare(bus)`` (a hook) declares the signals the component produces and reads, with their
   payload contracts. No value flows during wiring.
3. ``validate_wiring(wiring)`` (a hook) checks the parameters together with what the component
   is wired to (other components' parameters, the signals, the run's horizon and tick), before
   anything is set up: a bad cross-reference, length or size is a located ``ConfigError``.
4. ``setup(env)`` (final) binds the environment and the component's own random stream, then
   calls the ``on_setup()`` hook, which draws initial state, declares metrics and may publish
   initial values. Reading a signal here is an error: values are read by processes.
5. ``start()`` (final) starts every process the ``processes()`` hook registers.
6. ``finish()`` (a hook) runs once at the horizon (final metrics).

``setup`` and ``start`` cannot be overridden: a subclass that defines them fails at class
creation. Components talk only through signals, never by calling each other.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, final

import numpy as np
import simpy

from sim.core.params import from_mapping
from sim.engine.wiring import Needs

if TYPE_CHECKING:
    from sim.engine.environment import Environment
    from sim.engine.signals import SignalBus
    from sim.engine.wiring import Wiring

__all__ = ["FINAL_METHODS", "Component", "Process", "ProcessFactory"]

Process = Generator[simpy.Event, Any, None]
ProcessFactory = Callable[[], Process]

FINAL_METHODS = {"bind": "declare()", "setup": "on_setup()", "start": "processes()"}


class Component:
    """Base class of worlds, ML systems, monitors and injectors."""

    kind: ClassVar[str] = "component"
    section: ClassVar[str] = ""  # the scenario section it is configured in
    Params: ClassVar[type]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, hook in FINAL_METHODS.items():
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides {name}(), which is final in the component "
                    f"lifecycle; implement the {hook} hook instead"
                )

    def __init__(self, name: str, params: Any, owner: str = ""):
        self.name = name
        self.params = params
        self.owner = owner
        self._env: Environment | None = None
        self._rng: np.random.Generator | None = None
        self._bus: SignalBus | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    @property
    def env(self) -> Environment:
        """The environment, available from :meth:`setup` on."""
        if self._env is None:
            raise RuntimeError(f"{self!r} used before setup()")
        return self._env

    @property
    def rng(self) -> np.random.Generator:
        """This component's own random stream, keyed by its name."""
        if self._rng is None:
            raise RuntimeError(f"{self!r} drew random numbers before setup()")
        return self._rng

    @property
    def bus(self) -> SignalBus:
        """The signal bus this component was declared on."""
        if self._bus is None:
            raise RuntimeError(f"{self!r} used the signal bus before declare()")
        return self._bus

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> Any:
        """Validate this component's table from a scenario file into its ``Params``."""
        return from_mapping(cls.Params, raw, path, ignore=("kind", "owner"))

    # -- hooks ---------------------------------------------------------------------------
    def declare(self, bus: SignalBus) -> None:
        """Declare produced and read signals (``bus.produce``, ``bus.declare_read``)."""

    def validate_wiring(self, wiring: Wiring) -> None:
        """Refuse parameters that do not fit what this component is wired to (after wiring,
        before set-up): raise a ``ConfigError`` whose ``path`` is relative to this component's
        table, e.g. ``features[1]``. The default accepts everything."""

    def resource_needs(self, wiring: Wiring) -> Needs:
        """What one run of this component needs (memory of its state, events, rows recorded),
        estimated from its parameters and the run's clock; lifecycle bases add their loops and a
        component its populations (``super().resource_needs(wiring) + Needs.arrays(...)``)."""
        return Needs()

    def on_setup(self) -> None:
        """Draw initial state from ``self.rng``, declare metrics, publish initial values."""

    def processes(self) -> Iterable[ProcessFactory]:
        """The generator functions to run as SimPy processes from the start."""
        return ()

    def finish(self) -> None:
        """Run once at the horizon."""

    def setup_lifecycle(self) -> None:
        """Set-up of a lifecycle base class (world, ML system, monitor), before ``on_setup``."""

    # -- the fixed lifecycle ----------------------------------------------------------------
    @final
    def bind(self, bus: SignalBus) -> None:
        """Remember the bus and call the ``declare`` hook (wiring)."""
        self._bus = bus
        self.declare(bus)

    @final
    def setup(self, env: Environment) -> None:
        """Bind the environment and this component's random stream; call ``on_setup``."""
        self._env = env
        self._bus = env.signals
        self._rng = env.streams.stream(self.name)
        self.setup_lifecycle()
        self.on_setup()

    @final
    def start(self) -> None:
        """Start every registered process."""
        for factory in self.processes():
            self.env.process(factory())
