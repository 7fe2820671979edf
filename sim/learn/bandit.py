"""A tiny Bernoulli multi-armed bandit driver for checking policies against theory.

Each step the policy picks one arm from a :class:`~sim.learn.estimators.BetaBernoulli` belief,
a Bernoulli reward is drawn from the arm's true mean, and the belief is updated before the next
step. Independent replicates run side by side as the contexts of one belief, so a batch of
replicates costs one vectorised policy call per step.
"""

from __future__ import annotations

import numpy as np

from sim.learn.estimators import BetaBernoulli
from sim.learn.policies import Policy

__all__ = ["simulate_bernoulli_bandit", "simulate_bernoulli_bandits"]


def simulate_bernoulli_bandits(
    policy: Policy,
    means: np.ndarray,
    horizon: int,
    rng: np.random.Generator,
    replicates: int,
    prior: tuple[float, float] = (1.0, 1.0),
) -> dict[str, np.ndarray]:
    """Run ``replicates`` independent bandits for ``horizon`` steps each.

    Returns arrays of shape (replicates, horizon): ``arms`` (the arm pulled at each step),
    ``rewards`` (0 or 1) and ``regret``, the cumulative pseudo-regret ``Σ_t (μ* - μ_arm_t)``.
    """
    mu = np.asarray(means, dtype=float)
    if mu.ndim != 1 or mu.size < 1 or ((mu < 0) | (mu > 1)).any():
        raise ValueError(f"means must be a non-empty 1-D array of probabilities, got {means!r}")
    if horizon < 0 or replicates < 1:
        raise ValueError(f"need horizon >= 0 and replicates >= 1, got {horizon}, {replicates}")
    if policy.slate != 1:
        raise ValueError(f"the bandit driver pulls one arm per step; got slate={policy.slate}")
    belief = BetaBernoulli(prior_alpha=prior[0], prior_beta=prior[1]).reset(replicates, mu.size)
    contexts = np.arange(replicates)
    arms = np.empty((replicates, horizon), dtype=np.intp)
    rewards = np.empty((replicates, horizon), dtype=np.int8)
    pulls = np.zeros((replicates, mu.size))
    clicks = np.zeros((replicates, mu.size))
    for t in range(horizon):
        arm = policy.choose(belief, contexts, rng, day=float(t))[:, 0]
        reward = rng.random(replicates) < mu[arm]
        arms[:, t] = arm
        rewards[:, t] = reward
        pulls[contexts, arm] = 1.0
        clicks[contexts, arm] = reward
        belief.partial_fit(pulls, clicks)
        pulls[contexts, arm] = 0.0
        clicks[contexts, arm] = 0.0
    regret = np.cumsum(mu.max() - mu[arms], axis=1)
    return {"arms": arms, "rewards": rewards, "regret": regret}


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
