"""The data that flows on signals between worlds and systems (plain numpy containers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Outcomes", "Requests", "Slates"]


@dataclass(frozen=True)
class Requests:
    """One tick's batch of requests: which users came, and their observable context."""

    day: float
    users: np.ndarray  # (n,) user ids
    contexts: np.ndarray  # (n,) observable context id (the user's segment)


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
