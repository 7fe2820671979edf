"""Tests of the policies: slate invariants, reference behaviours, limits, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.core.errors import ConfigError
from sim.core.params import describe, from_mapping
from sim.learn.estimators import BetaBernoulli
from sim.learn.policies import (
    POLICIES,
    UCB1,
    EpsilonGreedy,
    Greedy,
    Softmax,
    Thompson,
    UniformRandom,
    top_k,
)

# With M arms, a slate of 1 and n draws, the chi-square statistic of the arm frequencies has
# M - 1 degrees of freedom; 99.9% quantiles (df 1..5): used as the tolerance of uniformity checks.
CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52}


def chi_square(arms: np.ndarray, probs: np.ndarray) -> float:
    observed = np.bincount(arms, minlength=probs.size)
    expected = arms.size * probs
    return float(((observed - expected) ** 2 / expected).sum())


@st.composite
def problems(draw: st.DrawFn) -> tuple[BetaBernoulli, np.ndarray, int, int]:
    """A fitted belief, request contexts, a slate size and a seed."""
    n_contexts, n_arms = draw(st.integers(1, 4)), draw(st.integers(1, 7))
    imps = draw(hnp.arrays(np.int64, (n_contexts, n_arms), elements=st.integers(0, 30)))
    frac = draw(hnp.arrays(float, (n_contexts, n_arms), elements=st.floats(0, 1)))
    belief = BetaBernoulli().fit(imps, np.floor(frac * imps))
    contexts = draw(
        hnp.arrays(np.int64, st.integers(0, 25), elements=st.integers(0, n_contexts - 1))
    )
    return belief, contexts, draw(st.integers(1, n_arms)), draw(st.integers(0, 2**32 - 1))


@given(problems(), st.sampled_from(sorted(POLICIES)))
def test_every_slate_holds_distinct_valid_arms(problem: tuple, kind: str) -> None:
    belief, contexts, slate, seed = problem
    out = POLICIES[kind](slate=slate).choose(belief, contexts, np.random.default_rng(seed), 3.0)
    assert out.shape == (contexts.size, slate)
    assert np.issubdtype(out.dtype, np.integer)
    assert ((out >= 0) & (out < belief.n_arms)).all()
    assert all(len(set(row)) == slate for row in out.tolist())


@given(problems())
def test_greedy_picks_the_top_k_means_best_first(problem: tuple) -> None:
    belief, contexts, slate, seed = problem
    out = Greedy(slate=slate).choose(belief, contexts, np.random.default_rng(seed))
    means = belief.mean()
    for c, row in zip(contexts, out, strict=True):
        chosen = means[c, row]
        np.testing.assert_array_equal(chosen, np.sort(means[c])[::-1][:slate])


@given(problems())
def test_ucb1_plays_every_unplayed_arm_before_replaying(problem: tuple) -> None:
    belief, contexts, slate, seed = problem
    out = UCB1(slate=slate).choose(belief, contexts, np.random.default_rng(seed))
    counts = belief.counts()
    for c, row in zip(contexts, out, strict=True):
        unplayed = set(np.flatnonzero(counts[c] == 0).tolist())
        if len(unplayed) >= slate:
            assert set(row.tolist()) <= unplayed
        else:
            assert unplayed <= set(row.tolist())


def test_ucb1_index_matches_formula() -> None:
    belief = BetaBernoulli().fit([[4, 16, 0]], [[2, 12, 0]])
    index = UCB1(c=2.0).index(belief)
    n = 20
    expected = [3 / 6 + np.sqrt(2 * np.log(n) / 4), 13 / 18 + np.sqrt(2 * np.log(n) / 16), np.inf]
    np.testing.assert_allclose(index[0], expected)


@given(problems())
@settings(max_examples=50)
def test_epsilon_zero_equals_greedy(problem: tuple) -> None:
    belief, contexts, slate, seed = problem
    greedy = Greedy(slate=slate).choose(belief, contexts, np.random.default_rng(seed))
    eps = EpsilonGreedy(slate=slate, epsilon=0.0).choose(
        belief, contexts, np.random.default_rng(seed)
    )
    np.testing.assert_array_equal(eps, greedy)


def _skewed_belief(n_arms: int = 5) -> BetaBernoulli:
    imps = np.full((1, n_arms), 1000)
    return BetaBernoulli().fit(imps, np.linspace(50, 950, n_arms).round()[None, :])


@pytest.mark.parametrize(
    "policy",
    [EpsilonGreedy(epsilon=1.0), Softmax(temperature=1e6), UniformRandom()],
    ids=["epsilon=1", "softmax-hot", "random"],
)
def test_uniform_limits_pass_a_chi_square_check(policy: object) -> None:
    arms = policy.choose(_skewed_belief(), np.zeros(50_000, int), np.random.default_rng(2))[:, 0]
    assert chi_square(arms, np.full(5, 0.2)) < CHI2_999[4]


@pytest.mark.parametrize("kind", ["epsilon_greedy", "softmax", "random"])
def test_uniform_slates_include_each_arm_equally(kind: str) -> None:
    params = {"epsilon_greedy": {"epsilon": 1.0}, "softmax": {"temperature": 1e6}}.get(kind, {})
    policy = POLICIES[kind](slate=3, **params)
    out = policy.choose(_skewed_belief(), np.zeros(20_000, int), np.random.default_rng(3))
    shares = np.bincount(out.ravel(), minlength=5) / out.shape[0]
    np.testing.assert_allclose(shares, 3 / 5, atol=0.02)  # sd of each share is ~0.0035


def test_softmax_frequencies_match_boltzmann_probabilities() -> None:
    belief = _skewed_belief()
    policy = Softmax(temperature=0.2)
    arms = policy.choose(belief, np.zeros(50_000, int), np.random.default_rng(4))[:, 0]
    weights = np.exp(belief.mean()[0] / 0.2)
    assert chi_square(arms, weights / weights.sum()) < CHI2_999[4]


@pytest.mark.parametrize("temperature", [1e-6, 1e-300])
def test_softmax_with_tiny_temperature_is_greedy(temperature: float) -> None:
    belief = BetaBernoulli().fit([[10, 10, 10, 10], [10, 10, 10, 10]], [[1, 7, 3, 9], [5, 2, 8, 0]])
    contexts = np.array([0, 1, 1, 0, 1] * 20)
    rng = np.random.default_rng(5)
    hot = Softmax(slate=2, temperature=temperature).choose(belief, contexts, rng)
    np.testing.assert_array_equal(hot, Greedy(slate=2).choose(belief, contexts, rng))


def test_epsilon_greedy_explores_at_its_rate() -> None:
    belief = _skewed_belief()
    policy = EpsilonGreedy(epsilon=0.3)
    arms = policy.choose(belief, np.zeros(40_000, int), np.random.default_rng(6))[:, 0]
    # The best arm (index 4) is shown by every exploit and by 1/5 of explorations.
    assert np.mean(arms == 4) == pytest.approx(0.7 + 0.3 / 5, abs=0.01)
    decaying = EpsilonGreedy(epsilon=0.3, decay="inverse_time", decay_days=10.0)
    assert decaying.rate(0.0) == 0.3
    assert decaying.rate(10.0) == pytest.approx(0.15)
    assert EpsilonGreedy(epsilon=0.3).rate(100.0) == 0.3


def test_thompson_with_concentrated_posterior_is_greedy() -> None:
    belief = BetaBernoulli().fit(
        np.full((2, 4), 10**7), np.array([[1, 5, 3, 2], [8, 6, 7, 9]]) * 10**6
    )
    contexts = np.array([0, 1] * 50)
    out = Thompson(slate=3).choose(belief, contexts, np.random.default_rng(7))
    np.testing.assert_array_equal(out, np.tile([[1, 2, 3], [3, 0, 2]], (50, 1)))


def test_greedy_breaks_ties_at_random() -> None:
    belief = BetaBernoulli().reset(1, 4)
    rng = np.random.default_rng(8)
    firsts = [Greedy().choose(belief, np.array([0]), rng)[0, 0] for _ in range(400)]
    assert set(firsts) == {0, 1, 2, 3}


@pytest.mark.parametrize("kind", sorted(POLICIES))
def test_slate_larger_than_arms_raises(kind: str) -> None:
    with pytest.raises(ValueError, match="slate=4 exceeds the number of arms"):
        POLICIES[kind](slate=4).choose(
            BetaBernoulli().reset(2, 3), np.array([0, 1]), np.random.default_rng(0)
        )


@pytest.mark.parametrize("kind", sorted(POLICIES))
def test_same_seed_gives_identical_slates(kind: str) -> None:
    belief = BetaBernoulli().fit(
        [[3, 0, 5, 5, 9], [1, 1, 0, 4, 2]], [[1, 0, 2, 2, 4], [0, 1, 0, 2, 1]]
    )
    contexts = np.random.default_rng(0).integers(0, 2, size=200)
    policy = POLICIES[kind](slate=2)
    a = policy.choose(belief, contexts, np.random.default_rng(42), day=5.0)
    b = policy.choose(belief, contexts, np.random.default_rng(42), day=5.0)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", sorted(POLICIES))
def test_no_requests_give_an_empty_slate_array(kind: str) -> None:
    out = POLICIES[kind](slate=2).choose(
        BetaBernoulli().reset(1, 3), np.array([], int), np.random.default_rng(0)
    )
    assert out.shape == (0, 2)


def test_bad_contexts_raise() -> None:
    belief = BetaBernoulli().reset(2, 3)
    with pytest.raises(ValueError, match="context ids"):
        Greedy().choose(belief, np.array([0, 2]), np.random.default_rng(0))
    with pytest.raises(ValueError, match="integer"):
        Greedy().choose(belief, np.array([0.0, 1.0]), np.random.default_rng(0))


def test_parameters_are_validated_and_documented() -> None:
    with pytest.raises(ConfigError, match="slate"):
        Greedy(slate=0)
    with pytest.raises(ConfigError, match="epsilon"):
        EpsilonGreedy(epsilon=1.5)
    with pytest.raises(ConfigError, match="decay"):
        EpsilonGreedy(decay="linear")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"policy\.temperature"):
        from_mapping(
            Softmax, {"kind": "softmax", "temperature": 0}, path="policy", ignore=("kind",)
        )
    policy = from_mapping(EpsilonGreedy, {"slate": 3, "epsilon": 0.2, "decay": "inverse_time"})
    assert policy == EpsilonGreedy(slate=3, epsilon=0.2, decay="inverse_time")
    for cls in POLICIES.values():
        assert all(doc for _, _, _, doc in describe(cls))


def test_top_k_sorts_descending_and_breaks_ties_uniformly() -> None:
    scores = np.array([[0.1, 0.9, 0.5, 0.7], [3.0, -1.0, 2.0, np.nan]])
    np.testing.assert_array_equal(top_k(scores, 3), [[1, 3, 2], [0, 2, 1]])
    np.testing.assert_array_equal(top_k(scores, 4)[1], [0, 2, 1, 3])
    ties = top_k(np.zeros((30_000, 3)), 1, np.random.default_rng(9))[:, 0]
    assert chi_square(ties, np.full(3, 1 / 3)) < CHI2_999[2]
    with pytest.raises(ValueError):
        top_k(scores, 5)


def test_top_k_with_random_ties_is_the_lexsort_of_the_random_keys():
    """The tie-aware top-k (a lexsort only for rows with a tie or nan near the top) returns
    exactly what sorting every row by (score, random key) returns, for the same keys."""
    gen = np.random.default_rng(3)
    for case in range(600):
        n, m = int(gen.integers(1, 20)), int(gen.integers(1, 12))
        k = int(gen.integers(1, m + 1))
        scores = gen.integers(0, int(gen.integers(1, 5)), (n, m)).astype(float)
        if case % 3 == 0:
            scores[gen.random((n, m)) < 0.2] = np.nan
        keys = np.random.default_rng(case).random(scores.shape)
        expected = np.lexsort((keys, -scores), axis=-1)[:, :k]
        np.testing.assert_array_equal(top_k(scores, k, np.random.default_rng(case)), expected)
