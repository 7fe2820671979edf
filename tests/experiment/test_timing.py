"""Expected times: ``reproduce`` measures each scenario's default and quick runs and stores them
with the figures' data; ``debtsim list`` shows them, or says that none was measured."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.experiment.reproduce import reproduce
from sim.experiment.timing import expected_time, measure, read_timings, timing_path
from tests.scenario.tiny_scenario import TINY, to_toml


def _tiny(quick: bool) -> str:
    """The scenario layer's tiny scenario: 2 replicates of 4 days, with a [quick] preset or not."""
    tree = copy.deepcopy(TINY)
    tree["scenario"].update(horizon_days=4, replicates=2)
    if quick:
        tree["quick"] = {"replicates": 1, "horizon_days": 2}
    return to_toml(tree)


def _scenario(tmp_path, name: str, quick: bool) -> None:
    text = _tiny(quick)
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")


def test_reproduce_stores_measured_times_and_list_shows_them(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _scenario(tmp_path, "zz_tiny_timed", quick=True)
    _scenario(tmp_path, "zz_tiny_untimed", quick=False)
    written = reproduce(["zz_tiny_timed"], tmp_path / "figures")
    path = timing_path(tmp_path / "figures", "zz_tiny_timed")
    assert path in written
    record = json.loads(path.read_text())
    assert record["measured_by"] == "debtsim reproduce"
    default, quick = record["runs"]["default"], record["runs"]["quick"]
    assert (default["replicates"], default["horizon_days"], default["variants"]) == (2, 4.0, 3)
    assert (quick["replicates"], quick["horizon_days"]) == (1, 2.0)
    for run in (default, quick):
        assert run["wall_seconds"] > 0 and run["cpu_seconds"] > 0
    assert read_timings("zz_tiny_timed") == record  # found in ./figures

    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    timed = lines[lines.index(next(x for x in lines if x.startswith("zz_tiny_timed"))) + 1]
    assert timed.split("expected time: ")[1] == expected_time(record)
    assert "default ~" in timed and "quick ~" in timed and "--jobs 1" in timed
    untimed = lines[lines.index(next(x for x in lines if x.startswith("zz_tiny_untimed"))) + 1]
    assert "time not measured" in untimed


def test_a_scenario_without_a_preset_is_timed_for_its_default_run_only(tmp_path):
    _scenario(tmp_path, "plain", quick=False)
    reproduce([str(tmp_path / "scenarios" / "plain.toml")], tmp_path / "figures")
    record = read_timings("plain", [tmp_path / "figures"])
    assert record is not None and list(record["runs"]) == ["default"]
    assert "no quick preset" in expected_time(record)


def test_expected_time_formats_minutes_and_seconds():
    record = {
        "runs": {
            "default": {"wall_seconds": 150.0, "jobs": 2},
            "quick": {"wall_seconds": 7.4, "jobs": 2},
        }
    }
    assert expected_time(record) == "default ~2 min, quick ~7 s, --jobs 2"
    record["cpu_count"] = 2
    record["runs"]["default"]["other_cpu_seconds"] = 30.0  # 10% of 2 cores over 150 s: idle
    assert expected_time(record) == "default ~2 min, quick ~7 s, --jobs 2"
    record["runs"]["quick"]["other_cpu_seconds"] = 7.4  # half of 2 cores
    assert expected_time(record).endswith(
        "(measured on a busy machine: other processes used 50% of 2 cores)"
    )
    assert expected_time(None).startswith("time not measured")


@pytest.mark.skipif(
    not Path("/proc/stat").is_file(), reason="the machine's CPU time is read on Linux"
)
def test_measure_reports_what_other_processes_used_meanwhile():
    with measure() as elapsed:
        wall, cpu, others = elapsed()
    assert wall >= 0 and cpu >= 0
    assert others is not None and others >= 0
