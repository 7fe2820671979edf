"""The fixed parts of a scenario file: ``[scenario]``, ``[teaching]`` and ``[figure]`` tables."""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.params import param

__all__ = ["TOP_LEVEL_KEYS", "FigureSpec", "ScenarioMeta", "Teaching"]

TOP_LEVEL_KEYS = ("extends", "scenario", "world", "systems", "variants", "teaching", "figure")


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


@dataclass(frozen=True)
class Teaching:
    """The ``[teaching]`` table: the narrative `debtsim explain` prints."""

    summary: str = param("", doc="what the scenario shows, in two sentences")
    mechanism: str = param("", doc="how the debt arises")
    look_at: str = param("", doc="what to look at in the figure")
    mitigations: str = param("", doc="what each variant changes and why it helps")
    questions: tuple[str, ...] = param([], doc="questions for discussion")
    reading: tuple[str, ...] = param([], doc="papers and sections")


@dataclass(frozen=True)
class FigureSpec:
    """The ``[figure]`` table: which metrics the standard figure shows."""

    panels: tuple[str, ...] = param([], doc="metric or metric:entity per panel")
    title: str = param("", doc="figure title")
    system: str = param("", doc="system whose metrics are drawn (default: all)")
    log_panels: tuple[str, ...] = param([], doc="panels drawn with a logarithmic y axis")
