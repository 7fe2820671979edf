"""The ``[quick]`` preset: what it changes, how it is validated, and that it is recorded."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import sim
from sim.cli import main
from sim.core.errors import ConfigError
from sim.scenario.resolve import resolve_tree
from tests.scenario.tiny_scenario import TINY, to_toml


def _tree(quick: dict[str, Any] | None) -> dict[str, Any]:
    tree = copy.deepcopy(TINY)
    tree["scenario"] = {**tree["scenario"], "replicates": 4, "horizon_days": 10}
    tree["variants"]["bigger"] = {"world.users": 300}
    if quick is not None:
        tree["quick"] = quick
    return tree


QUICK = {"replicates": 2, "horizon_days": 4, "set": {"world.users": 100}}


def test_the_preset_replaces_replicates_horizon_and_baseline_settings():
    plain = resolve_tree(_tree(QUICK), "tiny.toml")
    quick = resolve_tree(_tree(QUICK), "tiny.toml", quick=True)
    assert (plain.meta.replicates, plain.meta.horizon_days) == (4, 10)
    assert (quick.meta.replicates, quick.meta.horizon_days) == (2, 4)
    assert not plain.quick_applied and quick.quick_applied
    assert plain.configs["greedy"]["world"]["users"] == 200
    assert quick.configs["greedy"]["world"]["users"] == 100
    assert quick.configs["bigger"]["world"]["users"] == 300  # a variant's own patch wins


def test_command_line_overrides_win_over_the_preset():
    quick = resolve_tree(_tree(QUICK), "tiny.toml", ["world.users=150"], quick=True)
    assert quick.configs["greedy"]["world"]["users"] == 150


def test_a_file_without_a_preset_refuses_quick():
    with pytest.raises(ConfigError, match=r"tiny\.toml: --quick: .*no \[quick\] preset"):
        resolve_tree(_tree(None), "tiny.toml", quick=True)


@pytest.mark.parametrize(
    ("quick", "where"),
    [
        ({"replicatez": 2}, r"quick\.replicatez: unknown key \(did you mean 'replicates'\?\)"),
        ({"replicates": -1}, r"quick\.replicates"),
        ({"horizon_days": "long"}, r"quick\.horizon_days"),
        ({"set": 3}, r"quick\.set: expected a table"),
        ({"set": {"scenario.seed": 3}}, r"quick\.set\.scenario\.seed: a preset may set only"),
    ],
)
def test_bad_preset_keys_are_errors_naming_file_and_key(quick, where):
    with pytest.raises(ConfigError, match=rf"tiny\.toml: {where}"):
        resolve_tree(_tree(quick), "tiny.toml")  # checked even without --quick


def test_a_preset_setting_that_does_not_validate_names_the_preset():
    tree = _tree({"replicates": 1, "set": {"world.userz": 10}})
    resolve_tree(tree, "tiny.toml")  # not applied: the file loads
    with pytest.raises(ConfigError, match=r"tiny\.toml: quick\.set\.world\.userz: unknown key"):
        resolve_tree(tree, "tiny.toml", quick=True)


def _write(tmp_path, quick: dict[str, Any]) -> str:
    path = tmp_path / "tiny.toml"
    path.write_text(to_toml(_tree(quick)), encoding="utf-8")
    return str(path)


def test_cli_quick_runs_the_preset_and_the_manifest_records_it(tmp_path, capsys):
    path = _write(tmp_path, QUICK)
    out = tmp_path / "run"
    assert main(["run", path, "--quick", "--out", str(out), "--no-progress"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["quick"] is True
    assert (manifest["replicates"], manifest["horizon_days"]) == (2, 4)
    assert manifest["variants"]["greedy"]["config"]["world"]["users"] == 100
    assert "2 replicates" in capsys.readouterr().out


def test_cli_bad_preset_exits_2_naming_file_and_key(tmp_path, capsys):
    path = _write(tmp_path, {"replicates": 2, "set": {"world.userz": 10}})
    assert main(["run", path, "--quick", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "tiny.toml: quick.set.world.userz: unknown key" in err[0]
    assert main(["check", path]) == 2  # check validates the preset too
    assert "quick.set.world.userz" in capsys.readouterr().err


def test_api_quick_equals_the_explicit_settings():
    quick = sim.run(resolve_tree(_tree(QUICK), "tiny.toml", quick=True), seed=3)
    explicit = sim.run(
        resolve_tree(_tree(None), "tiny.toml", ["world.users=100"], ["greedy", "thompson"]),
        reps=2,
        horizon_days=4,
        seed=3,
        variants=["greedy", "thompson"],
    )
    assert quick.manifest["quick"] is True and explicit.manifest["quick"] is False
    chosen = quick.metrics[quick.metrics["variant"].isin(["greedy", "thompson"])]
    assert chosen.reset_index(drop=True).equals(explicit.metrics)
