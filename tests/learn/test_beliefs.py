"""The oracle (told the truth, learns nothing) and the view of the available arms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.core.params import from_mapping
from sim.learn.beliefs import AvailableArms, Oracle
from sim.learn.estimators import BetaBernoulli, NotFittedError
from sim.learn.policies import POLICIES, Greedy, Thompson


def test_the_oracle_is_what_it_was_told() -> None:
    truth = np.array([[0.1, 0.9, 0.5], [0.7, 0.2, 0.3]])
    oracle = Oracle().reset(2, 3)
    with pytest.raises(NotFittedError, match="observe"):
        oracle.mean()
    oracle.observe(truth)
    np.testing.assert_array_equal(oracle.mean(), truth)
    np.testing.assert_array_equal(oracle.counts(), np.zeros((2, 3)))
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    np.testing.assert_array_equal(oracle.sample(rng, np.array([1, 0, 1])), truth[[1, 0, 1]])
    assert rng.bit_generator.state == state  # a point mass draws itself: no randomness used
    with pytest.raises(ValueError, match="shape"):
        oracle.observe(np.zeros((3, 3)))


def test_the_oracle_learns_nothing_from_logs() -> None:
    oracle = Oracle().reset(1, 2).observe(np.array([[0.2, 0.8]]))
    oracle.partial_fit(np.array([[10, 10]]), np.array([[10, 0]]))
    np.testing.assert_array_equal(oracle.mean(), [[0.2, 0.8]])
    oracle.fit(np.array([[1, 1]]), np.array([[1, 0]]))  # a retrain forgets the truth it was told
    with pytest.raises(NotFittedError):
        oracle.mean()
    assert Oracle.reads_truth
    assert from_mapping(Oracle, {"kind": "oracle"}, "model", ignore=("kind",)) == Oracle()


@settings(max_examples=50, deadline=None)
@given(
    truth=hnp.arrays(
        float, st.tuples(st.integers(1, 5), st.integers(4, 9)), elements=st.floats(0, 1)
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_greedy_and_thompson_on_the_oracle_show_the_true_top_items(truth, seed) -> None:
    oracle = Oracle().observe(truth)
    contexts = np.arange(truth.shape[0])
    rng = np.random.default_rng(seed)
    for policy in (Greedy(slate=3), Thompson(slate=3)):
        slates = policy.choose(oracle, contexts, rng)
        shown = np.take_along_axis(truth, slates, axis=1)
        third = -np.sort(-truth, axis=1)[:, 2:3]
        assert (shown >= third).all()  # the three shown are (tied with) the top three


@settings(max_examples=50, deadline=None)
@given(n_arms=st.integers(2, 8), data=st.data())
def test_every_policy_on_the_available_view_shows_only_available_arms(n_arms, data) -> None:
    available = data.draw(st.integers(1, n_arms))
    slate = data.draw(st.integers(1, available))
    kind = data.draw(st.sampled_from(sorted(POLICIES)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    imps = rng.integers(0, 20, size=(3, n_arms))
    belief = BetaBernoulli().fit(imps, rng.binomial(imps, 0.5))
    view = AvailableArms(belief, available)
    assert view.mean().shape == view.counts().shape == (3, available)
    np.testing.assert_array_equal(view.mean(), belief.mean()[:, :available])
    slates = POLICIES[kind](slate=slate).choose(view, rng.integers(0, 3, size=20), rng)
    assert slates.shape == (20, slate)
    assert (slates < available).all()
    assert all(len(set(row)) == slate for row in slates.tolist())


def test_the_view_needs_an_available_arm() -> None:
    with pytest.raises(ValueError, match="at least one"):
        AvailableArms(BetaBernoulli().reset(1, 3), 0)
