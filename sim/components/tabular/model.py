"""The classifier's model (no SimPy): logistic sub-models averaged in log-odds, and its fit.

- ``logistic``: one L2-regularised logistic regression over the features (entangled: every
  weight depends on every input);
- ``isolated_ensemble``: one logistic sub-model per group of features, trained separately on the
  label and averaged in log-odds (a change to one input moves only its group's sub-model).

A correction model adds an upstream model's log-odds (the ``upstream`` feature) with weight 1 as
an offset, and learns only what to add.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from sim.learn.risk import fit_logistic_l2

__all__ = ["LogisticModel", "Trained", "balanced_mask", "feature_groups", "fit_parts", "logit"]


@dataclass
class LogisticModel:
    """Sub-models (feature names, weights with the intercept last) averaged in log-odds."""

    parts: list[tuple[tuple[str, ...], np.ndarray]]
    offset: str = ""  # a feature added to the log-odds with weight 1 (an upstream's log-odds)

    def logit(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        """The model's log-odds of each row."""
        total: np.ndarray | float = 0.0
        for names, theta in self.parts:
            X = np.column_stack([features[n] for n in names])
            total = total + X @ theta[:-1] + theta[-1]
        base = features[self.offset] if self.offset else 0.0
        return base + np.asarray(total) / len(self.parts)

    def score(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        """The model's probability of a positive label for each row."""
        return np.asarray(expit(self.logit(features)))

    def weights(self) -> dict[str, float]:
        """The effective weight of each feature in the averaged log-odds."""
        out: dict[str, float] = {}
        for names, theta in self.parts:
            for name, w in zip(names, theta[:-1], strict=True):
                out[name] = out.get(name, 0.0) + w / len(self.parts)
        return out


@dataclass(frozen=True)
class Trained:
    """A fitted model with its decision threshold and the validation rows it was tuned on."""

    model: LogisticModel
    threshold: float
    validation: dict[str, np.ndarray]
    release: int = 0  # the upstream release it was trained on (a consumer of released scores)


def logit(scores: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities (clipped away from 0 and 1)."""
    p = np.clip(np.asarray(scores, dtype=float), 1e-9, 1 - 1e-9)
    return np.asarray(np.log(p / (1 - p)))


def feature_groups(
    model: str, names: Sequence[str], groups: Sequence[Sequence[str]]
) -> list[tuple[str, ...]]:
    """The sub-models' feature groups: one group for ``logistic``, else ``groups`` (restricted to
    ``names``) with every other feature alone."""
    if model == "logistic":
        return [tuple(names)]
    found = [tuple(n for n in g if n in names) for g in groups] or [(n,) for n in names]
    grouped = {n for g in found for n in g}
    found += [(n,) for n in names if n not in grouped]
    return [g for g in found if g]


def fit_parts(
    features: Mapping[str, np.ndarray],
    labels: np.ndarray,
    groups: Sequence[tuple[str, ...]],
    l2: float,
    offset: str = "",
) -> LogisticModel:
    """Fit one L2-regularised logistic sub-model per group; an offset is shared among them."""
    shared = features[offset] if offset else 0.0
    parts = []
    for group in groups:
        X = np.column_stack([features[n] for n in group])
        share = shared / len(groups) if offset else 0.0
        parts.append((group, fit_logistic_l2(X, labels, l2, offset=share)))
    return LogisticModel(parts, offset)


def balanced_mask(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A mask keeping every row of the rarer class and as many rows of the other."""
    positive = labels > 0.5
    if positive.all() or not positive.any():  # one class: nothing to balance
        return np.ones(labels.shape, dtype=bool)
    rare = positive if positive.sum() <= (~positive).sum() else ~positive
    keep = rare.copy()
    common = np.flatnonzero(~rare)
    keep[rng.permutation(common)[: int(rare.sum())]] = True
    return keep
