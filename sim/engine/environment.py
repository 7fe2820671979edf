"""The simulation environment and the ecosystem that runs components through their lifecycle."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import simpy
from simpy.core import URGENT

from sim.core.errors import WiringError
from sim.core.rng import RandomStreams
from sim.engine.component import Component
from sim.engine.recorder import Recorder
from sim.engine.signals import SignalBus
from sim.engine.wiring import Needs, Wiring, key_path, validate_wiring

__all__ = ["Ecosystem", "Environment"]


class Environment(simpy.Environment):
    """A SimPy environment (time in days) with random streams, a signal bus and a recorder."""

    def __init__(self, seed: np.random.SeedSequence | int, tick_days: float = 1.0):
        super().__init__(initial_time=0.0)
        self.tick_days = tick_days
        self.streams = RandomStreams(seed)
        self.signals = SignalBus(self)
        self.recorder = Recorder()

    def urgent_timeout(self, delay: float) -> simpy.Event:
        """A timeout that fires before every ordinary event of its instant (start of day)."""
        event = self.event()
        event._ok = True
        event._value = None
        self.schedule(event, URGENT, delay)
        return event


class Ecosystem:
    """One world, its ML systems, monitors and injectors on one clock."""

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
        self.validated_for: float | None = None  # the horizon the wiring was validated for
        self.set_up_done = False

    def wire(self) -> None:
        """Declare every component's signals; check every read's producer and contract."""
        if self.wired:
            return
        self.wired = True
        bus = self.env.signals
        bus.locations = {c.name: key_path(c) for c in self.components}
        for component in self.components:
            component.bind(bus)
        bus.check()

    def validate(self, horizon_days: float) -> None:
        """Wire, then let every component check its parameters against its wiring and the clock
        (``validate_wiring``); a failure is a ConfigError located in the scenario."""
        self.wire()
        if self.validated_for == horizon_days:
            return
        validate_wiring(self.components, self.env.signals, horizon_days, self.env.tick_days)
        self.validated_for = horizon_days

    def needs(self, horizon_days: float) -> Needs:
        """What one run up to ``horizon_days`` needs (validated first): the sum of every
        component's ``resource_needs``."""
        self.validate(horizon_days)
        wiring = Wiring(
            {c.name: c for c in self.components}, self.env.signals, horizon_days, self.env.tick_days
        )
        total = Needs()
        for component in self.components:
            total = total + component.resource_needs(wiring)
        return total

    def set_up(self) -> None:
        """Wire, then set every component up (initial state drawn, initial values published)."""
        if self.set_up_done:
            return
        self.wire()
        bus = self.env.signals
        bus.phase = "setup"
        for component in self.components:
            component.setup(self.env)
        self.set_up_done = True

    def run(self, horizon_days: float) -> Recorder:
        """Run the full lifecycle up to ``horizon_days``; return the recorder."""
        self.validate(horizon_days)
        self.set_up()
        bus = self.env.signals
        bus.phase = "starting"
        for component in self.components:
            component.start()
        # Fires after every process's first step: from then on every process is listening.
        listening = self.env.event()
        listening.callbacks.append(lambda _: setattr(bus, "phase", "running"))
        listening._ok, listening._value = True, None
        self.env.schedule(listening, URGENT, 0)
        self.env.run(until=horizon_days)
        bus.phase = "finished"
        for component in self.components:
            component.finish()
        return self.env.recorder
