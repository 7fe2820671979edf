"""Tests of the learners: closed forms, invariants, recovery of known parameters."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.core.errors import ConfigError
from sim.core.params import describe, from_mapping
from sim.learn.estimators import (
    ESTIMATORS,
    BetaBernoulli,
    NotFittedError,
    OnlineLogisticRegression,
    RidgeRegression,
    sigmoid,
)

shapes = st.tuples(st.integers(1, 4), st.integers(1, 6))


@st.composite
def count_arrays(draw: st.DrawFn, shape: tuple[int, int] | None = None) -> tuple:
    """(impressions, clicks) integer arrays with 0 <= clicks <= impressions."""
    shape = shape or draw(shapes)
    imps = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, 50)))
    frac = draw(hnp.arrays(float, shape, elements=st.floats(0, 1)))
    return imps, np.floor(frac * imps).astype(np.int64)


priors = st.floats(0.01, 10)


# --- BetaBernoulli -------------------------------------------------------------------------


@given(count_arrays(), priors, priors)
def test_posterior_matches_closed_form(counts: tuple, a0: float, b0: float) -> None:
    imps, clicks = counts
    model = BetaBernoulli(prior_alpha=a0, prior_beta=b0).fit(imps, clicks)
    np.testing.assert_allclose(model.alpha_, a0 + clicks)
    np.testing.assert_allclose(model.beta_, b0 + imps - clicks)
    np.testing.assert_allclose(model.mean(), (a0 + clicks) / (a0 + b0 + imps))
    np.testing.assert_array_equal(model.counts(), imps)
    assert (model.n_contexts, model.n_arms) == imps.shape
    assert ((model.mean() >= 0) & (model.mean() <= 1)).all()


@given(st.data())
def test_partial_fit_of_two_batches_equals_fit_of_sum(data: st.DataObject) -> None:
    shape = data.draw(shapes)
    imps1, clicks1 = data.draw(count_arrays(shape))
    imps2, clicks2 = data.draw(count_arrays(shape))
    twice = BetaBernoulli().partial_fit(imps1, clicks1).partial_fit(imps2, clicks2)
    once = BetaBernoulli().fit(imps1 + imps2, clicks1 + clicks2)
    np.testing.assert_allclose(twice.alpha_, once.alpha_)
    np.testing.assert_allclose(twice.beta_, once.beta_)
    np.testing.assert_allclose(twice.counts(), once.counts())


def test_fit_starts_from_scratch() -> None:
    model = BetaBernoulli().fit([[10, 10]], [[9, 1]])
    model.fit([[2, 0]], [[1, 0]])
    np.testing.assert_allclose(model.mean(), [[2 / 4, 1 / 2]])


def test_reset_gives_prior_only_posterior() -> None:
    model = BetaBernoulli(prior_alpha=2.0, prior_beta=6.0).reset(3, 4)
    np.testing.assert_allclose(model.mean(), np.full((3, 4), 0.25))
    np.testing.assert_array_equal(model.counts(), np.zeros((3, 4)))
    draws = model.sample(np.random.default_rng(0), np.array([0, 2, 2]))
    assert draws.shape == (3, 4)


@given(count_arrays(), st.integers(0, 2**32 - 1))
@settings(max_examples=30)
def test_samples_lie_in_unit_interval(counts: tuple, seed: int) -> None:
    model = BetaBernoulli().fit(*counts)
    contexts = np.arange(model.n_contexts).repeat(3)
    draws = model.sample(np.random.default_rng(seed), contexts)
    assert draws.shape == (contexts.size, model.n_arms)
    assert ((draws >= 0) & (draws <= 1)).all()


def test_sample_mean_approaches_posterior_mean() -> None:
    # Beta draws have sd <= 0.5, so the mean of 20_000 draws has sd <= 0.0036; 0.015 is ~4 sd.
    model = BetaBernoulli().fit([[0, 10, 100], [3, 40, 7]], [[0, 2, 90], [3, 20, 1]])
    contexts = np.repeat([0, 1], 20_000)
    draws = model.sample(np.random.default_rng(1), contexts)
    np.testing.assert_allclose(draws[:20_000].mean(axis=0), model.mean()[0], atol=0.015)
    np.testing.assert_allclose(draws[20_000:].mean(axis=0), model.mean()[1], atol=0.015)


@pytest.mark.parametrize(
    ("impressions", "clicks"),
    [
        ([[1, 2]], [[2, 0]]),  # clicks > impressions
        ([[-1, 2]], [[0, 0]]),  # negative impressions
        ([[1, 2]], [[-1, 0]]),  # negative clicks
        ([[1, 2]], [[0, 0, 0]]),  # shape mismatch
        ([1, 2], [0, 0]),  # not 2-D
        ([[np.nan, 2]], [[0, 0]]),  # not finite
    ],
)
def test_invalid_counts_raise(impressions: list, clicks: list) -> None:
    with pytest.raises(ValueError):
        BetaBernoulli().fit(impressions, clicks)


def test_partial_fit_shape_change_and_bad_contexts_raise() -> None:
    model = BetaBernoulli().reset(2, 3)
    with pytest.raises(ValueError, match="shape"):
        model.partial_fit(np.ones((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="context ids"):
        model.sample(np.random.default_rng(0), np.array([0, 2]))


def test_unfitted_model_says_how_to_start() -> None:
    with pytest.raises(NotFittedError, match="reset"):
        BetaBernoulli().mean()


def test_parameters_are_validated() -> None:
    with pytest.raises(ConfigError, match="prior_alpha"):
        BetaBernoulli(prior_alpha=0.0)
    with pytest.raises(ConfigError, match=r"model\.prior_beta"):
        from_mapping(BetaBernoulli, {"prior_beta": -1}, path="model")
    assert from_mapping(BetaBernoulli, {"prior_alpha": 2}).prior_alpha == 2.0
    for cls in ESTIMATORS.values():
        assert all(doc for _, _, _, doc in describe(cls))
        assert not any(key.endswith("_") for key, *_ in describe(cls))


# --- sigmoid and OnlineLogisticRegression --------------------------------------------------


@given(hnp.arrays(float, st.integers(0, 20), elements=st.floats(allow_nan=False)))
def test_sigmoid_is_a_probability_without_warnings(z: np.ndarray) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = sigmoid(z)
        q = sigmoid(-z)
    assert ((p >= 0) & (p <= 1)).all()
    np.testing.assert_allclose(p + q, 1.0, atol=1e-12)
    assert (np.diff(p[np.argsort(z)]) >= 0).all()


def test_sigmoid_reference_values() -> None:
    np.testing.assert_allclose(sigmoid([0.0, np.log(3.0), -np.log(3.0)]), [0.5, 0.75, 0.25])
    np.testing.assert_array_equal(sigmoid([np.inf, -np.inf, 1e308, -1e308]), [1, 0, 1, 0])


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(
    hnp.arrays(float, st.tuples(st.integers(0, 10), st.just(3)), elements=finite),
    hnp.arrays(float, 3, elements=st.floats(-1e3, 1e3)),
    st.floats(-1e3, 1e3),
)
def test_predict_proba_is_a_probability_for_any_finite_input(
    X: np.ndarray, w: np.ndarray, b: float
) -> None:
    model = OnlineLogisticRegression().partial_fit(np.zeros((1, 3)), np.zeros(1))
    model.weights_, model.intercept_ = w, b
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = model.predict_proba(X)
    assert p.shape == (X.shape[0],)
    assert ((p >= 0) & (p <= 1)).all()


def _logistic_data(seed: int, n: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (rng.random(n) < sigmoid(X @ np.array([1.5, -2.0]) + 0.5)).astype(float)
    return X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_logistic_regression_recovers_known_weights(seed: int) -> None:
    X, y = _logistic_data(seed)
    model = OnlineLogisticRegression(epochs=5, batch_size=64)
    before = model.partial_fit(X[:0], y[:0]).loss(X, y)
    model.fit(X, y, np.random.default_rng(seed))
    np.testing.assert_allclose(model.weights_, [1.5, -2.0], atol=0.15)
    assert abs(model.intercept_ - 0.5) < 0.15
    assert before == pytest.approx(np.log(2))
    assert model.loss(X, y) < before - 0.2
    assert model.n_seen_ == X.shape[0]


def test_logistic_regression_is_deterministic_and_partial_fit_continues() -> None:
    X, y = _logistic_data(3, n=2_000)
    a = OnlineLogisticRegression().fit(X, y, np.random.default_rng(5))
    b = OnlineLogisticRegression().fit(X, y, np.random.default_rng(5))
    np.testing.assert_array_equal(a.weights_, b.weights_)
    one_pass = OnlineLogisticRegression(epochs=2).fit(X, y)
    two_calls = OnlineLogisticRegression().partial_fit(X, y).partial_fit(X, y)
    np.testing.assert_allclose(one_pass.weights_, two_calls.weights_)
    assert two_calls.n_seen_ == 2 * one_pass.n_seen_


def test_l2_shrinks_and_intercept_can_be_off() -> None:
    X, y = _logistic_data(4, n=5_000)
    plain = OnlineLogisticRegression(epochs=3).fit(X, y)
    shrunk = OnlineLogisticRegression(epochs=3, l2=0.5).fit(X, y)
    assert np.linalg.norm(shrunk.weights_) < 0.7 * np.linalg.norm(plain.weights_)
    assert OnlineLogisticRegression(fit_intercept=False).fit(X, y).intercept_ == 0.0


def test_logistic_regression_rejects_bad_input() -> None:
    model = OnlineLogisticRegression()
    with pytest.raises(NotFittedError):
        model.predict_proba(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.fit(np.zeros((2, 2)), np.array([0.0, 2.0]))
    model.fit(np.zeros((2, 2)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="features"):
        model.predict_proba(np.zeros((1, 3)))
    with pytest.raises(ConfigError, match="batch_size"):
        OnlineLogisticRegression(batch_size=0)


def test_loss_is_finite_at_infinite_logits_when_labels_agree() -> None:
    model = OnlineLogisticRegression().partial_fit(np.zeros((1, 1)), np.zeros(1))
    model.weights_ = np.array([1e3])
    X = np.array([[1e308], [-1e308]])
    assert model.loss(X, np.array([1.0, 0.0])) == 0.0
    assert model.loss(X, np.array([0.0, 0.0])) == np.inf


# --- RidgeRegression -----------------------------------------------------------------------


@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.integers(0, 1))
@settings(max_examples=30)
def test_ridge_without_penalty_matches_lstsq(seed: int, d: int, intercept: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, d))
    y = rng.normal(size=30)
    model = RidgeRegression(l2=0.0, fit_intercept=bool(intercept)).fit(X, y)
    design = np.hstack([X, np.ones((30, 1))]) if intercept else X
    theta = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(model.weights_, theta[:d], atol=1e-9)
    np.testing.assert_allclose(model.intercept_, theta[d] if intercept else 0.0, atol=1e-9)


@given(st.integers(0, 2**32 - 1), st.floats(0.01, 100))
@settings(max_examples=30)
def test_ridge_matches_normal_equations_with_unpenalised_intercept(seed: int, l2: float) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(loc=3.0, size=(25, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 4.0 + rng.normal(size=25)
    model = RidgeRegression(l2=l2).fit(X, y)
    design = np.hstack([X, np.ones((25, 1))])
    penalty = np.diag([l2, l2, l2, 0.0])
    theta = np.linalg.solve(design.T @ design + penalty, design.T @ y)
    np.testing.assert_allclose(model.weights_, theta[:3], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(model.intercept_, theta[3], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(model.predict(X), design @ theta, rtol=1e-7, atol=1e-8)


def test_ridge_rank_deficient_predictions_match_lstsq() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 1))
    X = np.hstack([x, x])
    y = 2 * x[:, 0] + 1
    model = RidgeRegression(l2=0.0).fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-9)
    np.testing.assert_allclose(model.weights_, [1.0, 1.0], atol=1e-9)
