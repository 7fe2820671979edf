"""Finding and reading scenario files: catalogue names, TOML parsing and ``extends``.

``extends = "base.toml"`` names a file relative to the extending file's folder, or (a bare
name, as on the command line) a catalogue scenario: ``extends = "direct_feedback_loop"``. A
file that exists wins over a catalogue name.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.scenario.overrides import deep_merge

__all__ = ["catalogue", "find_scenario", "read_scenario_file", "scenario_dirs"]


def scenario_dirs() -> list[Path]:
    """Folders searched for catalogue names: ./scenarios, then the one shipped with debtsim."""
    here = Path(__file__).resolve()
    candidates = [
        Path.cwd() / "scenarios",
        here.parents[2] / "scenarios",  # a source checkout
        here.parents[1] / "scenarios_data",  # an installed wheel
    ]
    seen: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in seen:
            seen.append(folder.resolve())
    return seen


def catalogue() -> dict[str, Path]:
    """Catalogue name → file, first folder wins."""
    found: dict[str, Path] = {}
    for folder in scenario_dirs():
        for path in sorted(folder.glob("*.toml")):
            found.setdefault(path.stem, path)
    return found


def find_scenario(name_or_path: str) -> Path:
    """A scenario file from a path or a catalogue name."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    if path.suffix == ".toml" or "/" in name_or_path:
        raise ConfigError(f"no such scenario file: {name_or_path}")
    names = catalogue()
    if name_or_path in names:
        return names[name_or_path]
    raise ConfigError(
        f"no scenario called {name_or_path!r}{suggest(name_or_path, names)}; "
        f"catalogue: {', '.join(sorted(names)) or 'empty'}"
    )


def read_scenario_file(path: Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's TOML tree with any ``extends`` base merged underneath it."""
    path = path.resolve()
    if path in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, path))
        raise ConfigError(f"extends forms a cycle: {cycle}", source=str(path), path="extends")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror}", source=str(path)) from None
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}", source=str(path)) from None
    base_name = tree.pop("extends", None)
    if base_name is None:
        return tree
    if not isinstance(base_name, str):
        raise ConfigError("expected a file name string", source=str(path), path="extends")
    base = read_scenario_file(_base_file(path, base_name), (*_chain, path))
    base.get("scenario", {}).pop("name", None)
    return deep_merge(base, tree)


def _base_file(child: Path, base_name: str) -> Path:
    """The file ``extends = base_name`` names: a path relative to the child's folder, else (a
    bare name, as on the command line) a catalogue name; the path wins when both exist."""
    base_path = child.parent / base_name
    if base_path.is_file():
        return base_path
    bare = "/" not in base_name and "\\" not in base_name and Path(base_name).suffix != ".toml"
    names = catalogue() if bare else {}
    if base_name in names:
        return names[base_name]
    hint = (
        f" next to {child.name}, nor a catalogue name{suggest(base_name, names)}"
        if bare
        else f" (a path relative to {child.name}'s folder)"
    )
    raise ConfigError(
        f"base {base_name!r} not found: no such file{hint}", source=str(child), path="extends"
    )
