"""Fixtures of the experiment tests: the tiny scenario as a file, and a guard that nothing is
simulated before the up-front checks refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiment import executors
from tests.scenario.tiny_scenario import TINY, to_toml


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """The tiny scenario written to a file."""
    path = tmp_path / "tiny.toml"
    path.write_text(to_toml(TINY), encoding="utf-8")
    return path


@pytest.fixture
def nothing_runs(monkeypatch):
    """Fail the test if a task is simulated (a refusal must come before any work)."""

    def refuse(task):
        raise AssertionError("a task ran before the up-front checks refused")

    monkeypatch.setattr(executors, "run_task", refuse)
