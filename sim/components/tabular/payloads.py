"""The tabular family's contract: what flows between the tabular world and its classifiers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Decisions", "HistoryScores", "LabelledRows", "Rows", "Scores"]


@dataclass(frozen=True)
class Rows:
    """One day's rows as the classifiers see them: the measured features, no labels."""

    day: float
    features: dict[str, np.ndarray]  # feature name -> (n,) measurements


@dataclass(frozen=True)
class LabelledRows:
    """A batch of rows with their labels (published once the day is decided)."""

    day: float
    features: dict[str, np.ndarray]
    labels: np.ndarray
    related: dict[str, np.ndarray] = field(default_factory=dict)

    def label(self, name: str = "") -> np.ndarray:
        """The main label (``""``) or a related one."""
        return self.related[name] if name else self.labels


@dataclass(frozen=True)
class Decisions:
    """A classifier's answer: a score per row, the decisions, and the precision it targets."""

    scores: np.ndarray
    decisions: np.ndarray
    target_precision: float | None = None
    label: str = ""  # the problem the scores are for ("" = the main label)


@dataclass(frozen=True)
class HistoryScores:
    """A classifier's scores of the world's history rows (what a correction model trains on)."""

    scores: np.ndarray


@dataclass(frozen=True)
class Scores:
    """One release of a classifier's scores of the day's rows (``<name>.scores``: what other
    teams read as a feature)."""

    scores: np.ndarray
