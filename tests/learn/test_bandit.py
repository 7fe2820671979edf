"""Bandit policies against theory: UCB1's regret bound, Thompson vs UCB1, greedy lock-in.

Reference: Auer, Cesa-Bianchi, Fischer (2002), Theorem 1 and their test distributions
(see /work/shared/REFERENCES.md, Bandits). Replicates run as independent contexts of one belief,
so 100 replicates x 5000 steps cost one vectorised policy call per step.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.learn.bandit import simulate_bernoulli_bandit, simulate_bernoulli_bandits
from sim.learn.policies import POLICIES, UCB1, Greedy, Thompson

DISTRIBUTION_1 = np.array([0.9, 0.6])
DISTRIBUTION_3 = np.array([0.55, 0.45])
# UCB1 in the paper uses the empirical mean; a near-zero Beta prior makes the posterior mean it.
EMPIRICAL = (1e-9, 1e-9)
REPLICATES = 100
HORIZON = 5000


def ucb1_bound(means: np.ndarray, n: int) -> float:
    """Theorem 1: 8 Σ_{i: Δ_i > 0} ln n / Δ_i + (1 + π²/3) Σ_j Δ_j."""
    gaps = means.max() - means
    gaps = gaps[gaps > 0]
    return float(8 * np.sum(np.log(n) / gaps) + (1 + np.pi**2 / 3) * gaps.sum())


def mean_regret(policy: object, means: np.ndarray, seed: int, prior: tuple = (1.0, 1.0)):
    runs = simulate_bernoulli_bandits(
        policy, means, HORIZON, np.random.default_rng(seed), REPLICATES, prior
    )
    return runs["regret"].mean(axis=0)


@pytest.fixture(scope="module")
def regrets() -> dict[str, np.ndarray]:
    return {
        "ucb1": mean_regret(UCB1(), DISTRIBUTION_1, 1, EMPIRICAL),
        "thompson": mean_regret(Thompson(), DISTRIBUTION_1, 2),
        "greedy": mean_regret(Greedy(), DISTRIBUTION_1, 3),
    }


@pytest.mark.parametrize("means", [DISTRIBUTION_1, DISTRIBUTION_3], ids=["dist1", "dist3"])
def test_ucb1_mean_regret_is_below_theorem_1_bound(means: np.ndarray) -> None:
    regret = mean_regret(UCB1(), means, 11, EMPIRICAL)
    for n in (10, 100, 1000, HORIZON):
        assert regret[n - 1] < ucb1_bound(means, n)


def test_thompson_regret_is_below_ucb1(regrets: dict[str, np.ndarray]) -> None:
    # Measured on distribution 1: Thompson ~5 vs UCB1 ~37 at n = 5000 (100 replicates).
    for n in (100, 1000, HORIZON):
        assert regrets["thompson"][n - 1] < regrets["ucb1"][n - 1]


def test_greedy_locks_in_and_its_regret_grows_linearly(regrets: dict[str, np.ndarray]) -> None:
    # A first failure of the 0.9 arm (prob. 0.1) drops its Beta(1, 1) mean to 1/3, below the
    # 0.6 arm's, which greedy then plays forever: linear regret (ratio ~2), against ~log n
    # growth (ratio ~1.1-1.25) for the policies that keep exploring.
    def ratio(regret: np.ndarray) -> float:
        return float(regret[3999] / regret[1999])

    assert ratio(regrets["greedy"]) > 1.6
    assert ratio(regrets["ucb1"]) < 1.4
    assert ratio(regrets["thompson"]) < 1.4
    assert regrets["greedy"][-1] > 3 * regrets["ucb1"][-1]


def test_ucb1_pulls_every_arm_once_first() -> None:
    runs = simulate_bernoulli_bandits(
        UCB1(), np.linspace(0.1, 0.8, 6), 6, np.random.default_rng(0), 50
    )
    np.testing.assert_array_equal(np.sort(runs["arms"], axis=1), np.tile(np.arange(6), (50, 1)))


@pytest.mark.parametrize("kind", sorted(POLICIES))
def test_single_run_invariants(kind: str) -> None:
    means = np.array([0.2, 0.5, 0.45])
    run = simulate_bernoulli_bandit(POLICIES[kind](), means, 300, np.random.default_rng(4))
    assert run["arms"].shape == run["rewards"].shape == run["regret"].shape == (300,)
    assert ((run["arms"] >= 0) & (run["arms"] < 3)).all()
    assert set(np.unique(run["rewards"]).tolist()) <= {0, 1}
    assert run["regret"][0] >= 0
    assert (np.diff(run["regret"]) >= 0).all()
    again = simulate_bernoulli_bandit(POLICIES[kind](), means, 300, np.random.default_rng(4))
    np.testing.assert_array_equal(run["arms"], again["arms"])


def test_bad_arguments_raise() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="slate"):
        simulate_bernoulli_bandit(Greedy(slate=2), DISTRIBUTION_1, 10, rng)
    with pytest.raises(ValueError, match="probabilities"):
        simulate_bernoulli_bandit(Greedy(), np.array([0.5, 1.5]), 10, rng)
