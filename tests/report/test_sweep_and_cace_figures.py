"""Heat maps whose colours mean something: sweep maps on a shared, zero-based or diverging
scale; the CACE map on a robust scale with its significant cells marked."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm

from sim.report.cace_figure import robust_limit, sensitivity_heatmap, significant_cells
from sim.report.sweep_figures import colour_scale, sweep_heatmap, sweep_lines, text_colour

INFO = {
    "err_obs": {"unit": "price units", "range": [0.0, None]},
    "err_true": {"unit": "price units", "range": [0.0, None]},
}


def _summary() -> pd.DataFrame:
    rows = []
    for x in (0.1, 0.5, 0.9):
        for y in (0.1, 0.9):
            rows.append(("v", "s", "", "err_obs", 0.2 + x + y / 2, x, y))
            rows.append(("v", "s", "", "err_true", 0.97 + 0.01 * x, x, y))
    return pd.DataFrame(rows, columns=["variant", "system", "entity", "metric", "mean", "a", "b"])


def test_colour_scales_start_at_zero_or_diverge_around_it():
    norm, cmap = colour_scale(np.array([0.97, 0.99]), (0.0, None))
    assert (norm.vmin, norm.vmax, cmap) == (0.0, 0.99, "viridis")
    norm, cmap = colour_scale(np.array([0.97, 0.99]))  # no declared floor: the data's range
    assert (norm.vmin, norm.vmax) == (0.97, 0.99)
    norm, cmap = colour_scale(np.array([-0.2, 0.5]))
    assert isinstance(norm, TwoSlopeNorm) and cmap == "RdBu_r"
    assert (norm.vmin, norm.vcenter, norm.vmax) == (-0.5, 0.0, 0.5)


def test_text_is_white_on_dark_cells_and_black_on_light_ones():
    cmap = matplotlib.colormaps["viridis"]
    norm, _ = colour_scale(np.array([0.0, 1.0]))
    assert text_colour(cmap, norm, 0.0) == "white" and text_colour(cmap, norm, 1.0) == "black"


def _image_limits(figure) -> tuple[float, float]:
    (image,) = [im for ax in figure.axes for im in ax.get_images()]
    return image.norm.vmin, image.norm.vmax


def test_observed_and_true_maps_share_one_scale_and_name_their_metric():
    summary = _summary()
    keys = ("a", "b")
    observed = sweep_heatmap(summary, keys, "err_obs", "t", None, INFO, ["err_obs", "err_true"])
    true = sweep_heatmap(summary, keys, "err_true", "t", None, INFO, ["err_obs", "err_true"])
    assert _image_limits(observed) == _image_limits(true) == (0.0, summary["mean"].max())
    assert "err true" in true._suptitle.get_text() and "err obs" in observed._suptitle.get_text()
    alone = sweep_heatmap(summary, keys, "err_true", "t", None, {})
    assert _image_limits(alone) == (0.97 + 0.001, 0.97 + 0.009)
    (bar,) = [ax for ax in observed.axes if ax.get_label() == "<colorbar>"]
    assert bar.get_ylabel() == "err obs (price units)"


def test_robust_limit_ignores_one_runaway_cell():
    values = np.array([0.05, -0.08, 0.12, -0.03, 0.1, 0.07, -0.11, 0.09, 0.02, 14.95])
    assert robust_limit(values) == 0.2  # |0.12| rounded up to a 1-2-5 step
    assert robust_limit(np.array([0.3, -0.7, 0.9, 2.0, np.nan])) == 1.0  # capped at ±100%
    assert robust_limit(np.zeros(4)) == 1.0 and robust_limit(np.array([0.0, 0.0, 0.004])) == 0.01


def _cace() -> tuple[pd.DataFrame, pd.DataFrame]:
    changes = pd.DataFrame(
        {
            "perturbation": ["p", "p", "q", "q"],
            "system": ["m"] * 4,
            "entity": ["", "x5", "", "x5"],
            "metric": ["loss", "weight", "loss", "weight"],
            "change": [0.01, 0.3, -0.02, 0.0],
            "ci_low": [0.005, -0.1, -0.03, 0.0],
            "ci_high": [0.015, 0.7, -0.01, 0.0],
            "relative_change": [0.05, 14.95, -0.1, 0.0],
        }
    )
    sensitivity = pd.DataFrame(
        [[0.05, 14.95], [-0.1, 0.0]], index=["p", "q"], columns=["m:loss", "m:weight:x5"]
    )
    return sensitivity, changes


def test_significant_cells_are_those_whose_ci_excludes_zero():
    sensitivity, changes = _cace()
    assert significant_cells(sensitivity, changes).tolist() == [[True, False], [True, False]]


def test_the_cace_map_marks_significance_and_keeps_small_changes_visible():
    sensitivity, changes = _cace()
    figure = sensitivity_heatmap(sensitivity, "toy", changes=changes)
    (ax,) = [a for a in figure.axes if a.get_label() != "<colorbar>"]
    (image,) = ax.get_images()
    assert (image.norm.vmin, image.norm.vmax) == (-0.1, 0.1)  # not ±1495%
    texts = {t.get_text(): t for t in ax.texts}
    assert set(texts) == {"+5%*", "+1495%", "-10%*", "+0%"}
    assert texts["+5%*"].get_fontweight() == "bold"
    assert texts["+1495%"].get_color() == "white"  # on the saturated dark red
    (bar,) = [a for a in figure.axes if a.get_label() == "<colorbar>"]
    assert "±10%" in bar.get_ylabel()
    assert ax.get_xlabel() == "outputs of m"


def test_sweep_lines_carry_units_share_scales_and_name_identical_variants():
    summary = _summary()
    rows = summary[summary["b"] == 0.1].drop(columns="b").assign(ci_low=-1.0, ci_high=2.0)
    twice = pd.concat([rows, rows.assign(variant="w")], ignore_index=True)
    figure = sweep_lines(
        twice, "a", ["err_obs", "err_true"], "t", None, INFO, [["err_obs", "err_true"]]
    )
    observed, true = figure.axes[:2]
    assert observed.get_ylabel() == "price units" and observed.get_ylim() == true.get_ylim()
    assert [t.get_text() for t in observed.get_legend().get_texts()] == ["v", "w (= v)"]
    band = observed.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0.0  # ci_low clipped at the declared floor
