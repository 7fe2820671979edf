"""Components and their fixed lifecycle.

1. ``__init__(name, params, owner)`` wires: it stores validated parameters and draws nothing.
2. ``declare(bus)`` declares the signals the component produces and reads.
3. ``setup(env)`` binds the environment and the component's own random stream (the only
   place, besides processes, where draws happen) and builds initial state.
4. ``start()`` starts the component's SimPy processes.
5. ``finish()`` runs once at the horizon (final metrics).

Components talk only through signals, never by calling each other.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import simpy

from sim.core.params import from_mapping

if TYPE_CHECKING:
    from sim.engine.environment import Environment
    from sim.engine.signals import SignalBus

__all__ = ["Component", "Process"]

Process = Generator[simpy.Event, Any, None]


class Component:
    """Base class of worlds, ML systems, monitors and injectors."""

    kind: ClassVar[str] = "component"
    Params: ClassVar[type]

    def __init__(self, name: str, params: Any, owner: str = ""):
        self.name = name
        self.params = params
        self.owner = owner
        self._env: Environment | None = None
        self._rng: np.random.Generator | None = None

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

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> Any:
        """Validate this component's table from a scenario file into its ``Params``."""
        return from_mapping(cls.Params, raw, path, ignore=("kind", "owner"))

    def declare(self, bus: SignalBus) -> None:
        """Declare produced and read signals. Override and call ``bus.produce`` etc."""

    def setup(self, env: Environment) -> None:
        """Bind the environment and random stream. Overrides call ``super().setup(env)`` first."""
        self._env = env
        self._rng = env.streams.stream(self.name)

    def start(self) -> None:
        """Start processes. Override to call ``self.env.process(...)``."""

    def finish(self) -> None:
        """Run once at the horizon."""
