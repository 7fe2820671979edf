"""Versioned reads: how a read names a release, what makes a versioned read wrong at wiring,
and the record of which release each reader read (``read`` and ``fault`` events, reader-days).

A read is ``name`` or ``name@ref``: ``ref`` is ``latest`` (the default), an alias the producer
moves (``champion``) or a release number. :class:`ReleaseLog` records the first read of each
(reader, signal, ref) on each day as a ``read`` event with the release served, counts the
reader-days per release for the manifest, and records a read of a retired release as a
``fault`` event (``retired_release``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["LATEST", "ReleaseLog", "release_read_problem", "split_ref"]

LATEST = "latest"


def split_ref(spec: str) -> tuple[str, str]:
    """``"a.scores@3"`` → ``("a.scores", "3")``; no ``@`` reads the latest release."""
    name, _, ref = spec.partition("@")
    return name, ref or LATEST


def release_read_problem(
    reader: str,
    signal: str,
    ref: str,
    declared: bool,
    producer: str,
    keep_releases: int,
    access: str,
) -> str | None:
    """Why a declared read cannot be wired (None: it can): a pinned or aliased read of an
    unversioned signal, a malformed ref, an undeclared read of an access-controlled signal."""
    if ref != LATEST and not keep_releases:
        return (
            f"{reader!r} reads {signal}@{ref}, but {producer!r} keeps no releases of "
            f"{signal!r}; read {signal!r} (the latest)"
        )
    if ref != LATEST and not ref.isdigit() and not ref.isidentifier():
        return f"{reader!r} reads {signal}@{ref}: a release is a number, an alias or latest"
    if access == "declared" and not declared:
        return (
            f"{reader!r} reads {signal!r} without declaring it, and {producer!r} serves declared "
            "consumers only (access control): declare the read"
        )
    return None


class ReleaseLog:
    """Which release of which versioned signal each reader read, day by day."""

    def __init__(self, recorder: Any):
        self.recorder = recorder
        self._days: Counter[tuple[str, str, str, int]] = Counter()
        self._last_day: dict[tuple[str, str, str], float] = {}

    def note(self, now: float, reader: str, signal: str, ref: str, release: int) -> None:
        """Count a reader-day of a release; the first read of a day records a ``read`` event."""
        key = (reader, signal, ref)
        if self._last_day.get(key) == now:
            return
        self._last_day[key] = now
        self._days[(reader, signal, ref, release)] += 1
        self.recorder.event(now, reader, "read", signal=signal, ref=ref, release=release)

    def fault(
        self, now: float, reader: str, signal: str, ref: str, served: int, kept: list[int]
    ) -> None:
        """Record a read of a release that is not kept (``served``, the latest, was served)."""
        self.recorder.event(
            now,
            reader,
            "fault",
            fault="retired_release",
            signal=signal,
            ref=ref,
            served=served,
            kept=kept,
        )

    def summary(self) -> list[tuple[str, str, str, int, int]]:
        """(reader, signal, ref, release, days) for every versioned read made, sorted."""
        return sorted((*key, days) for key, days in self._days.items())
