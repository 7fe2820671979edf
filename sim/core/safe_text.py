"""Text from a file made safe to print: control characters escaped, long values shortened.

A scenario file can hold any character, and a file reached by ``extends`` may not be a scenario
at all. Whatever debtsim prints from a file goes through :func:`printable` (terminal escape
sequences, carriage returns, bidirectional overrides and other non-printing characters become
``\\x1b``-style escapes, so they never reach the terminal raw), and a value echoed in an error
message goes through :func:`short_value` (its escaped ``repr``, cut to a few dozen characters).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

__all__ = ["VALUE_LIMIT", "clip", "printable", "short_value"]

VALUE_LIMIT = 40  # characters of a value echoed in a message


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every non-printing character escaped (``newlines``: keep line breaks)."""
    if text.isprintable():
        return text
    kept = " \n" if newlines else " "
    return "".join(ch if ch.isprintable() or ch in kept else _escape(ch) for ch in text)


def clip(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def short_value(value: Any, limit: int = VALUE_LIMIT) -> str:
    """A value from a file as a message shows it: its ``repr``, escaped and shortened."""
    if isinstance(value, (datetime.date, datetime.time)):  # a TOML date or time
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 128:
        return f"an integer of {math.floor(math.log10(abs(value))) + 1} digits"
    return clip(printable(repr(value)), limit)
