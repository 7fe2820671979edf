"""The registry: which ``kind`` names which component class, per scenario section.

It is assembled from families, never edited by hand: every sub-package of
``sim.components`` that declares ``FAMILY`` (a :class:`~sim.components.base.Family`), every
installed package that declares one under the entry-point group ``debtsim.families``, and every
family registered at run time with :func:`register_family` (a scenario's ``[scenario]
families = ["module"]`` does this for the modules it names). A kind or a class registered twice
is an error.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from types import ModuleType

from sim.components.base.family import Family
from sim.core.errors import ConfigError
from sim.engine.component import Component

__all__ = [
    "ENTRY_POINT_GROUP",
    "SECTIONS",
    "SECTION_NAMES",
    "families",
    "family_of",
    "load_family_module",
    "register_family",
    "sections",
]

SECTION_NAMES = ("world", "systems", "monitors", "injectors")
ENTRY_POINT_GROUP = "debtsim.families"

_registered: list[Family] = []
_cache: dict[str, dict[str, type[Component]]] | None = None


def _builtin() -> list[Family]:
    import sim.components as package

    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        family = getattr(module, "FAMILY", None)
        if isinstance(family, Family):
            found.append(family)
    return found


def _installed() -> list[Family]:
    found = []
    for point in entry_points(group=ENTRY_POINT_GROUP):
        family = point.load()
        if isinstance(family, ModuleType):
            family = getattr(family, "FAMILY", None)
        if isinstance(family, Family):
            found.append(family)
    return found


def families() -> list[Family]:
    """Every family: built in, installed, registered at run time."""
    return [*_builtin(), *_installed(), *_registered]


def register_family(family: Family) -> None:
    """Add a family at run time (a no-op if it is already registered)."""
    global _cache
    if family not in _registered:
        _registered.append(family)
        _cache = None


def load_family_module(module: str, path: str = "scenario.families") -> Family:
    """Import ``module``, register the ``FAMILY`` it declares and return it."""
    try:
        imported = importlib.import_module(module)
    except ImportError as error:
        raise ConfigError(f"cannot import family module {module!r}: {error}", path=path) from None
    family = getattr(imported, "FAMILY", None)
    if not isinstance(family, Family):
        raise ConfigError(
            f"module {module!r} declares no FAMILY = sim.components.base.Family(...)", path=path
        )
    register_family(family)
    return family


def _assemble() -> dict[str, dict[str, type[Component]]]:
    table: dict[str, dict[str, type[Component]]] = {s: {} for s in SECTION_NAMES}
    owner: dict[type, str] = {}
    for family in families():
        for cls in family.components:
            if cls.section not in table:
                raise TypeError(
                    f"{cls.__name__} of family {family.name!r} has section {cls.section!r}; "
                    f"allowed: {', '.join(SECTION_NAMES)}"
                )
            if cls in owner:
                raise TypeError(
                    f"{cls.__name__} is registered by both {owner[cls]!r} and {family.name!r}"
                )
            kinds = table[cls.section]
            if cls.kind in kinds:
                raise TypeError(
                    f"kind {cls.kind!r} in section {cls.section!r} is claimed by both "
                    f"{kinds[cls.kind].__name__} and {cls.__name__} ({family.name!r})"
                )
            owner[cls] = family.name
            kinds[cls.kind] = cls
    return table


def sections() -> dict[str, dict[str, type[Component]]]:
    """Section → kind → component class."""
    global _cache
    if _cache is None:
        _cache = _assemble()
    return _cache


def family_of(cls: type[Component]) -> Family:
    """The family that registers ``cls``."""
    for family in families():
        if cls in family.components:
            return family
    raise KeyError(cls.__name__)


class _Sections(Mapping[str, dict[str, type[Component]]]):
    """``SECTIONS[section][kind]``: the assembled registry, built on first use."""

    def __getitem__(self, section: str) -> dict[str, type[Component]]:
        return sections()[section]

    def __iter__(self) -> Iterator[str]:
        return iter(sections())

    def __len__(self) -> int:
        return len(sections())


SECTIONS: Mapping[str, dict[str, type[Component]]] = _Sections()
