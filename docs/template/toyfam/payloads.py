"""The template family's contract: what flows on its signals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Estimate", "Observations", "Probe"]


@dataclass(frozen=True)
class Probe:
    """The world's request: how many units to estimate today."""

    day: float
    units: int


@dataclass(frozen=True)
class Estimate:
    """A system's answer: its estimate of each unit's level."""

    level_hat: np.ndarray  # (units,)


@dataclass(frozen=True)
class Observations:
    """Noisy observations of each unit's true level (the labels)."""

    day: float
    observed: np.ndarray  # (units,)
