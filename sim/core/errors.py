"""Typed errors. Every message locates the fault: file, key path, allowed values."""

from __future__ import annotations

from typing import Self

__all__ = [
    "ConfigError",
    "DebtsimError",
    "OutputError",
    "UnknownKeyError",
    "UsageError",
    "WiringError",
]


class DebtsimError(Exception):
    """Base class of every error debtsim raises on purpose."""


class ConfigError(DebtsimError):
    """A scenario file, override or parameter is invalid (bad input: exit code 2)."""

    def __init__(self, message: str, *, source: str | None = None, path: str | None = None):
        self.source = source
        self.path = path
        self.detail = message
        where = ""
        if source:
            where += f"{source}: "
        if path:
            where += f"{path}: "
        super().__init__(f"{where}{message}")

    def located(self, source: str | None = None, prefix: str | None = None) -> Self:
        """Return a copy of this error placed in ``source`` and under the key path ``prefix``."""
        path = self.path
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        return type(self)(self.detail, source=source or self.source, path=path)


class UnknownKeyError(ConfigError):
    """A key the schema does not have (its ``path`` names the key); a ``--set`` of such a key
    does not apply to that variant."""


class WiringError(ConfigError):
    """Components are connected wrongly: a read of a signal nobody produces, a duplicate name."""


class UsageError(DebtsimError):
    """A command-line argument is invalid (bad input: exit code 2)."""


class OutputError(DebtsimError):
    """Writing an output failed (a full disk, a folder that became unwritable): exit code 1.
    Files finished before stay complete; no temporary file is left behind."""
