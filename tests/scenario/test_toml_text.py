"""Parsing TOML within the stated depth: brackets in strings and comments do not count."""

from __future__ import annotations

import pytest

from sim.core.errors import ConfigError
from sim.scenario.toml_text import MAX_DEPTH, check_depth, parse_toml

DEEP = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)


@pytest.mark.parametrize(
    "text",
    [
        f'a = "{DEEP}"',
        f"a = '{DEEP}'",
        f'a = """\n{DEEP}\n"""',
        f"a = '''\n{DEEP}\n'''",
        f"a = 1 # {DEEP}",
        f'a = "\\"{DEEP}"',
        f'"{DEEP}" = 1',
    ],
    ids=["basic", "literal", "multi-line basic", "multi-line literal", "comment", "escape", "key"],
)
def test_brackets_in_strings_and_comments_do_not_nest(text):
    tree = parse_toml(text)
    assert DEEP in str(tree) or text.endswith(f"# {DEEP}")


def test_nesting_beyond_the_limit_names_the_line():
    with pytest.raises(ConfigError, match=r"nested deeper than 64 levels .*at line 3"):
        parse_toml(f"a = 1\nb = 2\nc = {DEEP}\n")


def test_check_depth_counts_tables_and_arrays():
    tree: dict = {}
    node = tree
    for _ in range(MAX_DEPTH):
        node["k"] = {}
        node = node["k"]
    check_depth(tree)  # MAX_DEPTH levels below the top table
    node["k"] = [1]
    with pytest.raises(ConfigError, match="nested deeper than 64") as info:
        check_depth(tree)
    assert info.value.path is not None and info.value.path.startswith("k.k.k")


def test_an_unterminated_string_is_invalid_toml_not_a_crash():
    with pytest.raises(ConfigError, match="invalid TOML"):
        parse_toml('a = "open [[[[\n')
