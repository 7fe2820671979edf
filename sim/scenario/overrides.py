"""Patches over configuration trees: deep merges and ``--set key.path=value`` overrides."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from sim.core.errors import ConfigError

__all__ = ["deep_merge", "expand_dotted", "has_path", "parse_override", "set_path"]

_KEY_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$")
_BARE_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def expand_dotted(patch: Mapping[str, Any]) -> dict[str, Any]:
    """Turn quoted dotted keys (``"a.b" = 1``) into nested tables (``a = {b = 1}``)."""
    out: dict[str, Any] = {}
    for key, value in patch.items():
        value = expand_dotted(value) if isinstance(value, Mapping) else value
        parts = key.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        last = parts[-1]
        if isinstance(node.get(last), dict) and isinstance(value, dict):
            node[last] = deep_merge(node[last], value)
        else:
            node[last] = value
    return out


def deep_merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """A new tree: ``base`` with ``patch`` merged in (tables merge, other values replace)."""
    out = copy.deepcopy(dict(base))
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def drop_paths(tree: Mapping[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """A new tree without the values at the dotted ``paths`` (absent paths are ignored)."""
    out = copy.deepcopy(dict(tree))
    for path in paths:
        *parents, last = path.split(".")
        node: Any = out
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return out


def has_path(tree: Mapping[str, Any], path: str) -> bool:
    """Whether the dotted ``path`` names a value in ``tree``."""
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def set_path(tree: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A new tree with ``value`` at the dotted ``path`` (missing tables are created)."""
    patch: Any = value
    for part in reversed(path.split(".")):
        patch = {part: patch}
    return deep_merge(tree, patch)


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``key.path=value``; the value is a TOML value, or a bare word taken as a string."""
    if "=" not in text:
        raise ConfigError(f"--set {text!r}: expected KEY.PATH=VALUE, e.g. scenario.seed=3")
    key, raw = (part.strip() for part in text.split("=", 1))
    if not _KEY_PATH.fullmatch(key):
        raise ConfigError(
            f"--set {text!r}: {key!r} is not a key path "
            "(dotted names like systems.ranker.policy.kind)"
        )
    if raw == "":
        raise ConfigError(f"--set {text!r}: the value is empty")
    try:
        value = tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        if not _BARE_WORD.fullmatch(raw) or raw in ("true", "false", "inf", "nan"):
            raise ConfigError(
                f"--set {text!r}: {raw!r} is not a TOML value "
                '(numbers, true/false, "strings", [lists], {tables}) nor a bare word'
            ) from None
        value = raw
    return key, value


def toml_value(value: Any) -> str:
    """TOML text for a value (the inverse of the value half of :func:`parse_override`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return (
            "{"
            + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items())
            + "}"
        )
    raise TypeError(f"cannot write {type(value).__name__} as a TOML value")


def parse_values(text: str, where: str) -> list[Any]:
    """``V1,V2,...`` → values: a TOML array's items, or comma-separated bare words and values."""
    try:
        values = tomllib.loads(f"value = [{text}]")["value"]
    except tomllib.TOMLDecodeError:
        values = [parse_override(f"x={item}")[1] for item in text.split(",") if item.strip()]
    if not values:
        raise ConfigError(f"{where}: no values given")
    return values
