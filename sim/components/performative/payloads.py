"""The performative family's contract: deployed parameters out, data drawn from D(θ) back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DataBatch", "Round", "Theta"]


@dataclass(frozen=True)
class Round:
    """The world's request each round (one round is one day): deploy your parameters."""

    day: float


@dataclass(frozen=True)
class Theta:
    """A model's answer: its deployed parameters θ and their version."""

    values: np.ndarray
    version: int


@dataclass(frozen=True)
class DataBatch:
    """One round of data for one model, drawn from D(θ) of the version it names."""

    day: float
    labels: np.ndarray
    features: np.ndarray | None
    version: int  # the model version whose θ the data responded to
