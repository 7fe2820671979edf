"""Closed forms of the lending model (sim.analysis.lending) against the world's own dynamics.

The world's kernel (``sim.components.lending.dynamics.lend_applicants``) takes applicants one at
a time. For one applicant the expected change of both score distributions, of their means and
of the lender's profit are exact closed forms; 40,000 independent one-step draws from the same state
must match them within 5 standard errors, per score (states: the published day-0 population
under the max-utility threshold; under the day-0 equal-opportunity pair, which randomises group
2's score 2; and a state whose cells hold less mass than ``step``, with both edges in play).
Long run: under a fixed integer threshold t, every unit of mass at t − 1 or above ends at t − 1
(absorbed: rejection changes nothing), checked exactly with ``step = 0.1`` for t = 1..7.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.lending import (
    absorbing_limit,
    expected_step_change,
    expected_step_profit,
    mean_repay_prob,
    mean_score,
    population_tpr,
)
from sim.components.lending.dynamics import lend_applicants

PI = np.array([0.1, 0.2, 0.45, 0.6, 0.65, 0.7, 0.7])
MU = np.array([[0.0, 0.1, 0.1, 0.2, 0.3, 0.3, 0.0], [0.1, 0.1, 0.2, 0.3, 0.3, 0.0, 0.0]])
DRAWS = 40_000


def _accept(t1: float, t2: float) -> np.ndarray:
    return np.clip(np.arange(7)[None, :] - np.array([t1, t2])[:, None] + 1.0, 0.0, 1.0)


def test_day_zero_summaries():
    np.testing.assert_allclose(mean_repay_prob(MU, PI), [0.59, 0.495])
    np.testing.assert_allclose(mean_score(MU), [3.6, 2.6])
    np.testing.assert_allclose(population_tpr(MU, _accept(3, 3), PI), [0.525 / 0.59, 0.375 / 0.495])
    # One applicant under C >= 3 earns 0.5·(0.04 + 0.09 + 0.12) + 0.5·(0.06 + 0.09) = 0.2.
    assert expected_step_profit(MU, _accept(3, 3), PI, [0.5, 0.5], rate=1.0) == pytest.approx(0.2)


def test_expected_change_conserves_mass_and_rejection_changes_nothing():
    change = expected_step_change(MU, _accept(2.5, 1.2), PI, [0.3, 0.7], step=0.01)
    np.testing.assert_allclose(change.sum(axis=1), 0.0, atol=1e-15)
    np.testing.assert_array_equal(
        expected_step_change(MU, np.zeros((2, 7)), PI, [0.5, 0.5], 0.01), np.zeros((2, 7))
    )


CASES = {
    "day0_max_utility": (MU, _accept(3.0, 3.0), 0.5, 0.01),
    "day0_equal_opportunity": (MU, _accept(3.0, 2.2726), 0.5, 0.01),
    "thin_cells_and_edges": (
        np.array([[0.02, 0.0, 0.03, 0.15, 0.2, 0.1, 0.5], [0.6, 0.02, 0.08, 0.1, 0.1, 0.05, 0.05]]),
        _accept(0.0, 0.4),
        0.35,
        0.05,
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_one_step_of_the_world_matches_the_closed_form(case):
    mu, accept, p1, step = CASES[case]
    rng = np.random.default_rng(7)
    uniforms = rng.random((DRAWS, 1, 4))
    changes = np.empty((DRAWS, *mu.shape))
    profit = np.empty(DRAWS)
    for i in range(DRAWS):
        state = mu.copy()
        batch = lend_applicants(state, accept, PI, p1, step, uniforms[i])
        changes[i] = state - mu
        won = batch.accepted & batch.would_repay
        profit[i] = 2.0 * won.sum() - batch.accepted.sum()  # +1 per repayment, −1 per default
    shares = np.array([p1, 1.0 - p1])
    expected = expected_step_change(mu, accept, PI, shares, step)
    mean, se = changes.mean(axis=0), changes.std(axis=0, ddof=1) / np.sqrt(DRAWS)
    assert (np.abs(mean - expected) <= 5 * se + 1e-15).all(), (mean - expected) / (se + 1e-30)
    scores = np.arange(7)
    shifts = changes @ scores  # change of each group's mean score
    expected_shift = expected @ scores
    shift_se = shifts.std(axis=0, ddof=1) / np.sqrt(DRAWS)
    assert (np.abs(shifts.mean(axis=0) - expected_shift) <= 5 * shift_se).all()
    expected_profit = expected_step_profit(mu, accept, PI, shares, rate=1.0)
    assert abs(profit.mean() - expected_profit) <= 5 * profit.std(ddof=1) / np.sqrt(DRAWS)


def test_the_closed_form_sees_the_cap_on_moved_mass():
    # A cell holding 0.02 < step = 0.05 can only lose 0.02 (D'Amour et al.'s environment): the
    # applicant is at score 3 with probability 0.02 and then moves min(0.05, 0.02) = 0.02.
    mu = np.array([[0.0, 0.0, 0.0, 0.02, 0.98, 0.0, 0.0], [1.0, 0, 0, 0, 0, 0, 0]])
    only_three = np.zeros((2, 7))
    only_three[0, 3] = 1.0
    change = expected_step_change(mu, only_three, PI, [1.0, 0.0], step=0.05)
    moved = 0.02 * 0.02
    np.testing.assert_allclose(change[0, [2, 3, 4]], [moved * 0.4, -moved, moved * 0.6])


@pytest.mark.parametrize("threshold", range(1, 8))
def test_a_fixed_threshold_absorbs_its_pool_one_score_below(threshold):
    limit = absorbing_limit(MU, threshold)
    accept = _accept(threshold, threshold)
    rng = np.random.default_rng(threshold)
    state = MU.copy()
    for _ in range(100):  # up to 100,000 applicants; converges within about 10,000
        lend_applicants(state, accept, PI, 0.5, 0.1, rng.random((1_000, 4)))
        if np.abs(state - limit).max() < 1e-9:
            break
    np.testing.assert_allclose(state, limit, atol=1e-9)
    np.testing.assert_allclose(limit.sum(axis=1), 1.0)


def test_absorbing_limit_rejects_non_integer_thresholds():
    with pytest.raises(ValueError):
        absorbing_limit(MU, 0)
    with pytest.raises(ValueError):
        absorbing_limit(MU, 2.5)  # type: ignore[arg-type]
