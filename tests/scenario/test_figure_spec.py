"""The ``[figure]`` table's references, legend values and shared scales are validated like
every other key: a mistake names the file, the key path and what is allowed; the values are
computed from each variant's settings, never typed."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest
from tiny_scenario import TINY

from sim.cli import main
from sim.core.errors import ConfigError
from sim.scenario.figure_values import figure_values, reference_days
from sim.scenario.resolve import load_scenario, resolve_tree

SOURCE = "tiny.toml"


def _tree(**figure: Any) -> dict[str, Any]:
    tree = copy.deepcopy(TINY)
    tree["figure"] = {"panels": ["regret", "ctr"], **figure}
    return tree


def _rejected(tree: dict[str, Any], *needles: str) -> str:
    with pytest.raises(ConfigError) as caught:
        resolve_tree(tree, SOURCE)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: figure."), message
    for needle in needles:
        assert needle in message, (needle, message)
    return message


def test_a_parameter_reference_is_computed_per_variant():
    tree = _tree(
        references=[{"panel": "ctr", "label": "slate", "key": "systems.ranker.policy.slate"}]
    )
    tree["variants"]["thompson"]["systems.ranker.policy"] = {"kind": "thompson", "slate": 5}
    scenario = resolve_tree(tree, SOURCE)
    values = figure_values(scenario.figure, scenario.configs, 10)
    (reference,) = values["references"]
    assert reference["values"] == {"greedy": 3.0, "thompson": 5.0, "holdout": 3.0}
    assert reference["panel"] == "ctr" and reference["label"] == "slate"


@pytest.mark.parametrize(
    ("reference", "needles"),
    [
        (
            {"panel": "ctr", "label": "x", "closed_form": "urn.limt"},
            ("figure.references[0].closed_form", "did you mean 'urn.limit'", "allowed"),
        ),
        (
            {"panel": "ctr", "label": "x", "key": "world.users", "closed_form": "urn.limit"},
            ("figure.references[0]", "exactly one of key"),
        ),
        ({"panel": "ctr", "label": "x"}, ("figure.references[0]", "exactly one of key")),
        (
            {"panel": "ctrr", "label": "x", "key": "world.users"},
            ("figure.references[0].panel", "did you mean 'ctr'", "regret, ctr"),
        ),
        ({"label": "x", "key": "world.users"}, ("figure.references[0].panel",)),
        ({"panel": "ctr", "key": "world.users"}, ("figure.references[0].label",)),
        (
            {"panel": "ctr", "label": "x", "key": "systems.ranker.owner"},
            ("figure.references[0].key", "'feed-team', not a number"),
        ),
        (
            {"panel": "ctr", "label": "x", "key": "world.no_such_key"},
            ("figure.references[0].key", "no value for any variant"),
        ),
        (
            {"panel": "ctr", "label": "x", "closed_form": "urn.true_share"},
            ("figure.references[0].closed_form", "no value for any variant"),
        ),
        (
            {"panel": "ctr", "label": "x", "key": "world.users", "colour": "red"},
            ("figure.references[0].colour", "unknown key"),
        ),
    ],
)
def test_bad_references_name_the_key(reference, needles):
    _rejected(_tree(references=[reference]), *needles)


def test_bad_legend_values_and_shared_scales_name_the_key():
    _rejected(_tree(legend=[{"key": "world.users"}]), "figure.legend[0].symbol")
    _rejected(
        _tree(legend=[{"symbol": "ε", "closed_form": "performative.epsilon"}]),
        "figure.legend[0].closed_form",
        "no number for any variant",
    )
    _rejected(_tree(share_y=[["regret", "ctrr"]]), "figure.share_y[0][1]", "did you mean 'ctr'")
    _rejected(_tree(log_panels=["regrett"]), "figure.log_panels[0]", "did you mean 'regret'")


def test_legend_values_label_the_variants():
    tree = _tree(legend=[{"symbol": "k", "key": "systems.ranker.policy.slate"}])
    scenario = resolve_tree(tree, SOURCE)
    labels = figure_values(scenario.figure, scenario.configs, 10)["labels"]
    assert labels == {
        "greedy": "greedy (k = 3)",
        "thompson": "thompson (k = 3)",
        "holdout": "holdout (k = 3)",
    }


def test_a_selection_of_variants_may_have_no_reference():
    """--variant strategic on performative_prediction: the Gaussian path applies to none."""
    scenario = load_scenario("performative_prediction", variants=["strategic"])
    values = figure_values(scenario.figure, scenario.configs, 10, complete=False)
    assert values["references"][0]["values"] == {"strategic": None}
    assert values["labels"] == {"strategic": "strategic (ε = 1)"}


def test_reference_days_are_the_ticks_thinned_to_400():
    assert list(reference_days(5)) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    long = reference_days(2000)
    assert len(long) <= 401 and long[0] == 0.0 and long[-1] == 2000.0
    assert len(set(long[1:-1] - long[:-2])) == 1  # evenly spaced up to the last day


def test_the_cli_exits_2_naming_the_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = Path(__file__).resolve().parents[2] / "scenarios" / "threshold_decay.toml"
    text = source.read_text(encoding="utf-8").replace(
        'key = "systems.classifier.target_precision"', 'key = "systems.classifier.target_precison"'
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.toml: figure.references[0].key" in err[0], err
    assert "Traceback" not in err[0]


def test_a_reference_on_the_x_axis_is_a_day_not_a_curve():
    scenario = load_scenario("correction_cascade")
    (first, *_) = figure_values(scenario.figure, scenario.configs, 140)["references"]
    assert first["axis"] == "x" and first["values"]["chain_3"] == 70.0
    assert first["values"]["no_upgrade"] is None
    curve = {"panel": "regret", "label": "x", "closed_form": "urn.true_share", "axis": "z"}
    _rejected(_tree(references=[curve]), "figure.references[0].axis", "'y', 'x'")
    path = Path(__file__).resolve().parents[2] / "scenarios" / "performative_prediction.toml"
    text = path.read_text(encoding="utf-8").replace(
        'closed_form = "performative.distance_path"\n',
        'closed_form = "performative.distance_path"\naxis = "x"\n',
    )
    with pytest.raises(ConfigError, match=r"references\[0\].closed_form: a reference on the x"):
        resolve_tree(tomllib.loads(text), "p.toml")
