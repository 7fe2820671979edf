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
from sim.core.errors import ConfigError, UnknownKeyError
from sim.core.params import from_mapping, suggest
from sim.engine.environment import Ecosystem
from sim.scenario.build import Blueprint, blueprint_of, build_components, check_wiring
from sim.scenario.figure_values import check_figure_values
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

COMPONENT_SECTIONS = ("systems", "monitors", "injectors")  # tables of named components
PATCHED_SECTIONS = ("world", *COMPONENT_SECTIONS)  # what variants patch and --set sets per variant


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
    # variant → {``--set`` text: why it does not apply there} (a key the variant does not have)
    not_applied: dict[str, dict[str, str]] = field(default_factory=dict)

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
    where: str = ""  # the key path of ``replace``

    def apply(self, base: Mapping[str, Any]) -> dict[str, Any]:
        tree = drop_paths(base, self.replace, self.where)
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
            if key not in PATCHED_SECTIONS:
                raise ConfigError(
                    "a variant may patch only [world], [systems], [monitors] and [injectors] "
                    "tables",
                    path=f"{path}.{key}",
                )
        if name == baseline and (patch or replace):
            raise ConfigError("the baseline variant may not patch anything", path=path)
        default = patches[name].description if name in patches else ""
        patches[name] = _Patch(patch, description or default, tuple(replace), f"{path}.replace")
    return patches


def validate_tree(
    config: Mapping[str, Any], horizon_days: float = 180.0, tick_days: float = 1.0
) -> Blueprint:
    """Validate a resolved tree once: its blueprint, with the wiring checked for a run of
    ``horizon_days`` with ticks of ``tick_days`` (nothing runs)."""
    components = build_components(config)
    blueprint = blueprint_of(components)  # before wiring: parameters only
    check_wiring(Ecosystem(components, seed=0, tick_days=tick_days), horizon_days)
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
    except ConfigError as error:  # located in the file at fault: maybe a base it extends
        raise error.located(source=error.source or str(path)) from None
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
    overrides = list(overrides)
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
            elif key.split(".")[0] not in PATCHED_SECTIONS:  # scenario.*, or an unknown key
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
        settings = [  # applied to each variant after its patch, where they apply
            _Override(text, key, value)
            for text, (key, value) in zip(overrides, parsed, strict=True)
            if key.split(".")[0] in PATCHED_SECTIONS
        ]
        configs: dict[str, dict[str, Any]] = {}
        blueprints: dict[str, Blueprint] = {}
        not_applied: dict[str, dict[str, str]] = {}
        refusals: dict[str, list[ConfigError]] = {}
        patched = {name: patches[name].apply(base) for name in patches}
        components = _Components.of(patched.values(), settings)
        for name in chosen:
            prefix = f"variant {name!r}: " if name != meta.baseline else ""
            try:
                resolved, blueprint, skipped = _resolve_variant(
                    patched[name], settings, components, meta
                )
            except ConfigError as error:
                located = error.path
                if quick and _from_preset(preset, error.path):
                    located = f"quick.set.{error.path}"  # the preset's setting is at fault
                raise ConfigError(prefix + error.detail, path=located) from None
            for text, refusal in skipped.items():
                refusals.setdefault(text, []).append(
                    ConfigError(prefix + refusal.detail, path=refusal.path)
                )
            if skipped:
                not_applied[name] = {text: refusal.detail for text, refusal in skipped.items()}
            configs[name], blueprints[name] = resolved, blueprint
        for setting in settings:
            if len(refusals.get(setting.text, ())) == len(chosen):  # it applies nowhere
                near_misses = [e for e in refusals[setting.text] if "did you mean" in e.detail]
                raise (near_misses or refusals[setting.text])[0]
        check_figure_values(figure, configs, complete=not variants)
    except ConfigError as error:
        raise error.located(source=source) from None
    descriptions = {name: patches[name].description for name in configs}
    return Scenario(
        source,
        meta,
        teaching,
        figure,
        configs,
        descriptions,
        sweep,
        preset,
        quick,
        blueprints,
        not_applied,
    )


@dataclass(frozen=True)
class _Override:
    """One ``--set`` of a setting (not a ``variants.NAME.…`` patch nor a descriptive key)."""

    text: str
    key: str
    value: Any


@dataclass(frozen=True)
class _Components:
    """The components some variant of the file has, and those the ``--set``s add."""

    declared: frozenset[tuple[str, str]]  # (section, name)
    added: frozenset[tuple[str, str]]  # a --set gives its kind: it is defined on the command line

    @classmethod
    def of(cls, trees: Iterable[Mapping[str, Any]], settings: Sequence[_Override]) -> _Components:
        declared = {
            (section, name)
            for tree in trees
            for section in COMPONENT_SECTIONS
            if isinstance(tree.get(section), Mapping)
            for name in tree[section]
        }
        added = set()
        for setting in settings:
            parts = setting.key.split(".")
            if parts[0] in COMPONENT_SECTIONS and len(parts) == 3 and parts[2] == "kind":
                added.add((parts[0], parts[1]))
            inline = len(parts) == 2 and isinstance(setting.value, Mapping)
            if parts[0] in COMPONENT_SECTIONS and inline and "kind" in setting.value:
                added.add((parts[0], parts[1]))
        return cls(frozenset(declared), frozenset(added))


def _missing_component(
    tree: Mapping[str, Any], key: str, components: _Components
) -> UnknownKeyError | None:
    """Why ``key`` (``systems.NAME.…``, ``monitors.…``, ``injectors.…``) has no place in ``tree``:
    the component it names is absent (``None``: it is there, the ``--set``s add it, or ``key``
    names no component)."""
    section, *rest = key.split(".")
    if section not in COMPONENT_SECTIONS or len(rest) < 2:
        return None
    name, singular = rest[0], section.removesuffix("s")
    present = tree.get(section, {})
    names = list(present) if isinstance(present, Mapping) else []
    if name in names or (section, name) in components.added:
        return None
    if (section, name) in components.declared:  # another variant has it
        return UnknownKeyError(
            f"no {singular} {name!r}; {section}: {', '.join(names) or 'none'}", path=key
        )
    known = sorted({n for s, n in components.declared if s == section})
    return UnknownKeyError(
        f"no {singular} {name!r} in any variant{suggest(name, known)}; "
        f"{section}: {', '.join(known) or 'none'} (to add one, set its kind too: "
        f"--set {section}.{name}.kind=...)",
        path=key,
    )


def _resolve_variant(
    patched: Mapping[str, Any],
    settings: Sequence[_Override],
    components: _Components,
    meta: ScenarioMeta,
) -> tuple[dict[str, Any], Blueprint, dict[str, UnknownKeyError]]:
    """The variant's tree with every ``--set`` that applies to it, validated; and the settings
    that do not apply (a key its components do not have), with the reason.

    A ``--set`` applies to every variant whose components have the key: ``--set
    systems.desk_a.x=1`` leaves alone a variant without ``desk_a``, and a policy's ``epsilon`` a
    variant whose policy has none; a component no variant has is added where the ``--set``s
    give its kind. Any other error (a bad value, bad wiring) is raised.
    """
    skipped: dict[str, UnknownKeyError] = {}
    while True:
        resolved = dict(patched)
        for setting in settings:
            if setting.text in skipped:
                continue
            missing = _missing_component(resolved, setting.key, components)
            if missing is not None:
                skipped[setting.text] = missing
                continue
            resolved = set_path(resolved, setting.key, setting.value)
        try:
            blueprint = validate_tree(resolved, meta.horizon_days, meta.tick_days)
            return resolved, blueprint, skipped
        except UnknownKeyError as error:
            refused = [s.text for s in settings if s.key == error.path and s.text not in skipped]
            if not refused:
                raise
            skipped[refused[0]] = error


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
