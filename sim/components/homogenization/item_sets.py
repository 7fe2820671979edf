"""One set of item ids per user over a growing catalogue: packed bits, counts and a log.

The community world and its recommenders track what every user consumed. A boolean users ×
items matrix costs a byte per cell and a full pass for every intersection; here each row is
packed eight items to a byte, so the intersections of paired users' sets (the Jaccard index
of :mod:`sim.analysis.homogenization`) read an eighth of the memory and are counted with
``np.bitwise_count``. Set sizes are kept as running counts, and the members are also kept in
the order they were added, so a recommender can hide every consumed item from a ranking by
writing only those cells. :meth:`ItemSets.jaccard` is the homogenization metric's pairwise
index.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.homogenization import jaccard_index
from sim.components.homogenization.columns import GrowingColumns

__all__ = ["ItemSets"]


class ItemSets:
    """``rows`` sets of item ids ``0 … items − 1``; the catalogue grows with :meth:`grow`."""

    def __init__(self, rows: int) -> None:
        self._bits = GrowingColumns(rows, dtype=np.uint8, fill=0)
        self.items = 0
        self.sizes = np.zeros(rows, dtype=np.int64)  # members per row
        self._log_rows: list[np.ndarray] = []
        self._log_items: list[np.ndarray] = []
        self._members = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))

    def grow(self, count: int) -> None:
        """``count`` new items join the catalogue (in no set yet)."""
        self.items += int(count)
        needed = (self.items + 7) // 8
        if needed > self._bits.columns:
            self._bits.append(count=needed - self._bits.columns)

    def add(self, rows: np.ndarray, items: np.ndarray) -> None:
        """Add ``items[j]`` to the set of ``rows[j]``; no row may appear twice in one call."""
        rows = np.asarray(rows, dtype=np.int64)
        items = np.asarray(items, dtype=np.int64)
        if rows.size and (items.min() < 0 or items.max() >= self.items):
            raise ValueError(f"item ids must lie in [0, {self.items})")
        bits = self._bits.view
        byte = items >> 3
        mask = (np.uint8(128) >> (items & 7).astype(np.uint8)).astype(np.uint8)
        old = bits[rows, byte]
        new = (old & mask) == 0
        bits[rows, byte] = old | mask
        self.sizes[rows] += new
        self._log_rows.append(rows[new])
        self._log_items.append(items[new])

    def members(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (row, item) pair in the sets, in the order they were added."""
        if self._log_rows:
            rows, items = self._members
            self._members = (
                np.concatenate([rows, *self._log_rows]),
                np.concatenate([items, *self._log_items]),
            )
            self._log_rows.clear()
            self._log_items.clear()
        return self._members

    def intersections(self, rows: np.ndarray | None, others: np.ndarray) -> np.ndarray:
        """``|S_rows[j] ∩ S_others[j]|`` for each ``j`` (``rows=None``: every row in order)."""
        bits = self._bits.view
        mine = bits if rows is None else bits[np.asarray(rows)]
        both = np.bitwise_and(mine, bits[np.asarray(others)])
        return np.bitwise_count(both).sum(axis=1, dtype=np.int64)

    def jaccard(self, rows: np.ndarray | None, others: np.ndarray) -> np.ndarray:
        """Jaccard index of ``S_rows[j]`` and ``S_others[j]`` (``rows=None``: every row)."""
        mine = self.sizes if rows is None else self.sizes[np.asarray(rows)]
        theirs = self.sizes[np.asarray(others)]
        return jaccard_index(self.intersections(rows, others), mine, theirs)

    def dense(self) -> np.ndarray:
        """The sets as a boolean rows × items matrix (a copy)."""
        return np.unpackbits(self._bits.view, axis=1, count=self.items).astype(bool)
