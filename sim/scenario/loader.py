"""Finding and reading scenario files: catalogue names, TOML parsing and ``extends``.

``extends = "base.toml"`` names a file relative to the extending file's folder, or (a bare
name, as on the command line) a catalogue scenario: ``extends = "direct_feedback_loop"``. A
file that exists wins over a catalogue name; a path (with a folder in it) must end in
``.toml``, so an ``extends`` cannot pull in an arbitrary file. A chain holds at most
:data:`MAX_EXTENDS` files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.core.safe_text import clip, printable, short_value
from sim.core.text_files import read_text_file
from sim.scenario.overrides import deep_merge
from sim.scenario.toml_text import parse_toml

__all__ = ["MAX_EXTENDS", "catalogue", "find_scenario", "read_scenario_file", "scenario_dirs"]

MAX_EXTENDS = 32  # files in one chain of extends (the catalogue uses 2)
PATH_LIMIT = 300  # characters of a file name echoed in a message


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
    if _is_file(path, name_or_path):
        return path
    shown = short_value(name_or_path, PATH_LIMIT)
    if path.suffix == ".toml" or "/" in name_or_path:
        raise ConfigError(f"no such scenario file: {clip(printable(name_or_path), PATH_LIMIT)}")
    names = catalogue()
    if name_or_path in names:
        return names[name_or_path]
    raise ConfigError(
        f"no scenario called {shown}{suggest(name_or_path, names)}; "
        f"catalogue: {', '.join(sorted(names)) or 'empty'}"
    )


def _is_file(path: Path, name: str, source: str | None = None) -> bool:
    """Whether ``path`` is a file; a name the system cannot look up is a ConfigError."""
    try:
        return path.is_file()
    except OSError as error:  # e.g. a name longer than the system allows
        raise ConfigError(
            f"cannot look up {short_value(name)}: {error.strerror or error}",
            source=source,
            path="extends" if source else None,
        ) from None


def read_scenario_file(path: Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's TOML tree with any ``extends`` base merged underneath it.

    Every error names the file it is in: a base's own problems (bytes, syntax, nesting) are
    reported against the base, a bad ``extends`` against the file that has it.
    """
    path = path.resolve()
    if path in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, path))
        raise ConfigError(f"extends forms a cycle: {cycle}", source=str(_chain[-1]), path="extends")
    try:
        tree = parse_toml(read_text_file(path))
    except ConfigError as error:
        raise error.located(source=str(path)) from None
    base_name = tree.pop("extends", None)
    if base_name is None:
        return tree
    if not isinstance(base_name, str):
        raise ConfigError("expected a file name string", source=str(path), path="extends")
    if len(_chain) + 1 >= MAX_EXTENDS:
        raise ConfigError(
            f"a chain of more than {MAX_EXTENDS} files extending one another "
            f"({_chain[0].name if _chain else path.name} -> … -> {path.name}); "
            f"at most {MAX_EXTENDS} are allowed",
            source=str(path),
            path="extends",
        )
    base = read_scenario_file(_base_file(path, base_name), (*_chain, path))
    base.get("scenario", {}).pop("name", None)
    return deep_merge(base, tree)


def _base_file(child: Path, base_name: str) -> Path:
    """The file ``extends = base_name`` names: a path relative to the child's folder, else (a
    bare name, as on the command line) a catalogue name; the path wins when both exist."""
    source = str(child)
    bare = "/" not in base_name and "\\" not in base_name and Path(base_name).suffix != ".toml"
    if not bare and Path(base_name).suffix != ".toml":
        raise ConfigError(
            f"got {short_value(base_name)}: a base is a scenario file (a path ending in .toml, "
            "relative to this file's folder) or a catalogue name",
            source=source,
            path="extends",
        )
    base_path = child.parent / base_name
    if _is_file(base_path, base_name, source):
        return base_path
    names = catalogue() if bare else {}
    if base_name in names:
        return names[base_name]
    hint = (
        f" next to {child.name}, nor a catalogue name{suggest(base_name, names)}"
        if bare
        else f" (a path relative to {child.name}'s folder)"
    )
    raise ConfigError(
        f"base {short_value(base_name)} not found: no such file{hint}",
        source=source,
        path="extends",
    )
