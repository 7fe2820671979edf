"""The fixed component lifecycle, signal phases, typed contracts and faults."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from sim.core.errors import WiringError
from sim.engine.component import Component
from sim.engine.environment import Ecosystem
from sim.engine.signals import Fault, PerSystem


@dataclass(frozen=True)
class Reading:
    value: float


@dataclass(frozen=True)
class Other:
    value: float


class Producer(Component):
    """Publishes a Reading (or, if told, something else) every day."""

    section = "systems"

    def __init__(self, name, contract=Reading, publish=Reading, in_declare=False):
        super().__init__(name, None)
        self.contract, self.make, self.in_declare = contract, publish, in_declare

    def declare(self, bus):
        self.out = bus.produce(f"{self.name}.out", self.name, self.contract)
        if self.in_declare:
            self.out.publish(self.make(0.0), by=self.name)

    def processes(self):
        return (self.run,)

    def run(self):
        yield self.env.timeout(0)  # let every process of this instant start listening first
        while True:
            self.out.publish(self.make(self.env.now), by=self.name)
            yield self.env.timeout(1)


class Consumer(Component):
    section = "systems"

    def __init__(self, name, source, expects=Reading, read_in_setup=False):
        super().__init__(name, None)
        self.source, self.expects, self.read_in_setup = source, expects, read_in_setup
        self.seen = []

    def declare(self, bus):
        bus.declare_read(self.name, self.source, expects=self.expects)

    def on_setup(self):
        if self.read_in_setup:
            self.bus.get(self.source).read(by=self.name)

    def processes(self):
        return (self.run,)

    def run(self):
        signal = self.bus.get(self.source)
        while True:
            yield signal.changed()
            self.seen.append(signal.read(by=self.name).value)


@pytest.mark.parametrize("method", ["setup", "start", "bind"])
def test_the_lifecycle_methods_are_final(method):
    with pytest.raises(TypeError, match=f"overrides {method}"):
        type("Bad", (Component,), {method: lambda self, *a: None})


def test_a_contract_mismatch_is_a_located_wiring_error():
    eco = Ecosystem([Producer("p"), Consumer("c", "p.out", expects=Other)], seed=0)
    with pytest.raises(WiringError, match=r"expects Other on 'p.out'.*publishes Reading") as err:
        eco.wire()
    assert err.value.path == "systems.c.inputs"


def test_per_system_contracts_must_match_in_shape():
    eco = Ecosystem([Producer("p"), Consumer("c", "p.out", expects=PerSystem(Reading))], seed=0)
    with pytest.raises(WiringError, match=r"expects dict\[str, Reading\]"):
        eco.wire()


def test_a_publish_outside_the_contract_is_refused():
    eco = Ecosystem([Producer("p", publish=Other), Consumer("c", "p.out")], seed=0)
    expected = r"published Other on 'p\.out', whose contract is Reading"
    with pytest.raises(WiringError, match=expected):
        eco.run(2)


def test_reading_before_the_simulation_starts_is_an_error():
    eco = Ecosystem([Producer("p"), Consumer("c", "p.out", read_in_setup=True)], seed=0)
    with pytest.raises(WiringError, match=r"read 'p\.out' during setup"):
        eco.run(2)


def test_no_value_flows_while_wiring():
    eco = Ecosystem([Producer("p", in_declare=True)], seed=0)
    with pytest.raises(WiringError, match="while wiring"):
        eco.wire()


def test_the_order_of_components_does_not_matter():
    a = Consumer("c", "p.out")
    Ecosystem([a, Producer("p")], seed=0).run(4)
    b = Consumer("c", "p.out")
    Ecosystem([Producer("p"), b], seed=0).run(4)
    assert a.seen == b.seen == [0.0, 1.0, 2.0, 3.0]


class Eager(Producer):
    def run(self):
        self.out.publish(Reading(0.0), by=self.name)  # before every process listens
        yield self.env.timeout(1)


def test_publishing_before_every_process_listens_is_an_error():
    with pytest.raises(WiringError, match="before every process was listening"):
        Ecosystem([Eager("p"), Consumer("c", "p.out")], seed=0).run(2)


def test_a_fault_transforms_later_publishes_until_removed():
    consumer = Consumer("c", "p.out")
    eco = Ecosystem([Producer("p"), consumer], seed=0)
    eco.wire()
    signal = eco.env.signals.get("p.out")
    fault = Fault("bug", lambda r: Reading(r.value * 10))
    signal.add_fault(fault)
    eco.run(3)
    assert consumer.seen == [0.0, 10.0, 20.0]
    signal.remove_fault(fault)
    assert np.isclose(signal.faults.__len__(), 0)
