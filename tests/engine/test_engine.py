"""Engine: signals, lifecycle, recorder and name-keyed random streams."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.errors import WiringError
from sim.core.rng import RandomStreams, name_key, replicate_seed
from sim.engine.component import Component
from sim.engine.environment import Ecosystem, Environment
from sim.engine.recorder import METRIC_COLUMNS, Recorder


class Ticker(Component):
    """Publishes a counter every tick and records a random draw."""

    def declare(self, bus):
        self.out = bus.produce(f"{self.name}.count", self.name)

    def on_setup(self):
        self.env.recorder.declare(
            "draw", "final", "a random number", unit="value", bounds=(0.0, 1.0)
        )

    def processes(self):
        return (self.run,)

    def run(self):
        n = 0
        yield self.env.timeout(0)  # let every process of this instant start listening first
        while True:
            n += 1
            self.out.publish(n, by=self.name)
            self.env.recorder.record(self.env.now, self.name, "draw", self.rng.random())
            yield self.env.timeout(1.0)


class Listener(Component):
    """Reads another component's signal whenever it changes."""

    def __init__(self, name, source, declared=True):
        super().__init__(name, None)
        self.source, self.declared, self.seen = source, declared, []

    def declare(self, bus):
        if self.declared:
            bus.declare_read(self.name, self.source)

    def processes(self):
        return (self.run,)

    def run(self):
        signal = self.bus.get(self.source)
        while True:
            yield signal.changed()
            self.seen.append((self.env.now, signal.read(by=self.name), signal.version))


def test_signals_deliver_every_version_in_order():
    listener = Listener("listener", "ticker.count")
    Ecosystem([Ticker("ticker", None), listener], seed=1).run(5)
    assert [v for _, v, _ in listener.seen] == [1, 2, 3, 4, 5]  # every process listens at 0
    assert [ver for _, _, ver in listener.seen] == [1, 2, 3, 4, 5]
    assert [t for t, _, _ in listener.seen] == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_undeclared_reads_are_observed():
    declared = Listener("declared", "ticker.count")
    hidden = Listener("hidden", "ticker.count", declared=False)
    eco = Ecosystem([Ticker("ticker", None), declared, hidden], seed=1)
    eco.run(3)
    assert eco.env.signals.undeclared_reads() == {("hidden", "ticker.count")}


def test_only_the_producer_may_publish():
    env = Environment(0)
    signal = env.signals.produce("a.x", "a")
    with pytest.raises(WiringError, match="produced by 'a'"):
        signal.publish(1, by="b")


def test_two_producers_of_one_signal_is_a_wiring_error():
    env = Environment(0)
    env.signals.produce("a.x", "a")
    with pytest.raises(WiringError, match="produced by both"):
        env.signals.produce("a.x", "b")


def test_read_of_unknown_signal_suggests_a_name():
    eco = Ecosystem([Ticker("ticker", None), Listener("l", "ticker.cont")], seed=0)
    with pytest.raises(WiringError, match=r"did you mean 'ticker\.count'"):
        eco.wire()


def test_duplicate_component_names_are_rejected():
    with pytest.raises(WiringError, match="unique"):
        Ecosystem([Ticker("x", None), Ticker("x", None)], seed=0)


def test_streams_are_keyed_by_name_not_by_order():
    a = RandomStreams(replicate_seed(3, 0))
    b = RandomStreams(replicate_seed(3, 0))
    b.stream("other")  # created first in b, never in a
    assert a.stream("world").random() == b.stream("world").random()
    assert a.stream("world").random() != a.stream("ranker").random()


def test_replicates_get_independent_streams():
    x = RandomStreams(replicate_seed(3, 0)).stream("world").random(5)
    y = RandomStreams(replicate_seed(3, 1)).stream("world").random(5)
    assert not np.array_equal(x, y)


@given(st.text(min_size=1, max_size=30))
def test_name_key_is_stable_32_bit(name):
    assert name_key(name) == name_key(str(name))
    assert 0 <= name_key(name) < 2**32


def test_adding_a_component_changes_no_other_draws():
    alone = Ecosystem([Ticker("a", None)], seed=5).run(10).metrics()
    together = Ecosystem([Ticker("z", None), Ticker("a", None)], seed=5).run(10).metrics()
    mine = together[together.system == "a"].reset_index(drop=True)
    assert alone["value"].tolist() == mine["value"].tolist()


def test_recorder_builds_tidy_frames():
    rec = Recorder()
    rec.declare("m", "total", "a metric", unit="widgets", bounds=(0.0, None))
    assert rec.specs["m"].unit == "widgets" and rec.specs["m"].bounds == (0.0, None)
    rec.record(0, "s", "m", 1.5)
    rec.record_entities(1, "s", "m", ["a", "b"], [2.0, 3.0])
    rec.event(1, "s", "deploy", version=2)
    frame = rec.metrics()
    assert list(frame.columns) == METRIC_COLUMNS
    assert frame["value"].sum() == 6.5
    assert frame["entity"].tolist() == ["", "a", "b"]
    assert rec.events()["detail"].tolist() == ['{"version": 2}']
    with pytest.raises(KeyError):
        rec.record(0, "s", "undeclared", 1.0)
    with pytest.raises(ValueError):
        rec.declare("m", "final", "another meaning", unit="widgets")
    with pytest.raises(ValueError, match="without a unit"):
        rec.declare("n", "final", "no unit", unit="")
    with pytest.raises(ValueError, match="empty"):
        rec.declare("n", "final", "empty range", unit="widgets", bounds=(1.0, 0.0))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 30), st.floats(0.5, 3.0))
def test_time_is_monotone(horizon, tick):
    listener = Listener("l", "ticker.count")
    Ecosystem([Ticker("ticker", None), listener], seed=0, tick_days=tick).run(horizon)
    times = [t for t, _, _ in listener.seen]
    assert times == sorted(times)
    assert all(t < horizon for t in times)
