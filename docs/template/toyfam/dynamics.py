"""Pure dynamics of the template world (no SimPy): a level that drifts linearly."""

from __future__ import annotations

import numpy as np

__all__ = ["level_on"]


def level_on(start: np.ndarray, drift_per_day: float, day: float) -> np.ndarray:
    """Every unit's true level on ``day``."""
    return start + drift_per_day * day
