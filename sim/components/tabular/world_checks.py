"""Checks of a tabular component's settings against the world it is wired to (for
``validate_wiring``): the features and labels it names must be the world's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.core.errors import ConfigError
from sim.core.params import suggest

__all__ = ["check_feature", "check_features", "check_label", "world_features"]


def world_features(world: Any) -> list[str] | None:
    """The feature names of a tabular world; ``None`` for a world that has none."""
    names = getattr(getattr(world, "params", None), "features", None)
    return list(names) if isinstance(names, Mapping) else None


def check_feature(world: Any, name: str, path: str) -> None:
    """A ConfigError at ``path`` unless ``name`` is a feature of the tabular ``world`` (no
    check for a world without features)."""
    known = world_features(world)
    if known is not None and name not in known:
        raise ConfigError(
            f"no feature {name!r}{suggest(name, known)} in the world; features: {', '.join(known)}",
            path=path,
        )


def check_features(world: Any, names: Sequence[str], key: str) -> None:
    """:func:`check_feature` of each of ``names``, at ``key[i]``."""
    for i, name in enumerate(names):
        check_feature(world, name, f"{key}[{i}]")


def check_label(world: Any, label: str, path: str) -> None:
    """A ConfigError at ``path`` unless ``label`` is '' (the main label) or a related label of
    the tabular ``world``."""
    labels = list(getattr(getattr(world, "params", None), "labels", None) or {})
    if label and label not in labels:
        raise ConfigError(
            f"no related label {label!r}{suggest(label, labels)} in the world; "
            f"labels: {', '.join(labels) or 'none'} ('' for the main label)",
            path=path,
        )
