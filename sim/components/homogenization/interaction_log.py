"""A community recommender's training log: the catalogue it knows and its users' interactions.

Content filtering fits each user's profile by non-negative least squares of their interaction
vector on the item attributes (:func:`sim.learn.profile_fit.nnls_gram`); the fit needs only
the Gram matrix ``G = BᵀB`` of the catalogue and ``c_u = Bᵀy_u``, the sum of the attributes of
the items user ``u`` interacted with. Both are kept as running sums, so a retrain costs
``O(users × K²)`` whatever the length of the history. Items join the design when the system
sees them in a request (:meth:`InteractionLog.see_catalogue`); interactions when their
:class:`~sim.components.homogenization.payloads.Choices` arrive after the label delay. With a
training window, ``c`` is summed over the window's days (the design stays the whole catalogue:
an item not interacted with in the window is a 0 in ``y``). What every user consumed is kept
for good (:class:`ItemSets`): a recommender never shows an item it knows was consumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.components.base import DailySums
from sim.components.homogenization.item_sets import ItemSets
from sim.components.homogenization.payloads import CatalogueRequest, Choices
from sim.learn.linalg import matmul_rows

__all__ = ["InteractionLog", "InteractionWindow"]


@dataclass(frozen=True)
class InteractionWindow:
    """What a retrain sees: ``G`` (K × K), ``c`` (users × K) and the steps logged so far."""

    gram: np.ndarray
    rhs: np.ndarray
    steps: int


class InteractionLog:
    """Running sums of a content-filtering model's data; sized by the first request."""

    def __init__(self, window_days: float = 0.0) -> None:
        self.window_days = window_days
        self.consumed: ItemSets | None = None  # what each user consumed (as far as it knows)
        self.attributes = np.empty((0, 0))  # (items, K) the catalogue it has seen
        self.gram = np.zeros((0, 0))
        self.sums = DailySums(np.zeros((0, 0)), window_days=window_days)  # c, per day and in all
        self.steps = 0  # interaction batches logged

    def see_catalogue(self, request: CatalogueRequest) -> None:
        """Take in the items that joined the catalogue since the last request."""
        if self.consumed is None:
            k = request.attributes.shape[1]
            self.consumed = ItemSets(request.users)
            self.gram = np.zeros((k, k))
            self.sums = DailySums(np.zeros((request.users, k)), window_days=self.window_days)
        new = np.asarray(request.attributes[self.consumed.items :], dtype=float)
        self.attributes = request.attributes
        self.consumed.grow(new.shape[0])
        self.gram += matmul_rows(new.T, new)

    def add(self, day: float, choices: Choices) -> None:
        """Log one step's choices (published on ``day``)."""
        if self.consumed is None:
            raise ValueError("choices arrived before any request sized the log")
        users = np.flatnonzero(choices.items >= 0)
        items = choices.items[users]
        self.consumed.add(users, items)
        self.steps += 1
        rhs = np.zeros_like(self.sums.total[0])
        rhs[users] = self.attributes[items]  # one choice per user and step
        self.sums.add(day, rhs)

    def window(self, now: float, window_days: float) -> InteractionWindow:
        """The sums over the interactions of the window (:mod:`sim.components.base.windows`)."""
        (rhs,) = self.sums.window(now, window_days)
        return InteractionWindow(self.gram, rhs, self.steps)
