"""Engine overhead: debtsim's events per second against raw SimPy on the same schedule.

The schedule: one world and S systems. Every tick the world publishes a request; each system
wakes, answers on its own channel; the world waits for every answer, then sleeps one tick.
The raw version uses bare SimPy events; the debtsim version uses Components and Signals (with
read recording). Both run in this process; the ratio is what to read.

    python bench/engine_overhead.py [--systems 4] [--ticks 20000]
"""

from __future__ import annotations

import argparse
import time

import simpy

from sim.engine.component import Component
from sim.engine.environment import Ecosystem


def raw_simpy(systems: int, ticks: int) -> tuple[int, float]:
    env = simpy.Environment()
    state = {"request": env.event(), "answers": [env.event() for _ in range(systems)]}

    def world():
        yield env.timeout(0)
        for _ in range(ticks):
            answers = env.all_of(state["answers"])
            request, state["request"] = state["request"], env.event()
            request.succeed(env.now)
            yield answers
            state["answers"] = [env.event() for _ in range(systems)]
            yield env.timeout(1.0)

    def system(i: int):
        while True:
            value = yield state["request"]
            state["answers"][i].succeed(value)

    env.process(world())
    for i in range(systems):
        env.process(system(i))
    return _drive(env, ticks + 1)


class _World(Component):
    def __init__(self, name: str, ticks: int, servers: list[str]):
        super().__init__(name, None)
        self.ticks, self.servers = ticks, servers

    def declare(self, bus):
        self.out = bus.produce(f"{self.name}.requests", self.name)
        for s in self.servers:
            bus.declare_read(self.name, f"{s}.answers")
        self.bus = bus

    def start(self):
        self.env.process(self.run())

    def run(self):
        answers = [self.bus.get(f"{s}.answers") for s in self.servers]
        yield self.env.timeout(0)
        for _ in range(self.ticks):
            waiting = self.env.all_of([a.changed() for a in answers])
            self.out.publish(self.env.now, by=self.name)
            yield waiting
            for a in answers:
                a.read(by=self.name)
            yield self.env.timeout(1.0)


class _System(Component):
    def declare(self, bus):
        self.requests = bus.get("world.requests")
        self.out = bus.produce(f"{self.name}.answers", self.name)
        bus.declare_read(self.name, "world.requests")

    def start(self):
        self.env.process(self.run())

    def run(self):
        while True:
            yield self.requests.changed()
            self.out.publish(self.requests.read(by=self.name), by=self.name)


def debtsim_engine(systems: int, ticks: int) -> tuple[int, float]:
    names = [f"s{i}" for i in range(systems)]
    world = _World("world", ticks, names)
    ecosystem = Ecosystem([world, *(_System(n, None) for n in names)], seed=0)
    ecosystem.wire()
    for c in ecosystem.components:
        c.setup(ecosystem.env)
    for c in ecosystem.components:
        c.start()
    return _drive(ecosystem.env, ticks + 1)


def _drive(env: simpy.Environment, until: float) -> tuple[int, float]:
    events = 0
    started = time.perf_counter()
    try:
        while env.peek() < until:
            env.step()
            events += 1
    except simpy.core.EmptySchedule:
        pass
    return events, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=4)
    parser.add_argument("--ticks", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    best_raw = best_sim = 0.0
    for _ in range(args.repeats):
        n_raw, t_raw = raw_simpy(args.systems, args.ticks)
        n_sim, t_sim = debtsim_engine(args.systems, args.ticks)
        best_raw = max(best_raw, n_raw / t_raw)
        best_sim = max(best_sim, n_sim / t_sim)
    print(f"schedule: 1 world + {args.systems} systems × {args.ticks} ticks")
    print(f"raw SimPy : {n_raw:>9,d} events, {best_raw:>12,.0f} events/s (best of {args.repeats})")
    print(f"debtsim   : {n_sim:>9,d} events, {best_sim:>12,.0f} events/s (best of {args.repeats})")
    print(f"ratio debtsim/raw events per second: {best_sim / best_raw:.2f}")


if __name__ == "__main__":
    main()
