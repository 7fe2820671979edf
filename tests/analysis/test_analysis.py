"""Analysis: Gini and entropy against closed forms; summaries and bands against scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim.analysis.bands import trajectory_bands
from sim.analysis.inequality import gini, normalized_entropy
from sim.analysis.summary import SUMMARY_COLUMNS, mean_ci, summarize

counts = st.lists(st.integers(0, 1000), min_size=1, max_size=50)


def test_gini_closed_forms():
    assert gini(np.ones(10)) == pytest.approx(0.0)
    one_hot = np.zeros(10)
    one_hot[3] = 7
    assert gini(one_hot) == pytest.approx(0.9)  # (n - 1) / n
    assert gini(np.zeros(4)) == 0.0
    # Two entities with shares p and 1 - p: G = |p - (1 - p)| / 2.
    assert gini(np.array([1.0, 3.0])) == pytest.approx(0.25)


@given(counts)
def test_gini_is_bounded_and_scale_free(values):
    x = np.array(values, dtype=float)
    g = gini(x)
    assert 0.0 <= g <= 1.0 - 1.0 / x.size + 1e-12
    assert gini(3 * x) == pytest.approx(g)
    assert gini(np.random.default_rng(0).permutation(x)) == pytest.approx(g)


@given(counts)
def test_entropy_is_bounded(values):
    assert -1e-12 <= normalized_entropy(np.array(values)) <= 1.0 + 1e-12


def test_mean_ci_matches_scipy():
    x = np.array([1.0, 2.0, 4.0, 8.0, 9.0])
    mean, low, high = mean_ci(x)
    expected = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert mean == pytest.approx(x.mean())
    assert (low, high) == pytest.approx(expected)


def test_one_value_has_no_confidence_interval():
    """One replicate says nothing about the spread: the CI is undefined (NaN), not zero-wide."""
    mean, low, high = mean_ci(np.array([3.0]))
    assert mean == 3.0 and np.isnan(low) and np.isnan(high)
    one = _frame()[lambda f: f["replicate"] == 0]
    summary = summarize(one, {"final_m": "final"})
    assert (summary["n"] == 1).all()
    assert summary["ci_low"].isna().all() and summary["ci_high"].isna().all()
    assert summary["mean"].notna().all()


def _frame() -> pd.DataFrame:
    rows = []
    for rep in range(4):
        for day in range(3):
            rows.append(("v", rep, float(day), "s", "", "final_m", rep * 10 + day))
            rows.append(("v", rep, float(day), "s", "", "total_m", 1.0))
            rows.append(("v", rep, float(day), "s", "g", "mean_m", day))
    cols = ["variant", "replicate", "day", "system", "entity", "metric", "value"]
    return pd.DataFrame(rows, columns=cols)


def test_summary_aggregates_each_replicate_as_declared():
    summary = summarize(_frame(), {"final_m": "final", "total_m": "total", "mean_m": "mean"})
    assert list(summary.columns) == SUMMARY_COLUMNS
    by = summary.set_index("metric")
    assert by.loc["final_m", "mean"] == pytest.approx(np.mean([2, 12, 22, 32]))
    assert by.loc["total_m", "mean"] == pytest.approx(3.0)
    assert by.loc["total_m", "ci_low"] == pytest.approx(3.0)
    assert by.loc["mean_m", "mean"] == pytest.approx(1.0)
    assert by.loc["mean_m", "entity"] == "g"
    assert (summary["n"] == 4).all()


def test_bands_cover_the_mean():
    bands = trajectory_bands(_frame(), "final_m")
    assert bands["n"].tolist() == [4, 4, 4]
    assert (bands["ci_low"] <= bands["mean"]).all() and (bands["mean"] <= bands["ci_high"]).all()
    assert bands["mean"].tolist() == pytest.approx([15.0, 16.0, 17.0])
