"""Homogenization: a recommender retrained on the interactions it caused makes users alike.

Scenario: ``homogenization`` (algorithmic confounding; Chaney, Stewart & Engelhardt, RecSys
2018). One step of the paper is one day (``tick_days = 1``): the recommender's training
pipeline retrains every day (``every_days = 1``) at the start of the day.

World: ``community`` (users × a growing catalogue; users pick by known utility × rank
attention; an internal ideal twin as the reference; homogenization and utility measured
against it). System: ``community_recommender`` (content filtering, the ideal oracle or random
rankings, on the shared training pipeline). Contract: ``payloads``. Pure dynamics (no SimPy):
``dynamics`` (the generative model of users, items and utilities) and ``attention`` (the
users' choice from a ranked list); ``item_sets`` and ``columns`` store what users consumed and
their utilities as the catalogue grows.
"""

from __future__ import annotations

from sim.components.base import Family
from sim.components.homogenization.community import Community
from sim.components.homogenization.recommender import CommunityRecommender

__all__ = ["FAMILY"]

FAMILY = Family(
    name="homogenization",
    components=(Community, CommunityRecommender),
    scenarios=("homogenization",),
)
