"""Versioned reads: releases kept by the producer, pinned / aliased / latest reads, retired-release
faults, per-day read events, access control, and the manifest's summary of what was read."""

from __future__ import annotations

import json

import pytest

from sim.core.errors import WiringError
from sim.engine.component import Component
from sim.engine.environment import Ecosystem
from sim.engine.signals import split_ref


class Releaser(Component):
    """Publishes ``a.x`` daily: release r's value is ``100 r + day``; a new release every
    ``every`` days; keeps ``keep`` releases; ``champion`` lags ``latest`` by ``lag`` releases."""

    def __init__(self, name, keep=2, every=2, lag=0, access="open"):
        super().__init__(name, None)
        self.keep, self.every, self.lag, self.access = keep, every, lag, access

    def declare(self, bus):
        self.out = bus.produce(f"{self.name}.x", self.name, int, self.keep, self.access)

    def processes(self):
        return (self.run,)

    def run(self):
        yield self.env.timeout(0)
        day = 0
        while True:
            newest = 1 + day // self.every
            kept = range(max(1, newest - self.keep + 1), newest + 1)
            champion = max(kept[0], newest - self.lag)
            values = {r: 100 * r + day for r in kept}
            self.out.publish_releases(values, by=self.name, aliases={"champion": champion})
            day += 1
            yield self.env.timeout(1.0)


class Reader(Component):
    def __init__(self, name, spec, declared=True):
        super().__init__(name, None)
        self.spec, self.declared, self.seen = spec, declared, []

    def declare(self, bus):
        if self.declared:
            bus.declare_read(self.name, self.spec)

    def processes(self):
        return (self.run,)

    def run(self):
        signal = self.bus.get(split_ref(self.spec)[0])
        while True:
            yield signal.changed()
            self.seen.append(self.bus.read(self.name, self.spec))


def test_split_ref():
    assert split_ref("a.x@3") == ("a.x", "3")
    assert split_ref("a.x@champion") == ("a.x", "champion")
    assert split_ref("a.x") == ("a.x", "latest")


def test_latest_champion_and_pinned_reads():
    latest, champion = Reader("l", "r.x"), Reader("c", "r.x@champion")
    pinned = Reader("p", "r.x@2")
    eco = Ecosystem([Releaser("r", keep=3, lag=1), latest, champion, pinned], seed=0)
    eco.run(6)
    # days 0..5; newest release 1,1,2,2,3,3; champion lags one release (floored at the oldest)
    assert latest.seen == [100, 101, 202, 203, 304, 305]
    assert champion.seen == [100, 101, 102, 103, 204, 205]
    # release 2 exists from day 2; before that the pinned read is a fault served the latest
    assert pinned.seen == [100, 101, 202, 203, 204, 205]
    events = eco.env.recorder.events()
    faults = events[(events.event == "fault") & (events.system == "p")]
    assert list(faults.day) == [0.0, 1.0]
    assert json.loads(faults.detail.iloc[0])["fault"] == "retired_release"


def test_reading_a_retired_release_is_a_recorded_fault_not_a_crash():
    pinned = Reader("p", "r.x@1")
    eco = Ecosystem([Releaser("r", keep=2, every=2), pinned], seed=0)
    eco.run(8)
    # release 1 is kept while the newest is 1 or 2 (days 0-3), retired from day 4 on
    assert pinned.seen[:4] == [100, 101, 102, 103]
    assert pinned.seen[4:] == [304, 305, 406, 407]  # served the latest instead
    events = eco.env.recorder.events()
    faults = events[events.event == "fault"]
    assert list(faults.day) == [4.0, 5.0, 6.0, 7.0]
    detail = json.loads(faults.detail.iloc[0])
    assert detail == {
        "fault": "retired_release",
        "kept": [2, 3],
        "ref": "1",
        "served": 3,
        "signal": "r.x",
    }


def test_each_reader_day_is_one_read_event_and_counted_for_the_manifest():
    reader = Reader("c", "r.x@champion")
    eco = Ecosystem([Releaser("r", keep=2, every=3), reader], seed=0)
    eco.run(6)
    events = eco.env.recorder.events()
    reads = events[events.event == "read"]
    assert len(reads) == 6
    assert [json.loads(d)["release"] for d in reads.detail] == [1, 1, 1, 2, 2, 2]
    assert eco.env.signals.release_reads() == [
        ("c", "r.x", "champion", 1, 3),
        ("c", "r.x", "champion", 2, 3),
    ]


def test_unversioned_signals_are_read_as_before_and_record_nothing():
    from tests.engine.test_engine import Listener, Ticker

    listener = Listener("listener", "ticker.count")
    eco = Ecosystem([Ticker("ticker", None), listener], seed=1)
    eco.run(3)
    assert eco.env.signals.release_reads() == []
    assert eco.env.recorder.events().empty


def test_pinning_an_unversioned_signal_is_a_wiring_error():
    from tests.engine.test_engine import Ticker

    with pytest.raises(WiringError, match="keeps no releases"):
        Ecosystem([Ticker("ticker", None), Reader("p", "ticker.count@2")], seed=0).wire()


def test_publishing_more_releases_than_kept_or_an_alias_to_nothing_is_refused():
    class Greedy(Releaser):
        def run(self):
            yield self.env.timeout(0)
            self.out.publish_releases({1: 1, 2: 2, 3: 3}, by=self.name)

    with pytest.raises(WiringError, match="keeps 1 to 2"):
        Ecosystem([Greedy("r", keep=2)], seed=0).run(1)

    class Dangling(Releaser):
        def run(self):
            yield self.env.timeout(0)
            self.out.publish_releases({1: 1}, by=self.name, aliases={"champion": 7})

    with pytest.raises(WiringError, match="alias 'champion'"):
        Ecosystem([Dangling("r")], seed=0).run(1)


def test_access_control_refuses_an_undeclared_read_at_wiring():
    hidden = Reader("b", "r.x", declared=False)
    eco = Ecosystem([Releaser("r", access="declared"), hidden], seed=0)
    eco.wire()  # the read was never declared, so wiring cannot see it ...
    with pytest.raises(WiringError, match="without declaring it"):
        eco.run(1)  # ... and the first read is refused

    class Marked(Reader):  # a read declared as undeclared (how scenarios model one)
        def declare(self, bus):
            bus.declare_read(self.name, self.spec, declared=False)

    with pytest.raises(WiringError, match="access control"):
        Ecosystem([Releaser("r", access="declared"), Marked("b", "r.x")], seed=0).wire()
    declared = Reader("b", "r.x")
    Ecosystem([Releaser("r", access="declared"), declared], seed=0).run(2)
    assert declared.seen == [100, 101]


def test_declared_consumers():
    eco = Ecosystem(
        [Releaser("r"), Reader("b", "r.x@champion"), Reader("c", "r.x", declared=False)], seed=0
    )
    eco.wire()
    assert eco.env.signals.declared_consumers("r.x") == ["b"]
