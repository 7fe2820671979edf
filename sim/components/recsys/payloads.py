"""The recsys family's contract: what flows between its worlds and recommenders."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["InterestTruth", "MarketTruth", "Outcomes", "PoolRequests", "Requests", "Slates"]


@dataclass(frozen=True)
class Requests:
    """One tick's batch of requests: which users came, and their observable context."""

    day: float
    users: np.ndarray  # (n,) user ids
    contexts: np.ndarray  # (n,) observable context id (the user's segment)


@dataclass(frozen=True)
class PoolRequests(Requests):
    """Requests of a world with a candidate pool: only items ``0 … available − 1`` may be shown."""

    available: int


@dataclass(frozen=True)
class Slates:
    """A system's answer to a batch of requests: the items shown, best first."""

    items: np.ndarray  # (n, k) item ids
    holdout: np.ndarray  # (n,) True where the slate came from the randomized holdout slice
    version: int  # the model version that served


@dataclass(frozen=True)
class Outcomes:
    """What happened to one system's slates: clicks per shown item."""

    day: float
    system: str
    contexts: np.ndarray  # (n,)
    items: np.ndarray  # (n, k)
    clicks: np.ndarray  # (n, k) bool
    holdout: np.ndarray  # (n,)


@dataclass(frozen=True)
class MarketTruth:
    """Audit-only truth of the marketplace: mean true CTR per (segment, item)."""

    ctr_true: np.ndarray  # (segments, items)


@dataclass(frozen=True)
class InterestTruth:
    """Audit-only truth of the interest world, refreshed every tick."""

    ctr_true: np.ndarray  # (users, items): E[click] of each item if shown now
    interest: np.ndarray  # (users, items): μ_t
