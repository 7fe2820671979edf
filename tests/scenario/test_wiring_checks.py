"""Cross-references are checked before anything runs: ``debtsim check`` and ``debtsim run`` both
refuse them with exit 2 and one line naming the file and the key path, and ``run`` computes
nothing (its output folder is never made)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from sim.cli import main


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


REFUSED = [
    (
        "cace_entanglement",
        'systems.classifier.features=["x1","nope"]',
        "systems.classifier.features[1]: no feature 'nope' in the world",
    ),
    (
        "cace_entanglement",
        'systems.classifier.groups=[["x1", "x9"]]',
        "systems.classifier.groups[0][1]: no feature 'x9'",
    ),
    ("cace_entanglement", 'systems.classifier.label="nope"', "systems.classifier.label: no"),
    ("cace_entanglement", 'systems.classifier.upstream="classifier"', "loops"),
    ("correction_cascade", "world.history_days=0", "world.history_days: got 0; must be >= 1"),
    ("cace_entanglement", "world.history_days=0", "world.history_days: got 0; must be >= 1"),
    ("threshold_decay", "world.history_days=0", "world.history_days: got 0; must be >= 1"),
    (
        "performative_prediction",
        "systems.model.initial_theta=[]",
        "systems.model.initial_theta: got 0 values; the performative_gaussian world takes θ of "
        "length 1",
    ),
    ("performative_prediction", "systems.model.loss=logistic", "systems.model.loss: a logistic"),
    (
        "homogenization",
        "systems.recommender.inputs=[]",
        "systems.recommender.inputs: expected one or more distinct signals, got []",
    ),
]


@pytest.mark.parametrize(("scenario", "setting", "message"), REFUSED)
@pytest.mark.parametrize("command", ["check", "run"])
def test_a_bad_cross_reference_is_refused_before_anything_runs(
    tmp_path: Path, command: str, scenario: str, setting: str, message: str
) -> None:
    out = tmp_path / "out"
    argv = [command, scenario, "--set", setting]
    if command == "run":
        argv += ["--reps", "1", "--horizon-days", "3", "--no-progress", "--out", str(out)]
    code, stdout, err = run_cli(argv)
    assert code == 2, (stdout, err)
    assert err.count("\n") == 1 and err.startswith("debtsim: error: "), err
    assert f"scenarios/{scenario}.toml: " in err
    assert message in err
    assert not out.exists()  # nothing was computed
