"""bench/scenario_profile.py: its layers and its split of a real run's time."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "scenario_profile.py"


@pytest.fixture(scope="module")
def profile():
    spec = importlib.util.spec_from_file_location("scenario_profile", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_files_map_to_their_layer(profile):
    assert profile.layer_of("/x/sim/learn/policies.py") == "learning (models, policies)"
    assert profile.layer_of("/x/sim/engine/recorder.py") == "recording metrics"
    assert profile.layer_of("/x/site-packages/simpy/core.py") == "engine (SimPy, signals)"
    assert profile.layer_of("/x/sim/components/base/system.py") == "lifecycle (base classes)"
    assert profile.layer_of("/x/sim/components/lending/world.py") == "worlds & systems (families)"
    assert profile.layer_of("/x/site-packages/numpy/core/fromnumeric.py") is None


def test_a_profiled_scenario_reports_its_time_split_over_layers(profile):
    lines = list(profile.profile_scenario("hidden_loop_two_models", quick=True, top=2))
    assert re.match(r"hidden_loop_two_models: \d+\.\d\d s CPU per replicate", lines[0])
    shares = [float(line.split("%")[0]) for line in lines[1:] if "  " in line[:8]]
    layer_shares = shares[: len(shares) - 2]
    assert 90 <= sum(layer_shares) <= 100.5  # layers under 2% are not printed
    assert any("worlds & systems" in line for line in lines)
