"""A scenario file → validated, fully resolved variants.

Every variant is the baseline tree with the variant's patch merged in, then the ``--set``
overrides (which always win). Every variant is validated in full, wiring included, before
anything runs; errors name the file, the key path and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sim.components.registry import load_family_module
from sim.core.errors import ConfigError
from sim.core.params import from_mapping, suggest
from sim.engine.environment import Ecosystem
from sim.scenario.build import Blueprint, blueprint_of, build_components, check_wiring
from sim.scenario.loader import find_scenario, read_scenario_file
from sim.scenario.overrides import (
    deep_merge,
    drop_paths,
    expand_dotted,
    parse_override,
    set_path,
)
from sim.scenario.schema import (
    DESCRIPTIVE_KEYS,
    TOP_LEVEL_KEYS,
    FigureSpec,
    QuickSpec,
    ScenarioMeta,
    SweepSpec,
    Teaching,
)

__all__ = ["Scenario", "load_scenario", "resolve_tree", "validate_tree"]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its metadata and one resolved configuration per variant."""

    source: str
    meta: ScenarioMeta
    teaching: Teaching
    figure: FigureSpec
    configs: dict[str, dict[str, Any]]
    descriptions: dict[str, str] = field(default_factory=dict)
    sweep: SweepSpec = field(default_factory=SweepSpec)
    quick: QuickSpec = field(default_factory=QuickSpec)
    quick_applied: bool = False  # resolved with the [quick] preset (--quick)
    blueprints: dict[str, Blueprint] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The catalogue name."""
        return self.meta.name

    @property
    def variants(self) -> list[str]:
        """Variant names, baseline first."""
        return list(self.configs)


def _check_top_level(tree: Mapping[str, Any]) -> None:
    for key in tree:
        if key not in TOP_LEVEL_KEYS:
            raise ConfigError(
                f"unknown top-level key{suggest(key, TOP_LEVEL_KEYS)}; "
                f"allowed: {', '.join(TOP_LEVEL_KEYS)}",
                path=key,
            )


def _check_override_names_a_variant(tree: Mapping[str, Any], key: str) -> None:
    """``--set variants.NAME.…`` must name a variant of the file (a typo must not add one)."""
    parts = key.split(".")
    existing = tree.get("variants", {})
    baseline = tree.get("scenario", {}).get("baseline", "baseline")
    names = [*existing, baseline] if isinstance(existing, Mapping) else [baseline]
    if len(parts) >= 2 and parts[1] not in names:
        raise ConfigError(
            f"--set {key}: no variant {parts[1]!r}{suggest(parts[1], names)}; "
            f"variants: {', '.join(names)}"
        )


@dataclass(frozen=True)
class _Patch:
    """One variant: tables it replaces wholesale, then the patch merged in."""

    patch: dict[str, Any]
    description: str
    replace: tuple[str, ...] = ()

    def apply(self, base: Mapping[str, Any]) -> dict[str, Any]:
        tree = drop_paths(base, self.replace)
        return deep_merge(tree, self.patch)


def _variant_patches(tree: Mapping[str, Any], baseline: str) -> dict[str, _Patch]:
    raw = tree.get("variants", {})
    if not isinstance(raw, Mapping):
        raise ConfigError("expected a table of variants", path="variants")
    patches: dict[str, _Patch] = {baseline: _Patch({}, "the baseline")}
    for name, patch in raw.items():
        path = f"variants.{name}"
        if not isinstance(patch, Mapping):
            raise ConfigError("expected a table (a patch over the baseline)", path=path)
        patch = dict(patch)
        description = patch.pop("description", "")
        if not isinstance(description, str):
            raise ConfigError("expected a string", path=f"{path}.description")
        replace = patch.pop("replace", [])
        if not isinstance(replace, list) or not all(isinstance(r, str) for r in replace):
            raise ConfigError("expected a list of key paths", path=f"{path}.replace")
        patch = expand_dotted(patch)
        for key in [*patch, *(r.split(".")[0] for r in replace)]:
            if key not in ("world", "systems", "monitors", "injectors"):
                raise ConfigError(
                    "a variant may patch only [world], [systems], [monitors] and [injectors] "
                    "tables",
                    path=f"{path}.{key}",
                )
        if name == baseline and (patch or replace):
            raise ConfigError("the baseline variant may not patch anything", path=path)
        default = patches[name].description if name in patches else ""
        patches[name] = _Patch(patch, description or default, tuple(replace))
    return patches


def validate_tree(config: Mapping[str, Any]) -> Blueprint:
    """Validate a resolved tree once: its blueprint, with the wiring checked (nothing runs)."""
    components = build_components(config)
    blueprint = blueprint_of(components)  # before wiring: parameters only
    check_wiring(Ecosystem(components, seed=0))
    return blueprint


def load_scenario(
    name_or_path: str | Path,
    overrides: Iterable[str] = (),
    variants: Sequence[str] | None = None,
    *,
    quick: bool = False,
) -> Scenario:
    """Read, resolve and validate a scenario file (a path or a catalogue name).

    ``quick``: with the file's ``[quick]`` preset (fewer replicates, a shorter horizon, its
    settings); a file without one is refused.
    """
    path = find_scenario(str(name_or_path))
    try:
        tree = read_scenario_file(path)
    except ConfigError as error:
        raise error.located(source=str(path)) from None
    return resolve_tree(tree, str(path), overrides, variants, default_name=path.stem, quick=quick)


def resolve_tree(
    tree: Mapping[str, Any],
    source: str = "<scenario>",
    overrides: Iterable[str] = (),
    variants: Sequence[str] | None = None,
    default_name: str = "scenario",
    *,
    quick: bool = False,
) -> Scenario:
    """Resolve and validate a scenario given as a TOML tree; ``variants`` selects some."""
    try:
        tree = dict(tree)
        parsed = [parse_override(text) for text in overrides]
        for key, value in parsed:
            if key.split(".")[0] == "extends":
                raise ConfigError("--set cannot change extends (bases are merged on reading)")
            if key.split(".")[0] == "variants":
                _check_override_names_a_variant(tree, key)
                tree = set_path(tree, key, value)
        late = [(k, v) for k, v in parsed if k.split(".")[0] != "variants"]
        base = {k: v for k, v in tree.items() if k not in DESCRIPTIVE_KEYS}
        for key, value in late:
            if key.split(".")[0] in DESCRIPTIVE_KEYS:
                tree = set_path(tree, key, value)
            else:
                base = set_path(base, key, value)
        _check_top_level(tree)
        _check_top_level(base)
        meta = from_mapping(ScenarioMeta, base.get("scenario", {}), "scenario")
        for i, module in enumerate(meta.families):
            load_family_module(module, path=f"scenario.families[{i}]")
        if not meta.name:
            meta = ScenarioMeta(**{**meta.__dict__, "name": default_name})
        teaching = from_mapping(Teaching, tree.get("teaching", {}), "teaching")
        figure = from_mapping(FigureSpec, tree.get("figure", {}), "figure")
        sweep = from_mapping(SweepSpec, tree.get("sweep", {}), "sweep")
        preset = from_mapping(QuickSpec, tree.get("quick", {}), "quick")
        if quick:
            base, meta = _apply_quick(preset, base, meta)
        patches = _variant_patches(tree, meta.baseline)
        for name in figure.variants:
            if name not in patches:
                raise ConfigError(
                    f"no variant {name!r}{suggest(name, patches)}; variants: {', '.join(patches)}",
                    path="figure.variants",
                )
        chosen = list(patches) if not variants else list(dict.fromkeys(variants))
        for name in chosen:
            if name not in patches:
                raise ConfigError(
                    f"no variant {name!r}{suggest(name, patches)}; variants: {', '.join(patches)}",
                    path="--variant",
                )
        configs: dict[str, dict[str, Any]] = {}
        blueprints: dict[str, Blueprint] = {}
        for name in chosen:
            resolved = patches[name].apply(base)
            for key, value in late:
                if key.split(".")[0] not in DESCRIPTIVE_KEYS:
                    resolved = set_path(resolved, key, value)
            try:
                blueprints[name] = validate_tree(resolved)
            except ConfigError as error:
                prefix = f"variant {name!r}: " if name != meta.baseline else ""
                located = error.path
                if quick and _from_preset(preset, error.path):
                    located = f"quick.set.{error.path}"  # the preset's setting is at fault
                raise ConfigError(prefix + error.detail, path=located) from None
            configs[name] = resolved
    except ConfigError as error:
        raise error.located(source=source) from None
    descriptions = {name: patches[name].description for name in configs}
    return Scenario(
        source, meta, teaching, figure, configs, descriptions, sweep, preset, quick, blueprints
    )


def _apply_quick(
    preset: QuickSpec, base: dict[str, Any], meta: ScenarioMeta
) -> tuple[dict[str, Any], ScenarioMeta]:
    """The baseline tree and defaults of the ``[quick]`` preset."""
    if not preset.declared:
        raise ConfigError(
            "this scenario declares no [quick] preset (a [quick] table with replicates, "
            "horizon_days and settings)",
            path="--quick",
        )
    base = deep_merge(base, expand_dotted(dict(preset.set)))
    changes: dict[str, Any] = {}
    if preset.replicates:
        changes["replicates"] = preset.replicates
    if preset.horizon_days:
        changes["horizon_days"] = preset.horizon_days
    return base, replace(meta, **changes)


def _from_preset(preset: QuickSpec, path: str | None) -> bool:
    """Whether a validation error at ``path`` concerns a setting of the preset."""
    if not path:
        return False
    return any(
        path == key or path.startswith(key + ".") or key.startswith(path + ".")
        for key in preset.set
    )
