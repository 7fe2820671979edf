"""The homogenization family's contract: what flows between the community and its recommenders."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CatalogueRequest", "Choices", "CommunityTruth", "Ranking"]


@dataclass(frozen=True)
class CatalogueRequest:
    """One step's request: every user wants a ranked list of the catalogue as it stands."""

    day: float
    step: int  # 1 for the first step
    users: int
    attributes: np.ndarray  # (items, K) attributes of every item so far, oldest first


@dataclass(frozen=True)
class Ranking:
    """A recommender's answer: per user, a score per item; higher is ranked first.

    ``-inf`` means the item is not shown to that user. ``profiles`` is the system's own
    representation of its users (used to pair similar users when measuring homogenization).
    """

    scores: np.ndarray  # (users, items)
    version: int  # the model version that ranked (0: no trained model yet)
    profiles: np.ndarray | None = None  # (users, K) the user representation it ranked with


@dataclass(frozen=True)
class Choices:
    """What one system's users picked this step (-1: nothing)."""

    day: float
    step: int
    system: str
    items: np.ndarray  # (users,) item ids


@dataclass(frozen=True)
class CommunityTruth:
    """True utility and preferences (the ideal recommender's oracle)."""

    utility: np.ndarray  # (users, items) true utility of every item so far
    preferences: np.ndarray  # (users, K) true preferences θ
