"""L1 learn: pure numpy learners and policies (no SimPy).

Learners (:mod:`sim.learn.estimators`) turn logged data into beliefs; policies
(:mod:`sim.learn.policies`) turn beliefs into slates of actions; :mod:`sim.learn.bandit` is a
small driver that checks policies against bandit theory. Every random draw comes from a
``numpy.random.Generator`` passed in by the caller.
"""

from __future__ import annotations

from sim.learn.bandit import (
    simulate_bandits,
    simulate_bernoulli_bandit,
    simulate_bernoulli_bandits,
    simulate_gaussian_bandits,
)
from sim.learn.estimators import (
    ESTIMATORS,
    BetaBernoulli,
    NotFittedError,
    OnlineLogisticRegression,
    RidgeRegression,
    sigmoid,
)
from sim.learn.gaussian import GaussianArms
from sim.learn.policies import (
    POLICIES,
    UCB1,
    ArmBelief,
    EpsilonGreedy,
    Greedy,
    Policy,
    Softmax,
    Thompson,
    UniformRandom,
    top_k,
)

__all__ = [
    "ESTIMATORS",
    "POLICIES",
    "UCB1",
    "ArmBelief",
    "BetaBernoulli",
    "EpsilonGreedy",
    "GaussianArms",
    "Greedy",
    "NotFittedError",
    "OnlineLogisticRegression",
    "Policy",
    "RidgeRegression",
    "Softmax",
    "Thompson",
    "UniformRandom",
    "sigmoid",
    "simulate_bandits",
    "simulate_bernoulli_bandit",
    "simulate_bernoulli_bandits",
    "simulate_gaussian_bandits",
    "top_k",
]
