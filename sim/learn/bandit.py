"""A tiny multi-armed bandit driver for checking policies against theory.

Each step the policy picks one arm from a belief (:class:`~sim.learn.estimators.BetaBernoulli`
for Bernoulli arms, :class:`~sim.learn.gaussian.GaussianArms` for unit-variance Gaussian arms),
a reward is drawn from the arm's true distribution, and the belief is updated before the next
step. Independent replicates run side by side as the contexts of one belief, so a batch of
replicates costs one vectorised policy call per step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from sim.learn.estimators import BetaBernoulli
from sim.learn.gaussian import GaussianArms
from sim.learn.policies import ArmBelief, Policy

__all__ = [
    "simulate_bandits",
    "simulate_bernoulli_bandit",
    "simulate_bernoulli_bandits",
    "simulate_gaussian_bandits",
]

RewardDraw = Callable[[np.random.Generator, np.ndarray], np.ndarray]


class LearningBelief(ArmBelief, Protocol):
    """A belief the driver can update: pulls and summed rewards per (context, arm)."""

    def partial_fit(self, pulls: np.ndarray, gains: np.ndarray) -> object:
        """Add ``pulls`` observations with reward sums ``gains``."""
        ...


def simulate_bandits(
    policy: Policy,
    belief: LearningBelief,
    means: np.ndarray,
    draw: RewardDraw,
    horizon: int,
    rng: np.random.Generator,
    replicates: int,
) -> dict[str, np.ndarray]:
    """Run ``replicates`` independent bandits (the contexts of ``belief``) for ``horizon`` steps.

    ``draw(rng, arm_means)`` returns one reward per replicate. Returns arrays of shape
    (replicates, horizon): ``arms``, ``rewards`` and ``regret``, the cumulative pseudo-regret
    ``Σ_t (μ* - μ_arm_t)``.
    """
    mu = np.asarray(means, dtype=float)
    if horizon < 0 or replicates < 1:
        raise ValueError(f"need horizon >= 0 and replicates >= 1, got {horizon}, {replicates}")
    if policy.slate != 1:
        raise ValueError(f"the bandit driver pulls one arm per step; got slate={policy.slate}")
    contexts = np.arange(replicates)
    arms = np.empty((replicates, horizon), dtype=np.intp)
    rewards = np.empty((replicates, horizon))
    pulls = np.zeros((replicates, mu.size))
    gains = np.zeros((replicates, mu.size))
    for t in range(horizon):
        arm = policy.choose(belief, contexts, rng, day=float(t))[:, 0]
        reward = draw(rng, mu[arm])
        arms[:, t] = arm
        rewards[:, t] = reward
        pulls[contexts, arm] = 1.0
        gains[contexts, arm] = reward
        belief.partial_fit(pulls, gains)
        pulls[contexts, arm] = 0.0
        gains[contexts, arm] = 0.0
    regret = np.cumsum(mu.max() - mu[arms], axis=1)
    return {"arms": arms, "rewards": rewards, "regret": regret}


def simulate_bernoulli_bandits(
    policy: Policy,
    means: np.ndarray,
    horizon: int,
    rng: np.random.Generator,
    replicates: int,
    prior: tuple[float, float] = (1.0, 1.0),
) -> dict[str, np.ndarray]:
    """Bernoulli arms with a Beta(prior) belief; see :func:`simulate_bandits`."""
    mu = np.asarray(means, dtype=float)
    if mu.ndim != 1 or mu.size < 1 or ((mu < 0) | (mu > 1)).any():
        raise ValueError(f"means must be a non-empty 1-D array of probabilities, got {means!r}")
    if replicates < 1:
        raise ValueError(f"need replicates >= 1, got {replicates}")
    belief = BetaBernoulli(prior_alpha=prior[0], prior_beta=prior[1]).reset(replicates, mu.size)
    runs = simulate_bandits(
        policy,
        belief,
        mu,
        lambda g, m: (g.random(m.size) < m).astype(float),
        horizon,
        rng,
        replicates,
    )
    runs["rewards"] = runs["rewards"].astype(np.int8)
    return runs


def simulate_gaussian_bandits(
    policy: Policy,
    means: np.ndarray,
    horizon: int,
    rng: np.random.Generator,
    replicates: int,
    sigma: float = 1.0,
) -> dict[str, np.ndarray]:
    """Gaussian arms N(μ_i, σ²) with a :class:`GaussianArms` belief (see simulate_bandits)."""
    mu = np.asarray(means, dtype=float)
    if mu.ndim != 1 or mu.size < 1 or replicates < 1:
        raise ValueError(f"need a non-empty 1-D array of means and replicates >= 1, got {means!r}")
    belief = GaussianArms(sigma=sigma).reset(replicates, mu.size)
    return simulate_bandits(
        policy,
        belief,
        mu,
        lambda g, m: m + sigma * g.standard_normal(m.size),
        horizon,
        rng,
        replicates,
    )


def simulate_bernoulli_bandit(
    policy: Policy,
    means: np.ndarray,
    horizon: int,
    rng: np.random.Generator,
    prior: tuple[float, float] = (1.0, 1.0),
) -> dict[str, np.ndarray]:
    """One bandit run: per-step arrays ``arms``, ``rewards`` and cumulative ``regret``."""
    runs = simulate_bernoulli_bandits(policy, means, horizon, rng, 1, prior)
    return {key: value[0] for key, value in runs.items()}
