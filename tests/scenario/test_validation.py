"""Scenario validation: every class of bad input is a ConfigError that locates the fault.

A message names the source file, the key path and what is allowed (with a did-you-mean for a
near miss). Also covered: ``extends``, variants as patches over the baseline, and ``--set``
overrides parsed as TOML values.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from tiny_scenario import TINY

from sim.core.errors import ConfigError
from sim.learn.policies import POLICIES
from sim.scenario.overrides import parse_override
from sim.scenario.resolve import load_scenario, resolve_tree

SOURCE = "tiny.toml"


TINY_TOML = """\
[scenario]
title = "tiny feedback loop"
horizon_days = 3
replicates = 1
seed = 7
baseline = "greedy"

[world]
kind = "marketplace"
users = 200
items = 20
factors = 4
segments = 2
visit_prob_per_day = 0.2

[systems.ranker]
kind = "recommender"
owner = "feed-team"
serves = "world"
inputs = ["world.clicks"]
model = { kind = "beta_bernoulli", prior_alpha = 0.5, prior_beta = 9.5 }
policy = { kind = "greedy", slate = 3 }
training = { every_days = 1, window_days = 0, label_delay_days = 0 }

[variants.greedy]
description = "the debt"

[variants.thompson]
description = "posterior draws"
systems.ranker.policy = { kind = "thompson", slate = 3 }

[variants.holdout]
systems.ranker.training.holdout_share = 0.05
"""


def tiny() -> dict[str, Any]:
    """A fresh copy of the valid tiny tree."""
    return copy.deepcopy(TINY)


def at(tree: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The table holding the dotted ``path`` and the last key."""
    *parents, last = path.split(".")
    node = tree
    for part in parents:
        node = node[part]
    return node, last


def with_value(path: str, value: Any) -> dict[str, Any]:
    tree = tiny()
    node, last = at(tree, path)
    node[last] = value
    return tree


def rejected(tree: dict[str, Any], *needles: str, **kwargs: Any) -> ConfigError:
    """Resolve ``tree``; assert a located ConfigError whose message holds every needle."""
    with pytest.raises(ConfigError) as info:
        resolve_tree(tree, SOURCE, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{SOURCE}: "), message
    assert "Traceback" not in message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return info.value


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, dict):
        return {prefix: tree}
    out: dict[str, Any] = {}
    for key, value in tree.items():
        out.update(flatten(value, f"{prefix}.{key}" if prefix else key))
    return out


def changed_keys(a: dict[str, Any], b: dict[str, Any]) -> set[str]:
    fa, fb = flatten(a), flatten(b)
    return {k for k in fa.keys() | fb.keys() if fa.get(k, object()) != fb.get(k, object())}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the valid tree ---------------------------------------------------------------------


def test_the_tiny_tree_is_valid():
    scenario = resolve_tree(tiny(), SOURCE)
    assert scenario.variants == ["greedy", "thompson", "holdout"]
    assert scenario.configs["greedy"]["world"]["users"] == 200
    assert scenario.descriptions["thompson"] == "posterior draws"
    assert scenario.source == SOURCE


def test_the_tiny_file_is_valid_and_equals_the_tree(tmp_path):
    path = write(tmp_path, "tiny.toml", TINY_TOML)
    from_file = load_scenario(path)
    from_tree = resolve_tree(tiny(), SOURCE)
    assert from_file.configs == from_tree.configs
    assert from_file.name == "tiny"


# --- unknown keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "needles"),
    [
        ("world.userz", 300, ("world.userz", "did you mean 'users'", "allowed keys", "items")),
        (
            "world.itms",
            30,
            (
                "world.itms",
                "did you mean 'items'",
            ),
        ),
        (
            "scenario.horizon",
            3,
            (
                "scenario.horizon",
                "did you mean 'horizon_days'",
            ),
        ),
        ("systems.ranker.traning", {}, ("systems.ranker.traning", "did you mean 'training'")),
        (
            "systems.ranker.training.window",
            3,
            ("systems.ranker.training.window", "did you mean 'window_days'"),
        ),
        ("systems.ranker.policy.epsilon", 0.1, ("systems.ranker.policy.epsilon", "slate")),
        ("systems.ranker.model.prior_alfa", 1.0, ("did you mean 'prior_alpha'",)),
        ("teaching.sumary", "x", ("teaching.sumary", "did you mean 'summary'")),
        ("worlds", {}, ("worlds", "did you mean 'world'", "allowed", "systems")),
    ],
)
def test_unknown_keys_are_named_with_a_suggestion(path, value, needles):
    error = rejected(with_value(path, value), "unknown", *needles)
    assert error.path == path


def test_a_far_miss_gets_no_suggestion_but_the_allowed_keys():
    error = rejected(with_value("world.zzzzzz", 1), "world.zzzzzz", "allowed keys", "users")
    assert "did you mean" not in str(error)


# --- wrong types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("world.users", "many", "expected an integer, got a string 'many'"),
        ("world.users", 2.5, "expected an integer"),
        ("world.users", True, "expected an integer"),
        ("world.users", [1], "expected an integer"),
        ("world.base_ctr", "high", "expected a number"),
        ("scenario.horizon_days", True, "expected a number, got a boolean"),
        ("scenario.title", 3, "expected a string"),
        ("systems.ranker.inputs", "world.clicks", "expected a list"),
        ("systems.ranker.inputs", [1], "expected a string"),
        ("systems.ranker.owner", 3, "expected a string"),
        ("systems.ranker.policy.slate", 2.0, "expected an integer"),
        ("systems.ranker.training.every_days", "daily", "expected a number"),
        ("systems.ranker.training", 3, "expected a table"),
        ("systems.ranker.policy", [1], "expected a table"),
        ("systems.ranker.mode", "loud", "allowed: 'serve', 'shadow'"),
        ("world", 3, "expected a table"),
        ("scenario", "x", "expected a table"),
        ("teaching.questions", "why?", "expected a list"),
        ("variants.thompson", 3, "expected a table"),
    ],
)
def test_wrong_types_say_what_is_expected(path, value, expected):
    error = rejected(with_value(path, value), expected)
    assert error.path is not None
    assert error.path.startswith(path), (error.path, path)
    assert path in str(error)


# --- out of range -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "allowed"),
    [
        ("world.users", 0, "must be >= 1"),
        ("world.users", -5, "must be >= 1"),
        ("world.items", 1, "must be >= 2"),
        ("world.segment_weight", 1.5, "<= 1"),
        ("world.base_ctr", 0.0, "must be > 0 and < 1"),
        ("world.base_ctr", 1, "must be > 0 and < 1"),
        ("world.visit_prob_per_day", 0, "> 0"),
        ("scenario.horizon_days", 0, "must be > 0"),
        ("scenario.replicates", 0, "must be >= 1"),
        ("scenario.seed", -1, "must be >= 0"),
        ("systems.ranker.policy.slate", 0, "must be >= 1"),
        ("systems.ranker.training.holdout_share", 1.0, "must be >= 0 and < 1"),
        ("systems.ranker.training.window_days", -1, "must be >= 0"),
        ("systems.ranker.training.every_days", -1, "must be >= 0"),
        ("world.base_ctr", float("nan"), "finite"),
    ],
)
def test_out_of_range_values_say_the_range(path, value, allowed):
    error = rejected(with_value(path, value), path, allowed)
    assert error.path == path


def test_a_slate_larger_than_the_catalogue_is_rejected():
    error = rejected(with_value("world.items", 2), "systems.ranker.policy.slate", "world.items")
    assert error.path == "systems.ranker.policy.slate"


def test_a_policy_parameter_out_of_range_is_located():
    tree = tiny()
    tree["systems"]["ranker"]["policy"] = {"kind": "epsilon_greedy", "slate": 3, "epsilon": 2}
    rejected(tree, "systems.ranker.policy.epsilon", "<= 1")


# --- unknown kinds ----------------------------------------------------------------------


def test_unknown_world_kind():
    error = rejected(
        with_value("world.kind", "marketplac"),
        "world.kind",
        "unknown kind 'marketplac'",
        "did you mean 'marketplace'",
        "allowed: ",
        "marketplace",
    )
    assert error.path == "world.kind"


def test_unknown_policy_kind_lists_every_policy():
    error = rejected(
        with_value("systems.ranker.policy.kind", "thomson"),
        "systems.ranker.policy.kind",
        "did you mean 'thompson'",
        *sorted(POLICIES),
    )
    assert error.path == "systems.ranker.policy.kind"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("systems.ranker.model.kind", "beta_bernoulli"),
        ("systems.ranker.kind", "recommender"),
    ],
)
def test_unknown_kinds_elsewhere(path, allowed):
    rejected(with_value(path, "zzz"), path, "unknown kind 'zzz'", allowed)


def test_missing_world_kind():
    tree = tiny()
    del tree["world"]["kind"]
    rejected(tree, "world", "missing 'kind'", "marketplace")


@pytest.mark.parametrize(
    "path",
    [
        "world.kind",
        "systems.ranker.kind",
        "systems.ranker.policy.kind",
        "systems.ranker.model.kind",
    ],
)
@pytest.mark.parametrize("value", [["greedy"], {"a": 1}, 3, True])
def test_a_kind_of_the_wrong_type_is_a_config_error(path, value):
    rejected(with_value(path, value), path)


# --- wiring -----------------------------------------------------------------------------


def test_a_read_of_a_signal_nobody_produces():
    error = rejected(
        with_value("systems.ranker.inputs", ["world.clickz"]),
        "systems.ranker.inputs",
        "'world.clickz'",
        "did you mean 'world.clicks'",
        "no component produces",
        "world.clicks",
    )
    assert error.path == "systems.ranker.inputs"


def test_a_read_of_another_missing_system():
    rejected(with_value("systems.ranker.inputs", ["scorer.scores"]), "systems.ranker.inputs")


def test_a_system_serving_a_missing_world():
    rejected(with_value("systems.ranker.serves", "shop"), "systems.ranker.serves", "'shop'")


def test_missing_world_table():
    tree = tiny()
    del tree["world"]
    error = rejected(tree, "world", "missing the [world] table")
    assert error.path == "world"


def test_a_variant_with_a_bad_value_names_the_variant():
    tree = tiny()
    tree["variants"]["thompson"]["systems.ranker.policy"]["slate"] = 0
    rejected(tree, "variant 'thompson'", "systems.ranker.policy.slate", ">= 1")


def test_a_variant_may_patch_only_component_tables():
    tree = tiny()
    tree["variants"]["thompson"]["scenario"] = {"seed": 3}
    rejected(tree, "variants.thompson.scenario", "[world], [systems], [monitors] and [injectors]")


# --- files: malformed TOML, extends -----------------------------------------------------


def file_error(path: Path, *needles: str, **kwargs: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_scenario(path, **kwargs)
    message = str(info.value)
    assert str(path) in message or path.name in message, message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return info.value


@pytest.mark.parametrize(
    "text",
    [
        "[world\nkind = 'marketplace'\n",
        "[world]\nusers = \n",
        "[world]\nusers = 1\nusers = 2\n",
        'title = "unterminated\n',
        "[world]\nkind = marketplace\n",
    ],
)
def test_malformed_toml_names_the_file(tmp_path, text):
    path = write(tmp_path, "broken.toml", text)
    file_error(path, "invalid TOML")


def test_unknown_key_in_a_file_names_the_file_and_key(tmp_path):
    path = write(tmp_path, "typo.toml", TINY_TOML.replace("users = 200", "userz = 200"))
    error = file_error(path, "world.userz", "did you mean 'users'")
    assert str(error).startswith(f"{path}: ")


def test_a_missing_file_is_a_config_error(tmp_path):
    file_error(tmp_path / "absent.toml", "no such scenario file")


def test_extends_changes_only_what_the_child_sets(tmp_path):
    write(tmp_path, "base.toml", '[scenario]\nname = "base"\n' + TINY_TOML.split("\n", 1)[1])
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n\n[world]\nusers = 300\n')
    base = load_scenario(tmp_path / "base.toml")
    derived = load_scenario(child)
    assert (base.name, derived.name) == ("base", "child")  # a base's name is not inherited
    assert derived.variants == base.variants
    for name in base.variants:
        changed = changed_keys(base.configs[name], derived.configs[name])
        assert changed - {"scenario.name"} == {"world.users"}
        assert derived.configs[name]["world"]["users"] == 300


def test_extends_chains_and_the_nearest_file_wins(tmp_path):
    write(tmp_path, "base.toml", TINY_TOML)
    write(tmp_path, "middle.toml", 'extends = "base.toml"\n[world]\nusers = 300\nitems = 10\n')
    leaf = write(tmp_path, "leaf.toml", 'extends = "middle.toml"\n[world]\nusers = 250\n')
    world = load_scenario(leaf).configs["greedy"]["world"]
    assert (world["users"], world["items"], world["segments"]) == (250, 10, 2)


def test_extends_a_missing_base(tmp_path):
    child = write(tmp_path, "child.toml", 'extends = "nowhere.toml"\n')
    error = file_error(child, "extends", "'nowhere.toml'", "not found")
    assert error.path == "extends"


def test_extends_a_catalogue_name(tmp_path, monkeypatch):
    """``extends = "direct_feedback_loop"`` names the catalogue scenario, from any folder."""
    monkeypatch.chdir(tmp_path)
    child = write(tmp_path, "mine.toml", 'extends = "direct_feedback_loop"\n[world]\nusers = 300\n')
    base = load_scenario("direct_feedback_loop")
    derived = load_scenario(child)
    assert derived.name == "mine"
    assert derived.variants == base.variants
    for name in base.variants:
        assert changed_keys(base.configs[name], derived.configs[name]) == {"world.users"}


def test_extends_a_file_next_to_it_wins_over_a_catalogue_name(tmp_path):
    write(tmp_path, "direct_feedback_loop", TINY_TOML)  # a file named like the catalogue entry
    child = write(tmp_path, "child.toml", 'extends = "direct_feedback_loop"\n')
    assert load_scenario(child).variants == ["greedy", "thompson", "holdout"]


@pytest.mark.parametrize(
    ("base", "needles"),
    [
        ("direct_feedbak_loop", ("next to child.toml", "did you mean 'direct_feedback_loop'")),
        ("sub/base.toml", ("a path relative to child.toml's folder",)),
        ("direct_feedback_loop.toml", ("no such file",)),
    ],
)
def test_extends_names_neither_a_file_nor_a_catalogue_scenario(tmp_path, base, needles):
    child = write(tmp_path, "child.toml", f'extends = "{base}"\n')
    error = file_error(child, "extends", f"{base!r}", "not found", *needles)
    assert error.path == "extends"


def test_extends_cycle(tmp_path):
    a = write(tmp_path, "a.toml", 'extends = "b.toml"\n' + TINY_TOML)
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    error = file_error(a, "extends", "cycle", "a.toml", "b.toml")
    assert error.path == "extends"


def test_extends_itself(tmp_path):
    path = write(tmp_path, "self.toml", 'extends = "self.toml"\n' + TINY_TOML)
    file_error(path, "cycle")


def test_extends_must_be_a_string(tmp_path):
    path = write(tmp_path, "bad.toml", "extends = 3\n" + TINY_TOML)
    file_error(path, "extends", "expected a file name string")


def test_an_error_in_the_base_is_reported(tmp_path):
    write(tmp_path, "base.toml", TINY_TOML.replace("users = 200", "users = 0"))
    child = write(tmp_path, "child.toml", 'extends = "base.toml"\n')
    file_error(child, "world.users", ">= 1")


# --- variants as patches ----------------------------------------------------------------


def test_a_variant_changes_only_what_it_patches():
    configs = resolve_tree(tiny(), SOURCE).configs
    assert changed_keys(configs["greedy"], configs["thompson"]) == {"systems.ranker.policy.kind"}
    assert changed_keys(configs["greedy"], configs["holdout"]) == {
        "systems.ranker.training.holdout_share"
    }
    training = configs["holdout"]["systems"]["ranker"]["training"]
    assert training == {**TINY["systems"]["ranker"]["training"], "holdout_share": 0.05}


def test_the_baseline_is_the_unpatched_tree():
    tree = tiny()
    config = resolve_tree(tree, SOURCE).configs["greedy"]
    assert config["world"] == TINY["world"]
    assert config["systems"] == TINY["systems"]


def test_the_baseline_name_comes_from_the_scenario_table():
    tree = tiny()
    tree["scenario"]["baseline"] = "control"
    del tree["variants"]["greedy"]
    scenario = resolve_tree(tree, SOURCE)
    assert scenario.variants[0] == "control"
    assert set(scenario.variants) == {"control", "thompson", "holdout"}
    assert scenario.configs["control"]["systems"]["ranker"]["policy"]["kind"] == "greedy"


def test_the_default_baseline_name():
    tree = tiny()
    del tree["scenario"]["baseline"]
    del tree["variants"]["greedy"]
    assert resolve_tree(tree, SOURCE).variants[0] == "baseline"


def test_the_baseline_may_not_patch_anything():
    tree = tiny()
    tree["variants"]["greedy"]["world"] = {"users": 300}
    rejected(tree, "variants.greedy", "baseline")


def test_selecting_variants():
    scenario = resolve_tree(tiny(), SOURCE, variants=["thompson"])
    assert scenario.variants == ["thompson"]


def test_an_unknown_variant_gets_a_suggestion():
    error = rejected(
        tiny(), "--variant", "'thompsn'", "did you mean 'thompson'", "greedy", variants=["thompsn"]
    )
    assert error.path == "--variant"


# --- --set overrides --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("scenario.seed=3", "scenario.seed", 3),
        ("world.users = 1_000", "world.users", 1000),
        ("world.base_ctr=0.25", "world.base_ctr", 0.25),
        ("a.b=1e-3", "a.b", 0.001),
        ("a.b=-5", "a.b", -5),
        ("a.b=true", "a.b", True),
        ("a.b=false", "a.b", False),
        ('a.b="hello world"', "a.b", "hello world"),
        ("a.b='single'", "a.b", "single"),
        ("systems.ranker.policy.kind=thompson", "systems.ranker.policy.kind", "thompson"),
        ("a.b=some-word_2", "a.b", "some-word_2"),
        ("a.b=[1, 2, 3]", "a.b", [1, 2, 3]),
        ('a.b=["world.clicks"]', "a.b", ["world.clicks"]),
        ('a.b={ kind = "ucb1", c = 0.5 }', "a.b", {"kind": "ucb1", "c": 0.5}),
        ("a.b=x=y", None, None),
    ],
)
def test_override_values_are_toml(text, key, value):
    if key is None:
        with pytest.raises(ConfigError, match="not a TOML value"):
            parse_override(text)
        return
    got_key, got = parse_override(text)
    assert got_key == key
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("nokey", "expected KEY.PATH=VALUE"),
        ("=3", "not a key path"),
        ("a..b=3", "not a key path"),
        ("a b=3", "not a key path"),
        ("world.users=", "empty"),
        ("world.users=[", "not a TOML value"),
        ("world.users=two words", "not a TOML value"),
    ],
)
def test_bad_overrides_are_config_errors(text, needle):
    with pytest.raises(ConfigError, match="--set") as info:
        parse_override(text)
    assert needle in str(info.value)
    rejected(tiny(), needle, overrides=[text])


def test_set_applies_to_every_variant():
    scenario = resolve_tree(tiny(), SOURCE, overrides=["world.users=300"])
    assert {c["world"]["users"] for c in scenario.configs.values()} == {300}


def test_set_wins_over_a_variants_patch():
    overrides = ["systems.ranker.policy.slate=2", "systems.ranker.policy.kind=ucb1"]
    configs = resolve_tree(tiny(), SOURCE, overrides=overrides).configs
    for config in configs.values():
        assert config["systems"]["ranker"]["policy"] == {"kind": "ucb1", "slate": 2}


def test_set_of_a_variant_key_patches_that_variant_only():
    configs = resolve_tree(
        tiny(), SOURCE, overrides=["variants.thompson.systems.ranker.policy.slate=4"]
    ).configs
    assert configs["thompson"]["systems"]["ranker"]["policy"] == {"kind": "thompson", "slate": 4}
    assert configs["greedy"]["systems"]["ranker"]["policy"]["slate"] == 3
    assert configs["holdout"]["systems"]["ranker"]["policy"]["slate"] == 3


def test_set_of_a_scenario_key():
    scenario = resolve_tree(tiny(), SOURCE, overrides=["scenario.seed=11", "teaching.summary=x"])
    assert scenario.meta.seed == 11
    assert scenario.teaching.summary == "x"


def two_desks() -> dict[str, Any]:
    """The tiny tree with a second system and a variant without it, one with an ε policy."""
    tree = tiny()
    tree["systems"]["other"] = copy.deepcopy(tree["systems"]["ranker"])
    tree["variants"]["alone"] = {"description": "ranker only", "replace": ["systems.other"]}
    tree["variants"]["explore"] = {
        "systems.ranker.policy": {"kind": "epsilon_greedy", "slate": 3, "epsilon": 0.1}
    }
    return tree


def test_set_applies_to_the_variants_that_have_the_key():
    """A variant without the system, or whose policy has no such key, is left alone (noted)."""
    scenario = resolve_tree(
        two_desks(),
        SOURCE,
        overrides=["systems.other.policy.slate=2", "systems.ranker.policy.epsilon=0.3"],
    )
    configs = scenario.configs
    assert "other" not in configs["alone"]["systems"]
    assert {n for n, c in configs.items() if "other" in c["systems"]} == set(configs) - {"alone"}
    assert all(
        c["systems"]["other"]["policy"]["slate"] == 2 for n, c in configs.items() if n != "alone"
    )
    assert configs["explore"]["systems"]["ranker"]["policy"]["epsilon"] == 0.3
    assert all(
        "epsilon" not in c["systems"]["ranker"]["policy"]
        for n, c in configs.items()
        if n != "explore"
    )
    assert scenario.not_applied["alone"] == {
        "systems.other.policy.slate=2": "no system 'other'; systems: ranker",
        "systems.ranker.policy.epsilon=0.3": "unknown key; allowed keys: slate",
    }
    assert "systems.other.policy.slate=2" not in scenario.not_applied["greedy"]
    assert "explore" not in scenario.not_applied


@pytest.mark.parametrize(
    ("text", "variants", "needles"),
    [
        ("systems.ranker.policy.epsilon=0.3", ["greedy", "thompson"], ("epsilon", "unknown key")),
        ("systems.ranker.policy.epsilom=0.3", None, ("did you mean 'epsilon'",)),
        (
            "systems.othr.policy.slate=2",
            None,
            ("no system 'othr' in any variant", "did you mean 'other'", "systems.othr.kind="),
        ),
        ("systems.other.policy.slate=2", ["alone"], ("variant 'alone'", "no system 'other'")),
        ("systems.ranker.policy.epsilon=-1", None, ("variant 'explore'", ">= 0")),
    ],
)
def test_a_set_that_applies_to_no_variant_run_is_an_error(text, variants, needles):
    """A typo is still an error (it applies nowhere), and so is a bad value anywhere."""
    error = rejected(two_desks(), *needles, overrides=[text], variants=variants)
    assert error.path == text.split("=")[0]


def test_set_adds_a_component_when_it_gives_its_kind():
    added = ["systems.shadow.kind=recommender", "systems.shadow.mode=shadow"]
    scenario = resolve_tree(two_desks(), SOURCE, overrides=added)
    assert all(c["systems"]["shadow"]["mode"] == "shadow" for c in scenario.configs.values())
    inline = ['systems.shadow={kind = "recommender", mode = "shadow"}']
    assert resolve_tree(two_desks(), SOURCE, overrides=inline).configs == scenario.configs


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("world.users=abc", ("world.users", "expected an integer, got a string 'abc'")),
        ("world.users=-5", ("world.users", ">= 1")),
        ("world.userz=5", ("world.userz", "did you mean 'users'")),
        ("world.kind=shop", ("world.kind", "unknown kind 'shop'")),
        ("world.users.x=1", ("world.users", "expected an integer")),
        ('systems.ranker.inputs=["nope.x"]', ("systems.ranker.inputs", "nope.x")),
        ("scenario.replicates=0", ("scenario.replicates", ">= 1")),
        ("variants.greedy.world.users=5", ("variants.greedy", "baseline")),
        ("variants=3", ("variants",)),
        ('extends="x.toml"', ("extends",)),
        ("bogus.key=1", ("bogus", "unknown top-level key")),
    ],
)
def test_bad_set_values_are_located(text, needles):
    rejected(tiny(), *needles, overrides=[text])


def test_a_variant_can_replace_a_table_wholesale():
    tree = tiny()
    tree["variants"]["other_policy"] = {
        "description": "a policy with other parameters",
        "replace": ["systems.ranker.policy"],
        "systems.ranker.policy": {"kind": "softmax", "slate": 2, "temperature": 0.5},
    }
    scenario = resolve_tree(tree, SOURCE)
    assert scenario.configs["other_policy"]["systems"]["ranker"]["policy"] == {
        "kind": "softmax",
        "slate": 2,
        "temperature": 0.5,
    }
    # The rest of the system is untouched.
    assert (
        scenario.configs["other_policy"]["systems"]["ranker"]["model"]
        == (tree["systems"]["ranker"]["model"])
    )


def test_replace_names_only_component_paths():
    tree = tiny()
    tree["variants"]["bad"] = {"replace": ["scenario.seed"]}
    rejected(tree, "variants.bad.scenario", "only [world], [systems], [monitors] and [injectors]")
    tree["variants"]["bad"] = {"replace": "world"}
    rejected(tree, "variants.bad.replace", "list of key paths")


def test_sweep_table_is_validated():
    tree = tiny()
    tree["sweep"] = {"grid": {"world.users": [100, 200]}, "replicates": 2}
    assert resolve_tree(tree, SOURCE).sweep.grid == {"world.users": [100, 200]}
    tree["sweep"] = {"grid": {"world.users": 100}}
    rejected(tree, "sweep.grid.world.users", "non-empty list")
    tree["sweep"] = {"grids": {}}
    rejected(tree, "sweep.grids", "did you mean 'grid'")


def test_figure_variants_must_name_variants():
    tree = tiny()
    tree["figure"]["variants"] = ["greedy", "thompsn"]
    error = rejected(tree, "figure.variants", "'thompsn'", "did you mean 'thompson'")
    assert error.path == "figure.variants"
    tree["figure"]["variants"] = ["thompson", "greedy"]
    assert resolve_tree(tree, SOURCE).figure.variants == ("thompson", "greedy")
