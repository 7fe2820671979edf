"""The simulation environment and the ecosystem that runs components through their lifecycle."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import simpy

from sim.core.errors import WiringError
from sim.core.rng import RandomStreams
from sim.engine.component import Component
from sim.engine.recorder import Recorder
from sim.engine.signals import SignalBus

__all__ = ["Ecosystem", "Environment"]


class Environment(simpy.Environment):
    """A SimPy environment (time in days) with random streams, a signal bus and a recorder."""

    def __init__(self, seed: np.random.SeedSequence | int, tick_days: float = 1.0):
        super().__init__(initial_time=0.0)
        self.tick_days = tick_days
        self.streams = RandomStreams(seed)
        self.signals = SignalBus(self)
        self.recorder = Recorder()


class Ecosystem:
    """One world, its ML systems and other components on one clock."""

    def __init__(
        self,
        components: Sequence[Component],
        seed: np.random.SeedSequence | int,
        tick_days: float = 1.0,
    ):
        names = [c.name for c in components]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise WiringError(f"component names must be unique; repeated: {', '.join(duplicates)}")
        self.components = list(components)
        self.env = Environment(seed, tick_days)
        self.wired = False

    def wire(self) -> None:
        """Declare every component's signals and check that every read has a producer."""
        if self.wired:
            return
        self.wired = True
        for component in self.components:
            component.declare(self.env.signals)
        self.env.signals.check()

    def run(self, horizon_days: float) -> Recorder:
        """Run the full lifecycle up to ``horizon_days``; return the recorder."""
        self.wire()
        for component in self.components:
            component.setup(self.env)
        for component in self.components:
            component.start()
        self.env.run(until=horizon_days)
        for component in self.components:
            component.finish()
        return self.env.recorder
