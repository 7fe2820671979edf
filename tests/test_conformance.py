"""Every registered component passes the conformance checks (``sim.testing``), in a catalogue
scenario that uses it (or, for generic kinds no scenario uses yet, a small example here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from sim.components.registry import sections
from sim.scenario.loader import catalogue
from sim.scenario.resolve import load_scenario
from sim.testing import ConformanceError, check_component


def _kinds_of(config: Mapping[str, Any]) -> set[tuple[str, str]]:
    found = {("world", config["world"]["kind"])}
    for section in ("systems", "monitors", "injectors"):
        for table in config.get(section, {}).values():
            found.add((section, table.get("kind", "recommender" if section == "systems" else "")))
    return found


def _examples() -> dict[tuple[str, str], Mapping[str, Any]]:
    """The first catalogue configuration (scenario, variant) that uses each kind."""
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for name in sorted(catalogue()):
        scenario = load_scenario(name)
        for config in scenario.configs.values():
            for key in _kinds_of(config):
                found.setdefault(key, config)
    flagship = load_scenario("direct_feedback_loop", variants=["greedy"]).configs["greedy"]
    bug = {"kind": "scale_fault", "signal": "ranker.estimates", "factor": 2.0, "at_days": [2.0]}
    found.setdefault(("injectors", "scale_fault"), {**flagship, "injectors": {"bug": bug}})
    return found


EXAMPLES = _examples()
REGISTERED = sorted(
    ((section, kind, cls) for section, kinds in sections().items() for kind, cls in kinds.items()),
    key=lambda t: (t[0], t[1]),
)


@pytest.mark.parametrize(("section", "kind", "cls"), REGISTERED, ids=lambda v: str(v))
def test_every_registered_component_conforms(section, kind, cls) -> None:
    assert (section, kind) in EXAMPLES, f"no scenario or example uses {section} kind {kind!r}"
    check_component(cls, EXAMPLES[(section, kind)], horizon_days=5.0)


def test_the_checker_catches_a_component_that_breaks_a_rule(monkeypatch) -> None:
    from sim.components.recsys.recommender import Recommender

    config = load_scenario("direct_feedback_loop", variants=["greedy"]).configs["greedy"]
    original = Recommender.on_outcomes

    def record_nan(self):
        original(self)
        self.env.recorder.record(self.env.now, self.name, "estimate_error", float("nan"))

    monkeypatch.setattr(Recommender, "on_outcomes", record_nan)
    with pytest.raises(ConformanceError, match="non-finite"):
        check_component(Recommender, config, horizon_days=3.0)


def test_the_checker_catches_an_undeclared_read(monkeypatch) -> None:
    from sim.components.recsys.recommender import Recommender

    config = load_scenario("direct_feedback_loop", variants=["greedy"]).configs["greedy"]
    original = Recommender.on_outcomes

    def peek(self):
        original(self)
        self.bus.get("world.requests")  # declared: fine
        self.bus.get(f"{self.name}.deploys").read(by=self.name)  # its own output: undeclared

    monkeypatch.setattr(Recommender, "on_outcomes", peek)
    with pytest.raises(ConformanceError, match="without declaring the read"):
        check_component(Recommender, config, horizon_days=3.0)


def test_the_checker_runs_the_wiring_check_and_catches_a_refusal(monkeypatch) -> None:
    from sim.components.recsys.recommender import Recommender
    from sim.core.errors import ConfigError

    config = load_scenario("direct_feedback_loop", variants=["greedy"]).configs["greedy"]

    def refuse(self, wiring):
        raise ConfigError("refused", path="policy")

    monkeypatch.setattr(Recommender, "validate_wiring", refuse)
    with pytest.raises(ConformanceError, match=r"refused a configuration: systems\.\w+\.policy"):
        check_component(Recommender, config, horizon_days=3.0)


def test_the_checker_catches_a_wiring_check_that_draws(monkeypatch) -> None:
    from sim.components.recsys.recommender import Recommender

    config = load_scenario("direct_feedback_loop", variants=["greedy"]).configs["greedy"]
    monkeypatch.setattr(Recommender, "validate_wiring", lambda self, wiring: self.rng.random())
    with pytest.raises(ConformanceError, match="before set-up"):
        check_component(Recommender, config, horizon_days=3.0)
