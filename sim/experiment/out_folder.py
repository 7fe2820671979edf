"""An output folder checked before any work: it can be created and written, and it is not a
file or someone else's folder.

:func:`check_writable_folder` creates the folder if needed and writes (then removes) a probe
file in it, so a read-only location, an existing regular file, a path through a file or a full
disk is one :class:`ConfigError` at ``--out`` (exit 2) before anything is simulated, instead of
a traceback after. :func:`check_output_folder` adds what a task store needs: an existing folder
holds debtsim's files (a ``plan.json``) or nothing else, so finishing a run never removes or
overwrites files it did not write.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sim.core.errors import ConfigError
from sim.core.safe_text import clip, printable

__all__ = ["OUTPUT_NAMES", "check_output_folder", "check_writable_folder"]

# Everything a run, sweep or cace folder may hold.
OUTPUT_NAMES = frozenset(
    {
        ".debtsim.lock",
        "plan.json",
        "parts",
        "manifest.json",
        "metrics.parquet",
        "events.parquet",
        "summary.csv",
        "failures.json",
        "cace.csv",
        "sensitivity.csv",
        "figures",
        "sweep.json",
    }
)


def _shown(path: Path) -> str:
    return clip(printable(str(path)), 300)


def check_writable_folder(folder: Path, argument: str = "--out") -> None:
    """Create ``folder`` if needed and make sure a file can be written in it."""
    try:
        _check_writable(folder, argument)
    except OSError as error:  # e.g. a name longer than the system allows
        raise ConfigError(
            f"cannot use {_shown(folder)}: {error.strerror or error}", path=argument
        ) from None


def _check_writable(folder: Path, argument: str) -> None:
    try:
        str(folder.absolute()).encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 in the name: Parquet cannot write
        raise ConfigError(
            f"{_shown(folder)}: the folder's name is not UTF-8 text; choose another {argument}",
            path=argument,
        ) from None
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            f"{_shown(folder)} is a file, not a folder: choose another {argument}",
            path=argument,
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file on the way: mkdir of a/b where a is a file
        raise ConfigError(
            f"cannot create the folder {_shown(folder)}: a part of the path is a file",
            path=argument,
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot create the folder {_shown(folder)}: {error.strerror or error}",
            path=argument,
        ) from None
    try:
        handle, probe = tempfile.mkstemp(prefix=".debtsim-probe-", dir=folder)
        try:
            os.write(handle, b"probe")
        finally:
            os.close(handle)
            os.unlink(probe)
    except OSError as error:
        raise ConfigError(
            f"cannot write in {_shown(folder)}: {error.strerror or error}", path=argument
        ) from None


def check_output_folder(folder: Path) -> None:
    """:func:`check_writable_folder`, and an existing folder must be a debtsim output folder
    (with its ``plan.json``) or hold nothing but debtsim's files."""
    try:
        ours = not folder.is_dir() or (folder / "plan.json").is_file()
    except OSError:
        ours = True  # check_writable_folder says what is wrong with the name
    if not ours:
        foreign = sorted(
            entry.name
            for entry in folder.iterdir()
            if entry.name not in OUTPUT_NAMES and not entry.name.endswith(".tmp")
        )
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise ConfigError(
                f"{_shown(folder)} holds files debtsim did not write ({clip(shown, 120)}): "
                "choose a new or empty folder",
                path="--out",
            )
    check_writable_folder(folder)
