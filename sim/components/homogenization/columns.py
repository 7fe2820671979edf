"""A users × items array whose item columns grow as a catalogue grows (amortised doubling)."""

from __future__ import annotations

import numpy as np

__all__ = ["GrowingColumns"]


class GrowingColumns:
    """Rows fixed, columns appended; :attr:`view` is the filled part (no copy)."""

    def __init__(self, rows: int, dtype: type | np.dtype = float, fill: float | bool = 0) -> None:
        self._data = np.empty((rows, 0), dtype=dtype)
        self._fill = fill
        self.columns = 0

    @property
    def view(self) -> np.ndarray:
        """The filled columns, ``rows × columns`` (a view: writes go to the array)."""
        return self._data[:, : self.columns]

    def append(self, block: np.ndarray | None = None, count: int | None = None) -> None:
        """Append ``block`` (rows × n), or ``count`` columns of the fill value."""
        n = block.shape[1] if block is not None else int(count or 0)
        needed = self.columns + n
        if needed > self._data.shape[1]:
            capacity = max(needed, 2 * self._data.shape[1], 8)
            grown = np.empty((self._data.shape[0], capacity), dtype=self._data.dtype)
            grown[:, : self.columns] = self.view
            self._data = grown
        self._data[:, self.columns : needed] = self._fill if block is None else block
        self.columns = needed
