"""The output-folder lock: one process writes a folder at a time.

``<folder>/.debtsim.lock`` holds the owner's pid, host and start time. A second process that
opens the folder fails at once with :class:`FolderInUse` (bad input: exit 2) naming the folder
and the owner; a lock whose owner is dead (same host, no such pid) is stale and taken over.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from sim.core.errors import ConfigError, OutputError

__all__ = ["LOCK_NAME", "FolderInUse", "FolderLock"]

LOCK_NAME = ".debtsim.lock"


class FolderInUse(ConfigError):
    """Another live process holds the output folder."""


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class FolderLock:
    """Hold ``folder`` for this process (a context manager; re-entrant within the process)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.held = False
        self.took_over: dict[str, Any] | None = None

    def acquire(self) -> FolderLock:
        """Take the lock, or raise :class:`FolderInUse`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        mine = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        for _ in range(3):
            try:
                handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is None:
                    continue  # vanished or half-written: try again
                if owner.get("host") == mine["host"] and not _alive(int(owner.get("pid", -1))):
                    self.took_over = owner  # stale: its owner died without releasing it
                    self.path.unlink(missing_ok=True)
                    continue
                started = time.strftime(
                    "%Y-%m-%d %H:%M:%S", time.localtime(float(owner.get("started", 0)))
                )
                raise FolderInUse(
                    f"the output folder {self.folder} is in use by process {owner.get('pid')} "
                    f"on {owner.get('host')} (since {started}); wait for it to finish or choose "
                    "another --out",
                ) from None
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(mine, out)
            except OSError as error:  # e.g. a full disk: no half-written lock stays
                self.path.unlink(missing_ok=True)
                raise OutputError(f"cannot write {self.path}: {error.strerror or error}") from None
            self.held = True
            return self
        raise FolderInUse(f"cannot take the lock {self.path}")

    def _owner(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
            owner = json.loads(text)
        except (OSError, ValueError):
            # a lock being written this instant, or removed: give it a moment
            time.sleep(0.05)
            try:
                owner = json.loads(self.path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                return None
            except (OSError, ValueError):
                return {"pid": -1, "host": socket.gethostname(), "started": 0}
        return owner if isinstance(owner, dict) else None

    def release(self) -> None:
        """Give the folder back (only if this process holds it)."""
        if self.held:
            self.held = False
            try:
                owner = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return
            if owner.get("pid") == os.getpid():
                self.path.unlink(missing_ok=True)

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()
