"""Lending thresholds (sim.learn.lending): acceptance tables, max utility, equal opportunity.

Closed forms on the published model (π = (0.1, 0.2, 0.45, 0.6, 0.65, 0.7, 0.7), the two initial
distributions, rate 1): the max-utility threshold is 3, and the equal-opportunity pair is 3 for
group 1 and 2.2726 for group 2 (accept 72.7% of group 2's score-2 applicants), which is what
``scenarios/lending_threshold.toml`` hand-sets. Properties: equal-opportunity thresholds equalise
the population TPR exactly and no other pair with equal TPRs earns more (checked on a fine grid
of rates); the max-utility threshold on expected counts is the pointwise rule π(C) > 1/(1+rate).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.analysis.lending import population_tpr
from sim.learn.lending import (
    acceptance,
    equal_opportunity_thresholds,
    expected_counts,
    max_utility_threshold,
    tpr_curve,
)
from sim.scenario.resolve import load_scenario

PI = np.array([0.1, 0.2, 0.45, 0.6, 0.65, 0.7, 0.7])
MU = np.array([[0.0, 0.1, 0.1, 0.2, 0.3, 0.3, 0.0], [0.1, 0.1, 0.2, 0.3, 0.3, 0.0, 0.0]])
SHARES = np.array([0.5, 0.5])


def test_acceptance_is_a_randomised_threshold():
    table = acceptance([3.0, 2.25, 0.0, 7.0], 7)
    np.testing.assert_array_equal(table[0], [0, 0, 0, 1, 1, 1, 1])
    np.testing.assert_allclose(table[1], [0, 0, 0.75, 1, 1, 1, 1])
    np.testing.assert_array_equal(table[2], np.ones(7))
    np.testing.assert_array_equal(table[3], np.zeros(7))
    with pytest.raises(ValueError):
        acceptance([np.nan], 7)


def test_published_max_utility_threshold_is_three():
    repaid, defaulted = expected_counts(MU, PI, SHARES)
    assert max_utility_threshold(repaid.sum(0), defaulted.sum(0), rate=1.0) == 3.0
    # Higher interest makes lower scores worth a loan: 1/(1 + 2) = 1/3 < π(2) = 0.45.
    assert max_utility_threshold(repaid.sum(0), defaulted.sum(0), rate=2.0) == 2.0


def test_published_equal_opportunity_pair_and_the_scenario_file_agree():
    repaid, defaulted = expected_counts(MU, PI, SHARES)
    pair = equal_opportunity_thresholds(repaid, defaulted, rate=1.0)
    # τ = TPR of group 1 at 3 = 0.525 / 0.59; group 2 takes 3+ and q of score 2:
    # q = (τ − 0.375/0.495) / (0.09/0.495) = 0.72740.
    q = (0.525 / 0.59 - 0.375 / 0.495) / (0.09 / 0.495)
    np.testing.assert_allclose(pair, [3.0, 3.0 - q], atol=1e-12)
    tpr = population_tpr(MU, acceptance(pair, 7), PI)
    assert abs(tpr[0] - tpr[1]) < 1e-12
    scenario = load_scenario("lending_threshold")
    lender = scenario.configs["fixed_equal_opportunity"]["systems"]["lender"]
    np.testing.assert_allclose(lender["group_thresholds"], pair, atol=1e-4)
    assert scenario.configs["fixed"]["systems"]["lender"]["threshold"] == 3.0


def test_tpr_curve_runs_from_one_to_zero():
    np.testing.assert_allclose(tpr_curve([1.0, 0.0, 3.0]), [1.0, 0.75, 0.75, 0.0])
    with pytest.raises(ValueError):
        tpr_curve([0.0, 0.0])


def test_a_group_without_repayments_falls_back_to_its_own_max_utility():
    repaid = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    defaulted = np.ones((2, 3))
    thresholds = equal_opportunity_thresholds(repaid, defaulted, rate=1.0)
    assert thresholds[0] == 3.0  # nothing profitable: reject everyone
    assert thresholds[1] == 1.0  # one group alone: its max-utility threshold (ties: fewer loans)


def test_bad_counts_are_rejected():
    with pytest.raises(ValueError):
        max_utility_threshold(np.ones((2, 3)), np.ones((2, 3)), 1.0)
    with pytest.raises(ValueError):
        equal_opportunity_thresholds(np.ones(3), np.ones(3), 1.0)
    with pytest.raises(ValueError):
        equal_opportunity_thresholds(-np.ones((2, 3)), np.ones((2, 3)), 1.0)


increasing_pi = st.lists(st.floats(0.02, 0.98), min_size=3, max_size=8).map(
    lambda xs: np.sort(np.array(xs))
)


@st.composite
def populations(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    pi = draw(increasing_pi)
    k = len(pi)
    weights = draw(
        st.lists(st.lists(st.floats(0.01, 1.0), min_size=k, max_size=k), min_size=2, max_size=2)
    )
    mu = np.array(weights)
    mu /= mu.sum(axis=1, keepdims=True)
    rate = draw(st.floats(0.2, 3.0))
    return pi, mu, rate


@given(populations())
def test_max_utility_on_expected_counts_is_the_pointwise_rule(case):
    pi, mu, rate = case
    repaid, defaulted = expected_counts(mu, pi, SHARES)
    cut = 1.0 / (1.0 + rate)
    if np.isclose(pi, cut, atol=1e-9).any():
        return  # a tie: both thresholds earn the same
    above = np.flatnonzero(pi > cut)
    expected = float(above[0]) if above.size else float(len(pi))
    assert max_utility_threshold(repaid.sum(0), defaulted.sum(0), rate) == expected


def _utility(mu: np.ndarray, pi: np.ndarray, accept: np.ndarray, rate: float) -> float:
    return float((SHARES[:, None] * mu * accept * (rate * pi - (1 - pi))).sum())


def _pair_for_rate(mu: np.ndarray, pi: np.ndarray, tau: float) -> np.ndarray:
    """Per group, the highest randomised threshold whose population TPR is tau."""
    out = []
    for g in range(2):
        curve = tpr_curve(mu[g] * pi)
        t = int(np.flatnonzero(curve >= tau - 1e-12)[-1])
        if t == len(pi):
            out.append(float(t))
            continue
        share = (tau - curve[t + 1]) / (curve[t] - curve[t + 1])
        out.append(t + 1.0 - share)
    return np.array(out)


@given(populations())
def test_equal_opportunity_is_equal_and_the_most_profitable_such_pair(case):
    pi, mu, rate = case
    repaid, defaulted = expected_counts(mu, pi, SHARES)
    pair = equal_opportunity_thresholds(repaid, defaulted, rate)
    accept = acceptance(pair, len(pi))
    tpr = population_tpr(mu, accept, pi)
    assert abs(tpr[0] - tpr[1]) < 1e-9
    best = _utility(mu, pi, accept, rate)
    for tau in np.linspace(0.0, 1.0, 201):
        other = acceptance(_pair_for_rate(mu, pi, tau), len(pi))
        assert _utility(mu, pi, other, rate) <= best + 1e-9
