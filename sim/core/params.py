"""Declared, validated parameters.

Components, learners and policies declare their parameters as dataclass fields made with
:func:`param`, which carries the allowed range and a one-line doc. :func:`from_mapping` builds
such a dataclass from a raw mapping (a TOML table), rejecting unknown keys (with a
did-you-mean), wrong types and out-of-range values with a :class:`ConfigError` that names the
key path and what is allowed.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import types
import typing
from collections.abc import Hashable, Mapping
from typing import Any, Literal, TypeVar, Union, cast, get_args, get_origin

from sim.core.errors import ConfigError, UnknownKeyError
from sim.core.safe_text import short_value

__all__ = ["describe", "from_mapping", "param", "suggest", "table", "type_name"]

T = TypeVar("T")

_INT_LIMIT = 2**63


def param(
    default: Any,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    doc: str = "",
) -> Any:
    """A dataclass field with a default, an allowed range and a one-line description."""
    meta = {"ge": ge, "gt": gt, "le": le, "lt": lt, "doc": doc}
    if isinstance(default, (list, set)):
        frozen = tuple(default)
        return dataclasses.field(default_factory=lambda: frozen, metadata=meta)
    if isinstance(default, dict):
        return dataclasses.field(default_factory=lambda: dict(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def suggest(word: str, options: typing.Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss among ``options``, else an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def type_name(tp: Any) -> str:
    """A reader's name for a type annotation."""
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(a) for a in get_args(tp))
    if origin in (tuple, list):
        args = [a for a in get_args(tp) if a is not Ellipsis]
        return f"a list of {type_name(args[0])}" if args else "a list"
    if tp is type(None):
        return "absent"
    if tp is float:
        return "a number"
    if tp is int:
        return "an integer"
    if tp is bool:
        return "true or false"
    if tp is str:
        return "a string"
    return getattr(tp, "__name__", str(tp))


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, datetime.datetime):
        return "a date-time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, datetime.time):
        return "a time of day"
    return type(value).__name__


def _shown(value: Any) -> str:
    """A value from a file in a message: its TOML type and its value, shortened."""
    return f"{_toml_type(value)} {short_value(value)}"


def _coerce(value: Any, tp: Any, key: str) -> Any:
    """Check ``value`` against ``tp``; return it (ints widen to floats). Raise ConfigError."""
    origin = get_origin(tp)
    if origin is Literal:
        allowed = get_args(tp)
        if value in allowed and type(value) is type(allowed[0]):
            return value
        hint = suggest(value, [str(a) for a in allowed]) if isinstance(value, str) else ""
        raise ConfigError(
            f"got {short_value(value)}; allowed: {', '.join(repr(a) for a in allowed)}{hint}",
            path=key,
        )
    if origin in (Union, types.UnionType):
        options = get_args(tp)
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _coerce(value, option, key)
            except ConfigError:
                continue
        raise ConfigError(f"expected {type_name(tp)}, got {_shown(value)}", path=key)
    if origin in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"expected {type_name(tp)}, got {_toml_type(value)}", path=key)
        (inner, *_) = [a for a in get_args(tp) if a is not Ellipsis] or [Any]
        return tuple(_coerce(v, inner, f"{key}[{i}]") for i, v in enumerate(value))
    if tp is Any:
        return value
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return from_mapping(tp, value, key)
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            if not -_INT_LIMIT <= value < _INT_LIMIT:  # numpy's integers hold 64 bits
                raise ConfigError(
                    f"got {short_value(value)}; an integer must lie within ±9.2e18 (64 bits)",
                    path=key,
                )
            return value
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:  # an integer beyond the largest float
                number = float("inf")
            if number != number or number in (float("inf"), float("-inf")):
                raise ConfigError(
                    f"expected a finite number (within ±1.8e308), got {short_value(value)}",
                    path=key,
                )
            return number
    elif tp is str:
        if isinstance(value, str):
            return value
    else:
        raise TypeError(f"unsupported parameter type {tp!r} for {key}")
    raise ConfigError(f"expected {type_name(tp)}, got {_shown(value)}", path=key)


def _check_range(value: Any, meta: Mapping[str, Any], key: str) -> None:
    values = value if isinstance(value, tuple) else (value,)
    checks = {
        "ge": lambda a, b: a >= b,
        "gt": lambda a, b: a > b,
        "le": lambda a, b: a <= b,
        "lt": lambda a, b: a < b,
    }
    for v in values:
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            continue
        for name, ok in checks.items():
            bound = meta.get(name)
            if bound is not None and not ok(v, bound):
                raise ConfigError(f"got {short_value(v)}; must be {_range_text(meta)}", path=key)


def _range_text(meta: Mapping[str, Any]) -> str:
    parts = []
    for name, symbol in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if meta.get(name) is not None:
            parts.append(f"{symbol} {meta[name]}")
    return " and ".join(parts) if parts else "any value"


def _default_of(f: dataclasses.Field) -> Any:
    """A field's default value (``None`` if it has none)."""
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def table(default: Any, doc: str = "") -> Any:
    """A nested parameter table (a dataclass field) whose default is the instance ``default``."""
    return dataclasses.field(default_factory=lambda: default, metadata={"doc": doc})


def field_types(cls: type) -> dict[str, Any]:
    """The resolved type hints of a parameter dataclass (cached: resolving them is slow)."""
    return _type_hints(cls)


@functools.cache
def _type_hints(cls: Hashable) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def describe(cls: type) -> list[tuple[str, str, Any, str]]:
    """Rows ``(key, allowed, default, doc)`` describing the parameters of ``cls``."""
    hints = field_types(cls)
    rows = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        default = _default_of(f)
        allowed = type_name(hints[f.name])
        if any(f.metadata.get(k) is not None for k in ("ge", "gt", "le", "lt")):
            allowed += f", {_range_text(f.metadata)}"
        rows.append((f.name, allowed, default, f.metadata.get("doc", "")))
    return rows


def from_mapping(
    cls: type[T], raw: Mapping[str, Any], path: str = "", ignore: tuple = (), base: T | None = None
) -> T:
    """Build the parameter dataclass ``cls`` from ``raw``, validating every key.

    ``path`` is the key path of ``raw`` in the scenario (used in messages); keys in ``ignore``
    (such as ``kind``) are skipped. Keys absent from ``raw`` take ``base``'s values if given,
    else the defaults. A field whose type is itself a parameter dataclass is a nested table,
    validated the same way over the field's default.
    """
    if not isinstance(raw, Mapping):
        raise ConfigError(f"expected a table, got {_toml_type(raw)}", path=path or None)
    hints = field_types(cls)
    fields = {f.name: f for f in dataclasses.fields(cast(Any, cls)) if f.init}
    prefix = f"{path}." if path else ""
    for key in raw:
        if key in ignore:
            continue
        if key not in fields:
            allowed = ", ".join(sorted(fields)) or "none"
            raise UnknownKeyError(
                f"unknown key{suggest(key, fields)}; allowed keys: {allowed}",
                path=f"{prefix}{key}",
            )
    values = {}
    for name, f in fields.items():
        if name not in raw:
            continue
        key = f"{prefix}{name}"
        tp = hints[name]
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            inner = raw[name]
            if not isinstance(inner, Mapping):
                raise ConfigError(f"expected a table, got {_toml_type(inner)}", path=key)
            value = from_mapping(tp, inner, key, base=_default_of(f))
            values[name] = value
            continue
        value = _coerce(raw[name], tp, key)
        _check_range(value, f.metadata, key)
        values[name] = value
    try:
        if base is not None:
            return dataclasses.replace(base, **values)  # type: ignore[type-var]
        return cls(**values)
    except ConfigError as error:
        raise error.located(prefix=path or None) from None
