"""The fixed parts of a scenario file: ``[scenario]``, ``[teaching]``, ``[figure]``,
``[sweep]`` and ``[quick]`` tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sim.analysis.references import CLOSED_FORMS
from sim.core.errors import ConfigError
from sim.core.params import param, suggest

__all__ = [
    "DESCRIPTIVE_KEYS",
    "TOP_LEVEL_KEYS",
    "FigureSpec",
    "LegendValue",
    "QuickSpec",
    "ReferenceSpec",
    "ScenarioMeta",
    "SweepSpec",
    "Teaching",
]

# not part of a run's configuration
DESCRIPTIVE_KEYS = ("variants", "teaching", "figure", "sweep", "quick")
TOP_LEVEL_KEYS = (
    "extends",
    "scenario",
    "world",
    "systems",
    "monitors",
    "injectors",
    *DESCRIPTIVE_KEYS,
)


@dataclass(frozen=True)
class ScenarioMeta:
    """The ``[scenario]`` table: identity, clock and defaults of a run."""

    name: str = param("", doc="catalogue name (defaults to the file name)")
    title: str = param("", doc="one line for `debtsim list`")
    paper_section: str = param("", doc="section of Sculley et al. (2015) it illustrates")
    horizon_days: float = param(180.0, gt=0, doc="simulated days per run")
    tick_days: float = param(1.0, gt=0, doc="length of one world tick")
    replicates: int = param(20, ge=1, doc="default number of replicates")
    seed: int = param(0, ge=0, doc="default root seed")
    baseline: str = param("baseline", doc="name of the baseline variant (the unpatched file)")
    families: tuple[str, ...] = param([], doc="modules declaring extra component families")


@dataclass(frozen=True)
class Teaching:
    """The ``[teaching]`` table: the narrative `debtsim explain` prints."""

    summary: str = param("", doc="what the scenario shows, in two sentences")
    mechanism: str = param("", doc="how the debt arises")
    look_at: str = param("", doc="what to look at in the figure")
    mitigations: str = param("", doc="what each variant changes and why it helps")
    questions: tuple[str, ...] = param([], doc="questions for discussion")
    reading: tuple[str, ...] = param([], doc="papers and sections")


def _check_source(key: str, closed_form: str) -> None:
    """Exactly one of a parameter's key path and a known closed form."""
    if bool(key) == bool(closed_form):
        raise ConfigError("give exactly one of key (a parameter's key path) and closed_form")
    if closed_form and closed_form not in CLOSED_FORMS:
        raise ConfigError(
            f"unknown closed form {closed_form!r}{suggest(closed_form, CLOSED_FORMS)}; "
            f"allowed: {', '.join(CLOSED_FORMS)}",
            path="closed_form",
        )


@dataclass(frozen=True)
class ReferenceSpec:
    """One reference line of the figure: a parameter the scenario sets, or a published closed
    form, computed for each variant (a level, or a curve over days)."""

    panel: str = param("", doc="the panel it is drawn on (one of the figure's panels)")
    label: str = param("", doc="what it is, for the legend ('truth', 'target', 'θ_PS')")
    key: str = param("", doc="a parameter's key path, e.g. systems.classifier.target_precision")
    closed_form: str = param("", doc="a closed form of sim.analysis.references, e.g. urn.limit")
    axis: Literal["y", "x"] = param("y", doc="y: a level or curve; x: a day (an event)")

    def __post_init__(self) -> None:
        if not self.panel:
            raise ConfigError("name the panel the reference is drawn on", path="panel")
        if not self.label:
            raise ConfigError("give the reference a label for the legend", path="label")
        _check_source(self.key, self.closed_form)


@dataclass(frozen=True)
class LegendValue:
    """A value shown after each variant's name in the legend (``gaussian (ε = 0.9)``)."""

    symbol: str = param("", doc="its symbol or short name, e.g. ε")
    key: str = param("", doc="a parameter's key path, e.g. world.epsilon")
    closed_form: str = param("", doc="a closed form of sim.analysis.references")

    def __post_init__(self) -> None:
        if not self.symbol:
            raise ConfigError("give the value a symbol", path="symbol")
        _check_source(self.key, self.closed_form)


@dataclass(frozen=True)
class FigureSpec:
    """The ``[figure]`` table: which metrics the standard figure shows, and how."""

    panels: tuple[str, ...] = param([], doc="metric, metric:entity or metric@system per panel")
    title: str = param("", doc="figure title")
    system: str = param("", doc="system whose metrics are drawn (default: all)")
    log_panels: tuple[str, ...] = param([], doc="panels drawn with a logarithmic y axis")
    variants: tuple[str, ...] = param([], doc="variants drawn, in this order (default: all run)")
    references: tuple[ReferenceSpec, ...] = param(
        [], doc="reference lines: [[figure.references]] panel, label, key or closed_form"
    )
    legend: tuple[LegendValue, ...] = param(
        [],
        doc="values shown after each variant's name: [[figure.legend]] symbol, key or closed_form",
    )
    share_y: tuple[tuple[str, ...], ...] = param(
        [], doc="groups of panels on one y scale (one colour scale in sweep heat maps)"
    )

    def __post_init__(self) -> None:
        known = set(self.panels)
        for i, panel in enumerate(self.log_panels):
            if known and panel not in known:
                raise ConfigError(_not_a_panel(panel, self.panels), path=f"log_panels[{i}]")
        for i, group in enumerate(self.share_y):
            for j, panel in enumerate(group):
                if known and panel not in known:
                    raise ConfigError(_not_a_panel(panel, self.panels), path=f"share_y[{i}][{j}]")
        for i, reference in enumerate(self.references):
            if known and reference.panel not in known:
                raise ConfigError(
                    _not_a_panel(reference.panel, self.panels), path=f"references[{i}].panel"
                )


def _not_a_panel(panel: str, panels: tuple[str, ...]) -> str:
    return (
        f"{panel!r} is not one of the figure's panels{suggest(panel, panels)}: {', '.join(panels)}"
    )


@dataclass(frozen=True)
class SweepSpec:
    """The ``[sweep]`` table: the grid whose figure `debtsim reproduce` draws (optional)."""

    grid: Any = field(
        default_factory=dict, metadata={"doc": "key path → list of values (the full product)"}
    )
    variants: tuple[str, ...] = param([], doc="variants to sweep (default: all)")
    replicates: int = param(0, ge=0, doc="replicates per point (0: the scenario's)")
    horizon_days: float = param(0.0, ge=0, doc="days per run (0: the scenario's)")
    panels: tuple[str, ...] = param([], doc="metrics to draw (default: the figure's panels)")

    def __post_init__(self) -> None:
        if not isinstance(self.grid, Mapping):
            raise ConfigError("expected a table of key path = [values]", path="grid")
        for key, values in self.grid.items():
            if not isinstance(values, list) or not values:
                raise ConfigError("expected a non-empty list of values", path=f"grid.{key}")


@dataclass(frozen=True)
class QuickSpec:
    """The ``[quick]`` table: the preset ``--quick`` selects, a run short enough to teach live.

    ``replicates`` and ``horizon_days`` replace the ``[scenario]`` defaults; ``set`` holds
    settings (key path → value) merged into the baseline before the variants' patches and the
    command line's ``--set``, e.g. a smaller population.
    """

    replicates: int = param(0, ge=0, doc="replicates per variant (0: the scenario's)")
    horizon_days: float = param(0.0, ge=0, doc="days per run (0: the scenario's)")
    set: Any = field(
        default_factory=dict,
        metadata={"doc": "baseline settings, key path = value (variants and --set win)"},
    )

    def __post_init__(self) -> None:
        if not isinstance(self.set, Mapping):
            raise ConfigError(
                'expected a table of key path = value, e.g. { "world.users" = 2000 }', path="set"
            )
        for key in self.set:
            if key.split(".")[0] not in ("world", "systems", "monitors", "injectors"):
                raise ConfigError(
                    "a preset may set only world, systems, monitors and injectors keys",
                    path=f"set.{key}",
                )

    @property
    def declared(self) -> bool:
        """The file declares a preset (a ``[quick]`` table with something in it)."""
        return bool(self.replicates or self.horizon_days or self.set)
