"""Recommender systems: users × items, slates, clicks, and the loops a ranker closes on itself.

Scenarios: ``direct_feedback_loop`` (a ranker trained on clicks it caused; bandits and a
holdout fix it) and ``degenerate_feedback_loop`` (users' interests drift to the extremes under
every recommender; Jiang et al. 2019, Khritankov & Pilkevich 2021).

Worlds: ``marketplace`` (latent factors, true click rates, regret against an oracle) and
``interest`` (users whose interests move with what they are shown). System: ``recommender``
(model + policy + the shared training pipeline; log kept as counts). Contract: ``payloads``.
"""

from __future__ import annotations

from sim.components.base import Family
from sim.components.recsys.interest import Interest
from sim.components.recsys.marketplace import Marketplace
from sim.components.recsys.recommender import Recommender

__all__ = ["FAMILY"]

FAMILY = Family(
    name="recsys",
    components=(Marketplace, Interest, Recommender),
    scenarios=("direct_feedback_loop", "degenerate_feedback_loop"),
)
