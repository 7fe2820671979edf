"""Patches over configuration trees: deep merges and ``--set key.path=value`` overrides."""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.core.safe_text import short_value
from sim.scenario.toml_text import MAX_DEPTH, parse_toml

__all__ = [
    "check_key_path",
    "deep_merge",
    "expand_dotted",
    "parse_override",
    "parse_value",
    "parse_values",
    "set_path",
]

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


def drop_paths(tree: Mapping[str, Any], paths: Sequence[str], where: str) -> dict[str, Any]:
    """A new tree without the values at the dotted ``paths``; a path ``tree`` does not have is a
    :class:`ConfigError` at ``where`` (a ``replace`` of nothing is a typo)."""
    out = copy.deepcopy(dict(tree))
    for path in paths:
        node: Any = out
        parts = path.split(".")
        for depth, part in enumerate(parts):
            if not isinstance(node, dict) or part not in node:
                above = ".".join(parts[:depth])
                keys = list(node) if isinstance(node, dict) else []
                has = f"; {above or 'the top level'} has: {', '.join(map(str, keys)) or 'nothing'}"
                raise ConfigError(
                    f"{short_value(path)}: the baseline has no {'.'.join(parts[: depth + 1])} "
                    f"to replace{suggest(part, keys)}{has if isinstance(node, dict) else ''}",
                    path=where,
                )
            if depth == len(parts) - 1:
                node.pop(part)
            else:
                node = node[part]
    return out


def set_path(tree: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A new tree with ``value`` at the dotted ``path`` (missing tables are created)."""
    patch: Any = value
    for part in reversed(path.split(".")):
        patch = {part: patch}
    return deep_merge(tree, patch)


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``key.path=value``; the value is a TOML value, or a bare word taken as a string."""
    where = f"--set {short_value(text, 80)}"
    if "=" not in text:
        raise ConfigError(f"{where}: expected KEY.PATH=VALUE, e.g. scenario.seed=3")
    key, raw = (part.strip() for part in text.split("=", 1))
    check_key_path(key, where)
    return key, parse_value(raw, where)


def check_key_path(key: str, where: str) -> None:
    """Raise a :class:`ConfigError` (prefixed ``where``) unless ``key`` is a dotted key path."""
    if not _KEY_PATH.fullmatch(key):
        raise ConfigError(
            f"{where}: {short_value(key)} is not a key path "
            "(dotted names like systems.ranker.policy.kind)"
        )
    if key.count(".") >= MAX_DEPTH:
        raise ConfigError(
            f"{where}: the key path has more than {MAX_DEPTH} parts; "
            f"at most {MAX_DEPTH} are allowed"
        )


def parse_value(raw: str, where: str) -> Any:
    """A ``--set``, ``--grid`` or design value: TOML, or a bare word taken as a string."""
    if raw == "":
        raise ConfigError(f"{where}: the value is empty")
    try:
        tree: dict[str, Any] | None = parse_toml(f"value = {raw}")
    except ConfigError as error:
        if not error.detail.startswith("invalid TOML"):
            raise ConfigError(f"{where}: {error.detail}") from None
        tree = None
    if tree is None or list(tree) != ["value"]:  # not one value (a line break, more keys)
        if not _BARE_WORD.fullmatch(raw) or raw in ("true", "false", "inf", "nan"):
            raise ConfigError(
                f"{where}: {short_value(raw)} is not a TOML value "
                '(numbers, true/false, "strings", [lists], {tables}) nor a bare word'
            )
        return raw
    _refuse_dates(tree["value"], where)
    return tree["value"]


def _refuse_dates(value: Any, where: str) -> None:
    """No setting is a date or a time of day: a TOML date is a typo for a number or a string."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (datetime.date, datetime.time)):
            raise ConfigError(
                f"{where}: {item.isoformat()} is a TOML date or time, which no setting takes; "
                'quote it to give a string ("...")'
            )
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


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
        values = parse_toml(f"value = [{text}]")["value"]
    except ConfigError as error:
        if not error.detail.startswith("invalid TOML"):
            raise ConfigError(f"{where}: {error.detail}") from None
        values = [parse_value(item.strip(), where) for item in text.split(",") if item.strip()]
    _refuse_dates(values, where)
    if not values:
        raise ConfigError(f"{where}: no values given")
    return values
