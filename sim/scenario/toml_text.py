"""Parsing TOML text within stated limits: a file, a ``--set`` value, a design cell.

:func:`parse_toml` is ``tomllib.loads`` that never ends in a Python error: invalid TOML,
nesting deeper than :data:`MAX_DEPTH` levels (arrays and tables, counted before parsing: the
parser itself recurses) and integers too long to convert are each one :class:`ConfigError`.
:func:`check_depth` bounds a parsed tree (dotted keys nest without brackets).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

from sim.core.errors import ConfigError
from sim.core.safe_text import clip

__all__ = ["MAX_DEPTH", "check_depth", "parse_toml"]

MAX_DEPTH = 64  # levels of nested tables and arrays a scenario may use (the catalogue uses 5)

# Strings and comments (whose brackets do not nest), brackets, and a lone quote (unterminated:
# the parser reports it).
_TOKENS = re.compile(
    r'"""(?:\\.|[^\\])*?"""|\'\'\'.*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]|["\']',
    re.DOTALL,
)


def _too_deep_at(text: str) -> int | None:
    """The offset where brackets first nest deeper than :data:`MAX_DEPTH`, if they do."""
    depth = 0
    for token in _TOKENS.finditer(text):
        kind = token.group()
        if kind in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return token.start()
        elif kind in "]}":
            depth = max(0, depth - 1)
    return None


def parse_toml(text: str) -> dict[str, Any]:
    """The TOML tree of ``text``; a :class:`ConfigError` (to be located by the caller)."""
    offset = _too_deep_at(text)
    if offset is not None:
        line = text.count("\n", 0, offset) + 1
        raise ConfigError(
            f"nested deeper than {MAX_DEPTH} levels of arrays and tables (at line {line}); "
            f"at most {MAX_DEPTH} are allowed"
        )
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}") from None
    except ValueError as error:  # an integer beyond Python's digit limit
        raise ConfigError(f"invalid TOML: {clip(str(error), 80)}") from None
    except RecursionError:  # the count above is lexical; the parser's limit is the last word
        raise ConfigError(
            f"nested too deeply to read; at most {MAX_DEPTH} levels are allowed"
        ) from None
    check_depth(tree)
    return tree


def check_depth(value: Any, path: str = "") -> None:
    """Raise a :class:`ConfigError` if ``value`` nests deeper than :data:`MAX_DEPTH` levels."""
    stack: list[tuple[Any, int, str]] = [(value, 0, path)]  # the top table is level 0
    while stack:
        node, depth, where = stack.pop()
        if isinstance(node, Mapping):
            children = [(v, f"{where}.{k}" if where else str(k)) for k, v in node.items()]
        elif isinstance(node, (list, tuple)):
            children = [(v, f"{where}[{i}]") for i, v in enumerate(node)]
        else:
            continue
        if depth > MAX_DEPTH:
            raise ConfigError(
                f"nested deeper than {MAX_DEPTH} levels of arrays and tables; at most "
                f"{MAX_DEPTH} are allowed",
                path=clip(where, 60) or None,
            )
        stack.extend((child, depth + 1, key) for child, key in children)
