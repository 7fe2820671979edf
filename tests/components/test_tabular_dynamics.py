"""The tabular world's pure dynamics: drift shapes, rows drawn from per-feature streams."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.components.tabular.dynamics import (
    Drift,
    FeatureSpec,
    RelatedLabel,
    check_target,
    draw_rows,
    loss_change,
    total_shift,
)
from sim.core.errors import ConfigError


def test_drift_shapes():
    abrupt = Drift("intercept", "abrupt", amount=2.0, start_day=10)
    gradual = Drift("intercept", "gradual", amount=-1.5, start_day=30, end_day=210)
    seasonal = Drift("intercept", "seasonal", amount=0.6, start_day=0, period_days=60)
    assert [abrupt.shift(d) for d in (9.9, 10, 100)] == [0.0, 2.0, 2.0]
    assert [gradual.shift(d) for d in (0, 30, 120, 210, 300)] == [0.0, 0.0, -0.75, -1.5, -1.5]
    assert seasonal.shift(15) == pytest.approx(0.6)
    assert seasonal.shift(45) == pytest.approx(-0.6)
    assert total_shift([abrupt, gradual, seasonal], "intercept", 120) == pytest.approx(
        2.0 - 0.75 + 0.6 * math.sin(2 * math.pi * 2)
    )
    assert total_shift([abrupt], "features.x1.mean", 120) == 0


@given(st.floats(0, 100), st.floats(0.1, 50), st.floats(-3, 3), st.floats(0, 400))
def test_a_gradual_drift_stays_between_zero_and_its_amount(start, length, amount, day):
    shift = Drift("intercept", "gradual", amount, start, start + length).shift(day)
    assert min(0.0, amount) - 1e-12 <= shift <= max(0.0, amount) + 1e-12


def test_bad_drifts_and_targets_are_refused():
    with pytest.raises(ConfigError, match="end_day"):
        Drift("intercept", "gradual", 1.0, start_day=5, end_day=5)
    features = {"x1": FeatureSpec()}
    check_target("features.x1.scale", features, "world.drift.d.target")
    with pytest.raises(ConfigError, match="not a drifting parameter"):
        check_target("features.x2.mean", features, "world.drift.d.target")


def _rows(features, value=None, n=20_000):
    """Rows with one stream per feature name (the same name always gets the same stream)."""
    value = value or {}
    streams = {name: np.random.default_rng([1, int(name[1:])]) for name in features}
    return draw_rows(
        0.0,
        n,
        features,
        lambda path: value.get(path, _default(features, path)),
        streams,
        np.random.default_rng(99),
        {"b": RelatedLabel(0.0, {"x1": -2.0})},
        {"b": np.random.default_rng(98)},
    )


def _default(features, path):
    if path == "intercept":
        return -1.0
    _, name, field = path.split(".")
    return getattr(features[name], field)


def test_each_feature_has_its_own_stream_and_correlation():
    two = {"x1": FeatureSpec(weight=1.0), "x2": FeatureSpec(parent="x1", correlation=0.8)}
    three = {**two, "x3": FeatureSpec(weight=0.5)}
    a, b = _rows(two), _rows(three)
    np.testing.assert_array_equal(a.features["x1"], b.features["x1"])  # common random numbers
    np.testing.assert_array_equal(a.features["x2"], b.features["x2"])
    assert np.corrcoef(a.features["x1"], a.features["x2"])[0, 1] == pytest.approx(0.8, abs=0.02)
    # the related label depends on x1 the other way round
    assert (
        np.corrcoef(a.features["x1"], a.related["b"])[0, 1]
        < -0.3
        < 0.3
        < np.corrcoef(a.features["x1"], a.labels)[0, 1]
    )


def test_a_scale_change_is_pure_measurement():
    features = {"x1": FeatureSpec(weight=1.0)}
    plain = _rows(features)
    rescaled = _rows(features, {"features.x1.scale": 3.0, "features.x1.mean": 1.0})
    np.testing.assert_allclose(rescaled.features["x1"], 1.0 + 3.0 * plain.features["x1"])
    np.testing.assert_array_equal(rescaled.labels, plain.labels)  # the truth did not move


def test_loss_change_compares_the_spans_around_the_day():
    losses = [(float(d), 1.0 if d < 10 else 0.5) for d in range(20)]
    assert loss_change(losses, 10, 5) == pytest.approx(-0.5)
    assert loss_change(losses, 30, 5) is None
