"""Generated scenario input: invalid trees and ``--set`` strings never crash the CLI; valid
trees run and give sane metrics.

(a) A valid tiny tree with one random corruption, written as a TOML file, makes
    ``debtsim check`` exit 2 with one error message that names the file — never raise.
(b) Random ``--set KEY=VALUE`` strings make ``debtsim check`` exit 0 or 2, never raise.
(c) Random valid trees run for a few days with finite metrics, regret >= 0 and
    non-decreasing, CTR and estimate error in [0, 1].
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tiny_scenario import TINY, to_toml

import sim
from sim.cli import main
from sim.learn.policies import POLICIES

# --- the valid tiny tree and its leaves -------------------------------------------------


R = ("systems", "ranker")
VP = ("variants", "thompson", "systems.ranker.policy")
# Every leaf of TINY and the type its schema declares.
LEAVES: dict[tuple[str, ...], str] = {
    ("scenario", "title"): "str",
    ("scenario", "horizon_days"): "float",
    ("scenario", "replicates"): "int",
    ("scenario", "seed"): "int",
    ("scenario", "baseline"): "str",
    ("world", "kind"): "str",
    ("world", "users"): "int",
    ("world", "items"): "int",
    ("world", "factors"): "int",
    ("world", "segments"): "int",
    ("world", "visit_prob_per_day"): "float",
    (*R, "kind"): "str",
    (*R, "owner"): "str",
    (*R, "serves"): "str",
    (*R, "inputs"): "list",
    (*R, "model", "kind"): "str",
    (*R, "model", "prior_alpha"): "float",
    (*R, "model", "prior_beta"): "float",
    (*R, "policy", "kind"): "str",
    (*R, "policy", "slate"): "int",
    (*R, "training", "every_days"): "float",
    (*R, "training", "window_days"): "float",
    (*R, "training", "label_delay_days"): "float",
    ("variants", "greedy", "description"): "str",
    ("variants", "thompson", "description"): "str",
    (*VP, "kind"): "str",
    (*VP, "slate"): "int",
    ("variants", "holdout", "systems.ranker.training.holdout_share"): "float",
    ("teaching", "summary"): "str",
    ("teaching", "questions"): "list",
    ("figure", "panels"): "list",
}

# Numeric leaves and values outside their declared range (slate: at most world.items = 20).
_NON_FINITE = st.sampled_from([math.inf, -math.inf, math.nan])
# strictly negative (``floats(max_value=0, exclude_max=True)`` can still draw 0.0)
_NEGATIVE = st.floats(max_value=-math.ulp(0.0), allow_infinity=False, allow_nan=False)
OUT_OF_RANGE: dict[tuple[str, ...], st.SearchStrategy[Any]] = {
    ("scenario", "horizon_days"): st.one_of(st.floats(max_value=0), st.integers(max_value=0)),
    ("scenario", "replicates"): st.integers(max_value=0),
    ("scenario", "seed"): st.integers(max_value=-1),
    ("world", "users"): st.integers(max_value=0),
    ("world", "items"): st.integers(max_value=1),
    ("world", "factors"): st.integers(max_value=0),
    ("world", "segments"): st.integers(max_value=0),
    ("world", "visit_prob_per_day"): st.one_of(
        st.floats(max_value=0), st.floats(min_value=1, exclude_min=True), _NON_FINITE
    ),
    (*R, "model", "prior_alpha"): st.one_of(st.floats(max_value=0), _NON_FINITE),
    (*R, "model", "prior_beta"): st.one_of(st.floats(max_value=0), st.integers(max_value=0)),
    (*R, "policy", "slate"): st.one_of(st.integers(max_value=0), st.integers(min_value=21)),
    (*VP, "slate"): st.one_of(st.integers(max_value=0), st.integers(min_value=21)),
    (*R, "training", "every_days"): st.one_of(_NEGATIVE, _NON_FINITE),  # 0: never retrain
    (*R, "training", "window_days"): _NEGATIVE,
    (*R, "training", "label_delay_days"): st.integers(max_value=-1),
    ("variants", "holdout", "systems.ranker.training.holdout_share"): st.one_of(
        _NEGATIVE, st.floats(min_value=1)
    ),
}

KINDS: dict[tuple[str, ...], set[str]] = {
    ("world", "kind"): {"marketplace"},
    (*R, "kind"): {"recommender"},
    (*R, "model", "kind"): {"beta_bernoulli"},
    (*R, "policy", "kind"): set(POLICIES),
    (*VP, "kind"): set(POLICIES),
}

PRODUCED = {"world.clicks", "world.requests", "world.truth", "ranker.slates", "ranker.estimates"}

# Tables that validate their keys, and every key name any of them knows.
TABLES: list[tuple[str, ...]] = [
    (),
    ("scenario",),
    ("world",),
    R,
    (*R, "model"),
    (*R, "policy"),
    (*R, "training"),
    ("variants", "greedy"),
    ("variants", "thompson"),
    ("teaching",),
    ("figure",),
]
KNOWN_KEYS = {
    *(k for path in LEAVES for k in path),
    *("extends", "name", "tick_days", "paper_section", "base_ctr", "segment_weight"),
    *("quality_scale", "taste_scale", "mode", "deploy_latency_days", "holdout_share"),
    *("learn_from", "epsilon", "decay", "decay_days", "c", "temperature", "mechanism"),
    *("look_at", "mitigations", "reading", "system", "world", "systems", "description"),
}

SCALARS = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(max_size=8),
)
TABLE_VALUES = st.dictionaries(st.text(max_size=5), SCALARS, min_size=1, max_size=2)
WRONG_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "int": st.one_of(st.floats(), st.booleans(), st.text(max_size=8), TABLE_VALUES),
    "float": st.one_of(st.booleans(), st.text(max_size=8), st.lists(SCALARS, max_size=2)),
    "str": st.one_of(
        st.integers(), st.floats(), st.booleans(), st.lists(st.text(max_size=3)), TABLE_VALUES
    ),
    "list": st.one_of(
        st.integers(),
        st.text(max_size=8),
        st.lists(st.integers(), min_size=1, max_size=3),
        TABLE_VALUES,
    ),
}


def tiny() -> dict[str, Any]:
    return copy.deepcopy(TINY)


def node_at(tree: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for part in path:
        tree = tree[part]
    return tree


def put(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    node_at(tree, path[:-1])[path[-1]] = value
    return tree


@st.composite
def invalid_trees(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """The tiny tree with one corruption, and a word naming the corruption."""
    tree = tiny()
    corruption = draw(
        st.sampled_from(["unknown_key", "wrong_type", "out_of_range", "kind", "no_world", "input"])
    )
    if corruption == "unknown_key":
        table = draw(st.sampled_from(TABLES))
        key = draw(
            st.one_of(
                st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True),
                st.sampled_from(sorted(KNOWN_KEYS)).map(lambda k: k[:-1] + "z"),
                st.text(min_size=1, max_size=6),
            ).filter(lambda k: k not in KNOWN_KEYS)
        )
        node_at(tree, table)[key] = draw(SCALARS)
    elif corruption == "wrong_type":
        path = draw(st.sampled_from(sorted(LEAVES)))
        put(tree, path, draw(WRONG_TYPE[LEAVES[path]]))
    elif corruption == "out_of_range":
        path = draw(st.sampled_from(sorted(OUT_OF_RANGE)))
        put(tree, path, draw(OUT_OF_RANGE[path]))
    elif corruption == "kind":
        path = draw(st.sampled_from(sorted(KINDS)))
        put(tree, path, draw(st.text(max_size=12).filter(lambda k: k not in KINDS[path])))
    elif corruption == "no_world":
        del tree["world"]
    else:
        signals = st.lists(
            st.one_of(
                st.from_regex(r"[a-z]{1,6}\.[a-z]{1,8}", fullmatch=True), st.text(max_size=10)
            ).filter(lambda s: s not in PRODUCED),
            min_size=1,
            max_size=2,
        )
        extra = draw(signals)
        put(tree, (*R, "inputs"), draw(st.permutations(["world.clicks", *extra])))
    return corruption, tree


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with its stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


# --- the writer itself ------------------------------------------------------------------

TOML_TREES = st.recursive(
    st.dictionaries(
        st.text(max_size=6),
        st.one_of(SCALARS, st.lists(st.integers(), max_size=3)),
        max_size=3,
    ),
    lambda children: st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(TOML_TREES)
def test_the_toml_writer_round_trips(tree):
    assert tomllib.loads(to_toml(tree)) == tree


def test_the_tiny_tree_is_valid(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(to_toml(tiny()), encoding="utf-8")
    code, out, err = run_cli(["check", str(path)])
    assert (code, err) == (0, ""), err
    assert "3 variants (greedy, thompson, holdout)" in out


def test_the_leaf_table_covers_the_tiny_tree():
    def leaves(node: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
        if not isinstance(node, dict):
            return {path}
        return set().union(*(leaves(v, (*path, k)) for k, v in node.items()))

    assert leaves(TINY) == set(LEAVES)


# --- (a) invalid trees ------------------------------------------------------------------


@settings(max_examples=250, deadline=None)
@given(invalid_trees())
@example(("wrong_type", put(tiny(), ("world", "kind"), ["marketplace"])))
@example(("wrong_type", put(tiny(), (*R, "policy", "kind"), ["greedy"])))
@example(("wrong_type", put(tiny(), (*R, "model", "kind"), {"a": 1})))
@example(("out_of_range", put(tiny(), (*R, "policy", "slate"), 21)))
@example(("input", put(tiny(), (*R, "inputs"), ["world.clickz"])))
def test_invalid_trees_exit_2_with_one_located_message(case):
    corruption, tree = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corrupt.toml"
        path.write_text(to_toml(tree), encoding="utf-8")
        code, out, err = run_cli(["check", str(path)])
    assert code == 2, (corruption, out, err)
    assert err.startswith("debtsim: error: "), err
    assert err.count("debtsim: error:") == 1, err
    assert str(path) in err, err
    assert "Traceback" not in err


# --- (b) generated --set strings --------------------------------------------------------

REAL_KEYS = [
    "scenario.seed",
    "scenario.horizon_days",
    "scenario.replicates",
    "scenario.baseline",
    "scenario.title",
    "world",
    "world.kind",
    "world.users",
    "world.items",
    "world.segments",
    "world.base_ctr",
    "world.segment_weight",
    "systems",
    "systems.ranker",
    "systems.ranker.kind",
    "systems.ranker.mode",
    "systems.ranker.serves",
    "systems.ranker.inputs",
    "systems.ranker.model",
    "systems.ranker.model.kind",
    "systems.ranker.model.prior_alpha",
    "systems.ranker.policy",
    "systems.ranker.policy.kind",
    "systems.ranker.policy.slate",
    "systems.ranker.policy.epsilon",
    "systems.ranker.training.holdout_share",
    "systems.ranker.training.window_days",
    "systems.ranker.training.learn_from",
    "variants",
    "variants.greedy",
    "variants.ucb1.systems.ranker.policy.c",
    "variants.thompson.description",
    "variants.softmax.systems.ranker.policy.temperature",
    "teaching.summary",
    "teaching.questions",
    "figure.panels",
    "extends",
]
JUNK_KEYS = st.from_regex(
    r"[A-Za-z_][A-Za-z0-9_-]{0,6}(\.[A-Za-z_][A-Za-z0-9_-]{0,6}){0,3}", fullmatch=True
)
KEYS = st.one_of(
    st.sampled_from(REAL_KEYS),
    st.tuples(st.sampled_from(REAL_KEYS), JUNK_KEYS).map(".".join),
    JUNK_KEYS,
    st.text(max_size=12),
)
VALUE_TEXTS = st.one_of(
    st.sampled_from(
        [
            "0",
            "-5",
            "3",
            "300",
            "0.5",
            "1e400",
            "-1.5",
            "inf",
            "nan",
            "true",
            "false",
            "greedy",
            "thompson",
            "marketplace",
            '"world.clicks"',
            '["world.clicks"]',
            '["nope.x"]',
            "[]",
            "[1, 2]",
            "{}",
            '{ kind = "ucb1", slate = 2 }',
            "{ kind = [1] }",
            "'single'",
            '"unterminated',
            "[",
        ]
    ),
    st.integers().map(str),
    st.floats().map(repr),
    st.text(max_size=12),
)
SET_STRINGS = st.one_of(
    st.tuples(KEYS, st.sampled_from(["=", " = "]), VALUE_TEXTS).map("".join),
    st.text(max_size=20),
)


@settings(max_examples=250, deadline=None)
@given(SET_STRINGS)
@example("world.users=abc")
@example("world.kind.x=1")
@example("systems.ranker.policy.kind.x=1")
@example("systems.ranker.model={ kind = [1] }")
@example("world.items=3")
@example("variants=3")
def test_generated_set_strings_never_crash(text):
    code, out, err = run_cli(["check", "direct_feedback_loop", "--set", text])
    assert code in (0, 2), (text, code, err)
    if code == 2:
        assert err.startswith("debtsim: error: "), err
        assert err.count("debtsim: error:") == 1, err
        assert len(err.strip()) > len("debtsim: error:")
        assert "Traceback" not in err
    else:
        assert err == ""
        assert out.startswith("ok  ")


# --- (c) valid trees run ----------------------------------------------------------------

POSITIVE = st.floats(0.01, 5.0)


@st.composite
def policies(draw: st.DrawFn, items: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(POLICIES)))
    policy: dict[str, Any] = {"kind": kind, "slate": draw(st.integers(1, min(5, items)))}
    if kind == "epsilon_greedy":
        policy["epsilon"] = draw(st.floats(0.0, 1.0))
        policy["decay"] = draw(st.sampled_from(["none", "inverse_time"]))
        policy["decay_days"] = draw(POSITIVE)
    elif kind == "ucb1":
        policy["c"] = draw(POSITIVE)
    elif kind == "softmax":
        policy["temperature"] = draw(st.floats(0.001, 5.0))
    return policy


@st.composite
def valid_trees(draw: st.DrawFn) -> dict[str, Any]:
    tree = tiny()
    items = draw(st.integers(5, 30))
    tree["world"].update(
        users=draw(st.integers(50, 300)),
        items=items,
        segments=draw(st.integers(1, 4)),
        visit_prob_per_day=draw(st.floats(0.05, 1.0)),
    )
    ranker = tree["systems"]["ranker"]
    ranker["policy"] = draw(policies(items))
    ranker["training"] = {
        "every_days": draw(st.floats(0.25, 3.0)),
        "window_days": draw(st.sampled_from([0, 1, 2.5, 7])),
        "label_delay_days": draw(st.sampled_from([0, 0.5, 1, 2])),
        "holdout_share": draw(st.floats(0.0, 0.5)),
    }
    # One variant over the baseline. (Patches merge into tables, so a variant that switched the
    # policy kind would inherit the baseline policy's parameters: patch the training instead.)
    tree["variants"] = {
        "greedy": {"description": "baseline"},
        "other": {
            "systems.ranker.training": {
                "holdout_share": draw(st.floats(0.0, 0.5)),
                "window_days": draw(st.sampled_from([0, 2])),
            }
        },
    }
    return tree


def _one_user_slate_of_one() -> dict[str, Any]:
    """Few visitors and a one-item slate: the ranker often shows each visitor's best item."""
    tree = tiny()
    tree["world"].update(users=50, items=5, segments=1, visit_prob_per_day=0.0625)
    tree["systems"]["ranker"]["policy"] = {
        "kind": "epsilon_greedy",
        "slate": 1,
        "epsilon": 0.0,
        "decay": "none",
        "decay_days": 1.0,
    }
    tree["systems"]["ranker"]["training"] = {
        "every_days": 1.0,
        "window_days": 0,
        "label_delay_days": 0,
        "holdout_share": 0.0,
    }
    tree["variants"] = {
        "greedy": {"description": "baseline"},
        "other": {"systems.ranker.training": {"holdout_share": 0.0, "window_days": 0}},
    }
    return tree


@settings(max_examples=30, deadline=None)
@given(valid_trees(), st.integers(3, 5), st.integers(0, 2**32 - 1))
@example(_one_user_slate_of_one(), 3, 0)
def test_valid_trees_run_with_sane_metrics(tree, days, seed):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.toml"
        path.write_text(to_toml(tree), encoding="utf-8")
        result = sim.run(path, reps=1, horizon_days=days, seed=seed)
    metrics = result.metrics
    assert set(metrics["variant"]) == {"greedy", "other"}
    assert np.isfinite(metrics["value"].to_numpy(dtype=float)).all()
    assert metrics["day"].between(0, days).all()

    regret = metrics[metrics["metric"] == "regret"]
    assert len(regret) > 0
    assert (regret["value"] >= 0).all(), regret
    for _, group in regret.groupby(["variant", "replicate", "system", "entity"]):
        values = group.sort_values("day", kind="stable")["value"].to_numpy()
        assert (np.diff(values) >= 0).all(), values

    for name in ("ctr", "estimate_error"):
        values = metrics.loc[metrics["metric"] == name, "value"]
        assert values.between(0.0, 1.0).all(), (name, values.describe())
    assert (metrics["metric"] == "estimate_error").any()
