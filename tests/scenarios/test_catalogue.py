"""Every scenario in scenarios/ validates, explains itself, runs briefly and draws its figure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli import main
from sim.report.checks import figure_problems
from sim.report.figures import parse_panel
from sim.scenario.loader import catalogue
from sim.scenario.resolve import load_scenario

SCENARIOS = sorted(Path(__file__).resolve().parents[2].joinpath("scenarios").glob("*.toml"))


def test_the_catalogue_is_not_empty():
    assert [p.stem for p in SCENARIOS] == sorted(catalogue())
    assert "direct_feedback_loop" in catalogue()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_is_complete(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.meta.title and scenario.meta.paper_section
    assert scenario.teaching.summary.strip() and scenario.teaching.questions
    assert len(scenario.variants) >= 2, "a baseline and at least one mitigation"
    assert all(scenario.descriptions[v] for v in scenario.variants)
    assert scenario.figure.panels


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_runs_briefly_and_draws(path: Path, tmp_path: Path) -> None:
    result = sim.run(path, reps=2, horizon_days=8, out=tmp_path / "run")
    assert np.isfinite(result.metrics["value"]).all()
    scenario = load_scenario(path)
    assert set(result.metrics["variant"]) == set(scenario.variants)
    declared = set(result.manifest["metrics"])
    for panel in scenario.figure.panels:
        metric, entity, system = parse_panel(panel)
        assert metric in declared, f"figure panel {panel!r} names an unknown metric"
        rows = result.metrics[(result.metrics.metric == metric) & (result.metrics.entity == entity)]
        if system:
            rows = rows[rows.system == system]
        assert not rows.empty, f"figure panel {panel!r} has no data"
    assert (tmp_path / "run" / "figures" / f"{path.stem}.png").is_file()
    # The figure a teacher projects: every variant it lists drawn and told apart, every panel
    # labelled with its unit (sim.report.checks; the figure tests in tests/report).
    listed = list(scenario.figure.variants) or scenario.variants
    assert figure_problems(result.plot(), listed) == []
    for variant in scenario.variants:
        systems = set(scenario.configs[variant].get("systems", {}))
        _every_system_has_one_lifecycle(result, variant, systems)


def _every_system_has_one_lifecycle(result: sim.RunResult, variant: str, systems: set[str]) -> None:
    """Every system records its serving model's version from day 0, and its events agree."""
    metrics = result.metrics[result.metrics.variant == variant]
    versions = metrics[metrics.metric == "model_version"]
    assert set(versions.system) == systems, f"{variant}: model_version of {set(versions.system)}"
    events = result.events[result.events.variant == variant]
    for (replicate, system), rows in versions.groupby(["replicate", "system"]):
        assert rows.day.min() == 0.0, f"{variant}/{system}: no model_version on day 0"
        mine = events[(events.replicate == replicate) & (events.system == system)]
        details = [json.loads(d) for d in mine.detail]
        retrained = [
            d["version"] for e, d in zip(mine.event, details, strict=True) if e == "retrain"
        ]
        deployed = [d["version"] for e, d in zip(mine.event, details, strict=True) if e == "deploy"]
        assert all(isinstance(v, int) for v in retrained + deployed), (variant, system)
        assert retrained == sorted(set(retrained)), f"{variant}/{system}: versions not increasing"
        assert set(deployed) <= set(retrained) | {1}, (
            f"{variant}/{system}: deployed an unknown version"
        )
        served = set(rows.value.astype(int))
        assert served <= set(deployed) | {0}, f"{variant}/{system}: serves {served - set(deployed)}"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_explain_and_check(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(path)]) == 0
    assert main(["explain", path.stem]) == 0
    out = capsys.readouterr().out
    assert "Variants" in out and "Questions" in out


WITH_SWEEPS = [p for p in SCENARIOS if "[sweep]" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", WITH_SWEEPS, ids=lambda p: p.stem)
def test_sweep_tables_name_valid_points(path: Path) -> None:
    from sim.experiment.sweep_plan import grid_points, plan_sweep

    spec = load_scenario(path).sweep
    assert spec.grid
    plan, tasks = plan_sweep(path, grid_points(spec.grid), variants=spec.variants or None)
    assert len(plan.points) == int(np.prod([len(v) for v in spec.grid.values()]))
    assert tasks


def test_the_readme_lists_every_scenario() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [p.stem for p in SCENARIOS if f"`{p.stem}`" not in readme]
    assert not missing, f"README's catalogue lacks {missing}"
