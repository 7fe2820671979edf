"""A CACE perturbation must change an existing setting of the perturbed variant.

``--perturb world.features.x9.scale=2`` in a world without a feature ``x9`` validates (it adds
a feature nobody reads) and reports "0 outputs moved" after all the work: a typo that looks like
a finding. :func:`check_perturbation` refuses, before anything runs, a perturbation whose key the
variant does not have (neither in its file nor among its components' parameters, defaults
included) and one that leaves the validated configuration as it was (the value it already has,
or a setting a CACE unit does not carry, such as ``scenario.seed``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sim.core.errors import ConfigError
from sim.core.params import suggest
from sim.core.safe_text import short_value
from sim.scenario.build import Blueprint
from sim.scenario.overrides import parse_override

__all__ = ["check_perturbation"]

_MISSING = object()


def check_perturbation(
    text: str,
    variant: str,
    config: Mapping[str, Any],
    reference: Blueprint | None,
    perturbed: Blueprint | None,
) -> None:
    """Raise a :class:`ConfigError` (``--perturb``) unless the ``KEY=VALUE`` ``text`` names a
    setting of the variant's resolved ``config`` (or of its components' parameters) and the
    ``perturbed`` blueprint differs from the ``reference`` one."""
    key, value = parse_override(text)
    where = short_value(text, 80)
    current = _setting(key, config, reference)
    if isinstance(current, _Missing):
        raise ConfigError(
            f"{where}: variant {variant!r} has no setting {current.path}{current.hint}; a "
            "perturbation changes an existing setting",
            path="--perturb",
        )
    if reference is None or perturbed is None or not _same(reference, perturbed):
        return
    why = (
        f"{key} is {short_value(current)} already"
        if _same(current, value)
        else f"{key} is not part of what each unit simulates (a study runs every unit with the "
        "reference's seed, horizon and clock: use --seed or --horizon-days)"
    )
    raise ConfigError(
        f"{where}: changes nothing in variant {variant!r}: {why}; a perturbation must change "
        "the configuration",
        path="--perturb",
    )


@dataclasses.dataclass(frozen=True)
class _Missing:
    path: str
    hint: str


def _setting(key: str, config: Mapping[str, Any], blueprint: Blueprint | None) -> Any:
    """The value at ``key``: from the file's tree, else from the validated parameters; else a
    :class:`_Missing` naming the deepest part that is absent and what is there instead."""
    parts = key.split(".")
    found = _walk(config, parts)
    if not isinstance(found, _Missing) or blueprint is None:
        return found
    params = _component_params(parts, blueprint)
    if params is None:
        return found
    head, rest = _component_parts(parts)
    return _walk(params, rest, tuple(head))


def _component_parts(parts: list[str]) -> tuple[list[str], list[str]]:
    split = 1 if parts[0] == "world" else 2
    return parts[:split], parts[split:]


def _component_params(parts: list[str], blueprint: Blueprint) -> Any:
    if parts[0] == "world":
        specs = [s for s in blueprint.components if s.cls.section == "world"]
    elif len(parts) >= 2:
        specs = [
            s for s in blueprint.components if s.cls.section == parts[0] and s.name == parts[1]
        ]
    else:
        specs = []
    return specs[0].params if specs else None


def _walk(node: Any, parts: list[str], head: tuple[str, ...] = ()) -> Any:
    """The value at ``parts`` below ``node`` (whose own key path is ``head``)."""
    for depth, part in enumerate(parts):
        if isinstance(node, Mapping):
            keys = [str(k) for k in node]
            child = node.get(part, _MISSING)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            keys = [f.name for f in dataclasses.fields(node)]
            child = getattr(node, part, _MISSING) if part in keys else _MISSING
        else:
            keys, child = [], _MISSING
        if child is _MISSING:
            above = ".".join([*head, *parts[:depth]])
            listing = f"; {above} has: {', '.join(keys)}" if above and keys else ""
            path = ".".join([*head, *parts[: depth + 1]])
            return _Missing(path, f"{suggest(part, keys)}{listing}")
        node = child
    return node


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except ValueError:  # parameters holding arrays: compare their text
        return repr(a) == repr(b)
