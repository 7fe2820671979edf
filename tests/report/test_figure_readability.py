"""The standard figure as a teacher projects it: units, every variant visible, references,
honest bands and log axes, the projector's size — on small synthetic frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from sim.report.checks import figure_problems, variant_lines
from sim.report.figures import replicate_warning, variant_figure
from sim.report.style import DPI

INFO = {
    "share": {"unit": "share of users", "range": [0.0, 1.0], "description": "a share"},
    "size": {"unit": "items", "range": [0.0, None], "description": "a count"},
}


def _frame(values: dict[tuple[str, str], np.ndarray], metric: str = "share") -> pd.DataFrame:
    """Rows of (variant, system) → array [replicate, day]."""
    rows = []
    for (variant, system), grid in values.items():
        for r, series in enumerate(np.atleast_2d(grid)):
            for day, value in enumerate(series):
                rows.append((variant, r, float(day), system, "", metric, float(value)))
    return pd.DataFrame(
        rows, columns=["variant", "replicate", "day", "system", "entity", "metric", "value"]
    )


def _legend_texts(figure: Figure) -> list[str]:
    legends = list(figure.legends) + [ax.get_legend() for ax in figure.axes if not ax.axison]
    return [t.get_text() for legend in legends if legend for t in legend.get_texts()]


def _bands(figure: Figure) -> list[np.ndarray]:
    return [
        np.concatenate([p.vertices for p in c.get_paths()])
        for ax in figure.axes
        for c in ax.collections
        if isinstance(c, PolyCollection)
    ]


def test_the_figure_is_1280_by_720_pixels_and_panels_carry_units():
    days = np.linspace(0.1, 0.5, 10)
    frame = _frame({("a", "s"): np.vstack([days, days, days]), ("b", "s"): np.vstack([days] * 3)})
    figure = variant_figure(frame, ["share"], baseline="a", metric_info=INFO)
    width, height = figure.get_size_inches() * DPI
    assert (round(width), round(height)) == (1280, 720) and figure.dpi == DPI
    panel = next(ax for ax in figure.axes if ax.axison)
    assert panel.get_ylabel() == "share of users"


def test_coinciding_variants_stay_visible_and_identical_ones_say_so():
    same = np.tile(np.linspace(0.2, 0.4, 20), (3, 1))
    frame = _frame({("a", "s"): same, ("b", "s"): same, ("c", "s"): same * 0.5})
    figure = variant_figure(frame, ["share"], baseline="a", metric_info=INFO)
    assert figure_problems(figure, ["a", "b", "c"]) == []
    lines = variant_lines(figure)
    (a,), (b,) = lines["a"], lines["b"]
    assert a.get_linewidth() > b.get_linewidth() and a.get_zorder() < b.get_zorder()
    assert b.get_marker() not in (None, "None", "") and str(b.get_linestyle()) != "-"
    assert "b\n(= a throughout)" in _legend_texts(figure)


def test_figure_problems_finds_a_hidden_variant_a_look_alike_and_a_missing_label():
    frame = _frame(
        {("a", "s"): np.tile(np.linspace(0.1, 0.2, 9), (3, 1)), ("b", "s"): np.full((3, 9), 0.3)}
    )
    figure = variant_figure(frame, ["share"], baseline="a", metric_info=INFO)
    assert figure_problems(figure, ["a", "b"]) == []
    assert figure_problems(figure, ["a", "b", "ghost"]) == ["variant 'ghost' has no visible line"]
    (b,) = variant_lines(figure)["b"]
    (a,) = variant_lines(figure)["a"]
    b.set(color=a.get_color(), linestyle=a.get_linestyle(), marker=a.get_marker())
    assert any("look the same" in p for p in figure_problems(figure, ["a", "b"]))
    b.set_visible(False)
    assert "variant 'b' has no visible line" in figure_problems(figure, ["a", "b"])
    panel = next(ax for ax in figure.axes if ax.axison)
    panel.set_ylabel("")
    assert any("no y label" in p for p in figure_problems(figure, ["a"]))


def test_bands_are_clipped_to_the_declared_range_and_few_replicates_warn():
    rng = np.random.default_rng(3)
    noisy = np.clip(0.5 + rng.normal(0, 0.5, (2, 30)), 0, 1)
    frame = _frame({("a", "s"): noisy, ("b", "s"): np.clip(noisy + 0.3, 0, 1)})
    figure = variant_figure(frame, ["share"], baseline="a", metric_info=INFO)
    bands = _bands(figure)
    assert bands and all(v.min() >= 0.0 and v.max() <= 1.0 for v in (b[:, 1] for b in bands))
    unclipped = variant_figure(frame, ["share"], baseline="a")
    assert min(b[:, 1].min() for b in _bands(unclipped)) < 0  # the t interval of 2 replicates
    assert figure._supxlabel is not None  # type: ignore[attr-defined]
    assert figure._supxlabel.get_text() == replicate_warning(2)  # type: ignore[attr-defined]
    assert "only 2 replicates" in replicate_warning(2) and replicate_warning(3) == ""


def test_one_replicate_draws_no_band():
    frame = _frame({("a", "s"): np.linspace(0.1, 0.9, 12)})
    figure = variant_figure(frame, ["share"], metric_info=INFO)
    assert _bands(figure) == []
    assert "no confidence interval" in figure._supxlabel.get_text()  # type: ignore[attr-defined]


def test_a_log_panel_draws_no_zeros_and_says_so():
    grid = np.tile(np.array([5.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 1.0]), (3, 1))
    frame = _frame({("a", "s"): grid, ("b", "s"): grid * 3}, metric="size")
    figure = variant_figure(frame, ["size"], log_panels=["size"], metric_info=INFO)
    for lines in variant_lines(figure).values():
        for line in lines:
            assert (np.asarray(line.get_ydata()) > 0).all()
            assert list(line.get_xdata()) == [0.0, 4.0, 8.0]  # the retrain days, connected
    notes = [t for ax in figure.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert any("zeros not drawn" in t.get_text() for t in notes)


def test_references_one_black_line_where_shared_and_colours_where_a_variant_differs():
    frame = _frame({(v, "s"): np.full((3, 10), 0.4) for v in ("a", "b", "c")})
    references = [
        {"panel": "share", "label": "truth", "values": {"a": 0.6, "b": 0.6, "c": 0.8}, "days": []},
        {
            "panel": "share",
            "label": "closed form",
            "values": {"a": list(np.linspace(0.9, 0.5, 10)), "b": None, "c": None},
            "days": list(np.arange(10.0)),
        },
    ]
    figure = variant_figure(frame, ["share"], baseline="a", references=references)
    panel = next(ax for ax in figure.axes if ax.axison)
    flat = [ln for ln in panel.get_lines() if not ln.get_gid() and len(set(ln.get_ydata())) == 1]
    levels = {(ln.get_ydata()[0], ln.get_color()) for ln in flat}
    colours = {ln.get_color() for ln in variant_lines(figure)["c"]}
    assert (0.6, "black") in levels and (0.8, colours.pop()) in levels
    curves = [ln for ln in panel.get_lines() if not ln.get_gid() and len(ln.get_ydata()) == 10]
    assert len(curves) == 1 and np.isclose(curves[0].get_ydata()[0], 0.9)
    texts = _legend_texts(figure)
    assert any(t.startswith("truth") for t in texts) and "closed form (a)" in texts
    low, high = panel.get_ylim()
    assert low < 0.4 and high > 0.8  # the reference levels are in view


def test_a_metric_of_several_systems_gets_a_panel_per_system_on_one_scale():
    frame = _frame(
        {
            ("a", "desk_a"): np.full((3, 8), 0.2),
            ("a", "desk_b"): np.full((3, 8), 0.9),
            ("b", "desk_a"): np.full((3, 8), 0.1),
            ("b", "desk_b"): np.full((3, 8), 0.5),
        }
    )
    figure = variant_figure(frame, ["share"], baseline="a", metric_info=INFO)
    panels = [ax for ax in figure.axes if ax.axison]
    assert [ax.get_title() for ax in panels] == ["share · desk_a", "share · desk_b"]
    assert panels[0].get_ylim() == panels[1].get_ylim()
    assert panels[0].title.get_color() != panels[1].title.get_color()
    assert _legend_texts(figure)[:2] == ["a", "b"]  # one entry per variant, not per system


def test_share_y_puts_named_panels_on_one_scale():
    frame = pd.concat(
        [
            _frame({("a", "s"): np.full((3, 5), 0.9)}, metric="share"),
            _frame({("a", "s"): np.full((3, 5), 30.0)}, metric="size"),
        ]
    )
    figure = variant_figure(frame, ["share", "size"], share_y=[["share", "size"]])
    share, size = (ax for ax in figure.axes if ax.axison)
    assert share.get_ylim() == size.get_ylim()


def test_a_variant_without_data_in_a_panel_is_named_there():
    frame = pd.concat(
        [
            _frame({("a", "s"): np.full((3, 5), 0.5), ("b", "s"): np.full((3, 5), 0.4)}),
            _frame({("a", "s"): np.full((3, 5), 2.0)}, metric="size"),
        ]
    )
    figure = variant_figure(frame, ["share", "size"], baseline="a", metric_info=INFO)
    size = [ax for ax in figure.axes if ax.axison][1]
    assert "no data: b" in size.get_legend().get_texts()[0].get_text()


@pytest.mark.parametrize("labels", [{"a": "a (ε = 0.9)"}])
def test_legend_values_label_the_variants(labels):
    frame = _frame({("a", "s"): np.full((3, 5), 0.5), ("b", "s"): np.full((3, 5), 0.4)})
    figure = variant_figure(frame, ["share"], baseline="a", labels=labels)
    assert _legend_texts(figure)[:2] == ["a (ε = 0.9)", "b"]


def test_an_event_reference_is_a_vertical_line():
    frame = _frame({(v, "s"): np.full((3, 10), 0.4) for v in ("a", "b")})
    event = {"panel": "share", "label": "upgrade", "axis": "x", "values": {"a": 4.0, "b": 4.0}}
    figure = variant_figure(frame, ["share"], baseline="a", references=[event])
    panel = next(ax for ax in figure.axes if ax.axison)
    vertical = [
        ln for ln in panel.get_lines() if not ln.get_gid() and len(set(ln.get_xdata())) == 1
    ]
    assert len(vertical) == 1 and vertical[0].get_xdata()[0] == 4.0
    assert "upgrade" in _legend_texts(figure)


def test_a_long_unit_wraps_so_the_y_label_fits_beside_its_panel() -> None:
    from sim.report.panels import Y_LABEL_WIDTH, y_label

    info = {"precision": {"unit": "share of positive decisions that are right"}}
    label = y_label("precision", info)
    assert label.replace("\n", " ") == info["precision"]["unit"]
    assert "\n" in label and max(len(line) for line in label.splitlines()) <= Y_LABEL_WIDTH
    assert y_label("ctr", {"ctr": {"unit": "clicks per impression"}}) == "clicks per impression"
