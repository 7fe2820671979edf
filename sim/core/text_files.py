"""Reading a text file debtsim is given (a scenario, a base it extends, a design CSV).

:func:`read_text_file` returns the file's text or raises one :class:`ConfigError` naming the
file: it cannot be read (with the system's reason), it holds more than :data:`MAX_BYTES` (a
device such as ``/dev/zero`` is not read forever), or it is not UTF-8 (with the line, column
and byte offset of the first bad byte). A UTF-8 byte-order mark, as some editors write, is
skipped.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from sim.core.errors import ConfigError

__all__ = ["MAX_BYTES", "read_text_file"]

MAX_BYTES = 64 * 2**20  # a scenario is a few kB; a design of 100,000 points a few MB


def read_text_file(path: str | Path) -> str:
    """The UTF-8 text of ``path``; a :class:`ConfigError` (``source``: the file) otherwise."""
    try:
        with Path(path).open("rb") as handle:  # a pipe (<(...)) or a device is read too
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror or error}", source=str(path)) from None
    if len(data) > MAX_BYTES:
        raise ConfigError(
            f"larger than {MAX_BYTES // 2**20} MiB: not a file debtsim reads", source=str(path)
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(_not_utf8(data, error.start), source=str(path)) from None


def _not_utf8(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return (
        f"not UTF-8 text: byte 0x{data[offset]:02x} at line {line}, column {column} "
        f"(byte offset {offset}); save the file as UTF-8"
    )
