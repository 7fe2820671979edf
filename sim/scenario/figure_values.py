"""The numbers a ``[figure]`` table asks for, computed from each variant's resolved settings.

Reference lines and the values shown in the legend are never typed into a scenario file: each
names a parameter's key path or a closed form of :mod:`sim.analysis.references`, and this module
evaluates it for every variant. A reference that resolves for no variant, or a key that holds
no number, is a :class:`ConfigError` naming the ``[figure]`` key. The result is plain JSON (it
goes into the run's manifest, so a finished run folder redraws the same figure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.references import CLOSED_FORMS, Reference, parameter, scalar_of
from sim.core.errors import ConfigError
from sim.core.safe_text import short_value
from sim.scenario.schema import FigureSpec, LegendValue, ReferenceSpec

if TYPE_CHECKING:
    from sim.scenario.resolve import Scenario

__all__ = ["check_figure_values", "figure_spec", "figure_values", "reference_days"]

_MAX_POINTS = 400


def reference_days(horizon_days: float, tick_days: float = 1.0) -> np.ndarray:
    """The days a reference curve is evaluated on: the ticks, thinned to about 400 (the last
    day always kept)."""
    tick = float(tick_days)
    count = int(np.floor((float(horizon_days) + 1e-9) / tick)) + 1  # ticks 0, tick, … ≤ horizon
    step = max(1, -(-count // _MAX_POINTS))
    thinned = np.arange(0, count, step) * tick  # never the whole tick grid: horizons may be huge
    last = (count - 1) * tick
    return thinned if thinned[-1] == last else np.append(thinned, last)


def _split_panel(panel: str) -> tuple[str, str]:
    rest, _, system = panel.partition("@")
    _, _, entity = rest.partition(":")
    return entity, system


def _evaluate(
    source: ReferenceSpec | LegendValue,
    config: Mapping[str, Any],
    entity: str,
    system: str,
    days: np.ndarray,
    path: str,
) -> Reference:
    if source.key:
        try:
            raw = parameter(config, source.key)
        except KeyError:
            return None
        value = scalar_of(raw)
        if value is None:
            raise ConfigError(
                f"{source.key} holds {short_value(raw)}, not a number", path=f"{path}.key"
            )
        return value
    return CLOSED_FORMS[source.closed_form](config, entity, system, days)


def _jsonable(value: Reference, days: np.ndarray, path: str, variant: str) -> Any:
    if value is None:
        return None
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return float(array) if np.isfinite(array) else None
    if array.shape != days.shape:
        raise ConfigError(f"variant {variant!r}: a curve of the wrong length", path=path)
    return [float(v) if np.isfinite(v) else None for v in array]


def _references(
    figure: FigureSpec,
    configs: Mapping[str, Mapping[str, Any]],
    days: np.ndarray,
    complete: bool,
) -> list[dict[str, Any]]:
    out = []
    for i, spec in enumerate(figure.references):
        path = f"figure.references[{i}]"
        entity, system = _split_panel(spec.panel)
        values = {
            name: _jsonable(_evaluate(spec, config, entity, system, days, path), days, path, name)
            for name, config in configs.items()
        }
        if complete and configs and all(v is None for v in values.values()):
            what = spec.key or spec.closed_form
            raise ConfigError(
                f"{what} gives no value for any variant ({', '.join(configs)}) on panel "
                f"{spec.panel!r}",
                path=f"{path}.{'key' if spec.key else 'closed_form'}",
            )
        if spec.axis == "x" and any(isinstance(v, list) for v in values.values()):
            raise ConfigError(
                "a reference on the x axis is a day, not a curve",
                path=f"{path}.{'key' if spec.key else 'closed_form'}",
            )
        out.append(
            {
                "panel": spec.panel,
                "label": spec.label,
                "axis": spec.axis,
                "values": values,
                "days": [float(d) for d in days],
            }
        )
    return out


def _format(value: float) -> str:
    return f"{value:.4g}"


def _legend_labels(
    figure: FigureSpec,
    configs: Mapping[str, Mapping[str, Any]],
    days: np.ndarray,
    complete: bool,
) -> dict[str, str]:
    parts: dict[str, list[str]] = {name: [] for name in configs}
    for i, spec in enumerate(figure.legend):
        path = f"figure.legend[{i}]"
        found = False
        for name, config in configs.items():
            value = _evaluate(spec, config, "", "", days, path)
            if value is None or np.ndim(value) != 0 or not np.isfinite(float(value)):
                continue
            found = True
            parts[name].append(f"{spec.symbol} = {_format(float(value))}")
        if complete and configs and not found:
            what = spec.key or spec.closed_form
            raise ConfigError(
                f"{what} gives no number for any variant ({', '.join(configs)})",
                path=f"{path}.{'key' if spec.key else 'closed_form'}",
            )
    return {name: f"{name} ({', '.join(p)})" if p else name for name, p in parts.items()}


def figure_values(
    figure: FigureSpec,
    configs: Mapping[str, Mapping[str, Any]],
    horizon_days: float,
    tick_days: float = 1.0,
    complete: bool = True,
) -> dict[str, Any]:
    """The computed part of the figure: ``references`` (per panel: label and per-variant value
    or curve over ``days``) and ``labels`` (each variant's legend text).

    ``complete``: ``configs`` holds every variant of the file, so a reference or legend value
    that resolves for none of them is an error (with a selection of variants it may not apply).
    """
    return _compute(figure, configs, reference_days(horizon_days, tick_days), complete)


def figure_spec(
    scenario: Scenario, *, panels: Sequence[str] = (), horizon_days: float | None = None
) -> dict[str, Any]:
    """What a standard figure draws, as a run's or a sweep's manifest records it: ``panels``
    (default: the scenario's), title, system, log panels, chosen variants, ``share_y`` groups;
    with ``horizon_days`` (a run, not a sweep whose points differ) also the computed references
    and legend labels (:func:`figure_values`)."""
    figure = scenario.figure
    spec: dict[str, Any] = {
        "panels": list(panels) or list(figure.panels),
        "title": figure.title or scenario.meta.title,
        "system": figure.system,
        "log_panels": list(figure.log_panels),
        "variants": list(figure.variants),
        "share_y": [list(group) for group in figure.share_y],
    }
    if horizon_days is not None:
        values = figure_values(
            figure, scenario.configs, horizon_days, scenario.meta.tick_days, complete=False
        )
        spec.update(values)
    return spec


def check_figure_values(
    figure: FigureSpec, configs: Mapping[str, Mapping[str, Any]], complete: bool = True
) -> None:
    """Raise the :class:`ConfigError` :func:`figure_values` would, without computing the curves
    (every reference evaluated on day 0 only): what a scenario's validation needs."""
    _compute(figure, configs, np.zeros(1), complete)


def _compute(
    figure: FigureSpec,
    configs: Mapping[str, Mapping[str, Any]],
    days: np.ndarray,
    complete: bool,
) -> dict[str, Any]:
    return {
        "references": _references(figure, configs, days, complete),
        "labels": _legend_labels(figure, configs, days, complete),
    }
