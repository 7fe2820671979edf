"""Every catalogue scenario's ``[quick]`` preset is declared, validates, is smaller than the
default run and runs; each scenario's own test module checks (slow) that it shows the debt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sim
from sim.scenario.loader import catalogue
from sim.scenario.resolve import load_scenario

NAMES = sorted(catalogue())
HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("name", NAMES)
def test_every_scenario_tests_that_its_quick_preset_shows_the_debt(name: str) -> None:
    module = HERE / f"test_{name}.py"
    assert module.is_file(), f"{name} has no test module {module.name}"
    tree = ast.parse(module.read_text(encoding="utf-8"))
    tests = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert "test_the_quick_preset_shows_the_debt" in tests, f"{module.name} lacks the quick check"


@pytest.mark.parametrize("name", NAMES)
def test_the_preset_is_declared_smaller_and_runs(name: str) -> None:
    default = load_scenario(name)
    quick = load_scenario(name, quick=True)
    assert default.quick.declared and quick.quick_applied
    assert quick.meta.replicates <= default.meta.replicates
    assert quick.meta.horizon_days <= default.meta.horizon_days
    work = quick.meta.replicates * quick.meta.horizon_days
    assert work < default.meta.replicates * default.meta.horizon_days
    baseline = [quick.meta.baseline]  # its settings, one replicate of two days
    result = sim.run(name, quick=True, reps=1, horizon_days=2, variants=baseline)
    assert result.manifest["quick"] is True
    assert set(result.metrics.variant) == set(baseline)
