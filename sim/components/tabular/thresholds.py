"""Decision thresholds (no SimPy): precision and recall of a threshold, and the threshold that
reaches a target precision (how the classifier tunes its threshold on held-out rows)."""

from __future__ import annotations

import numpy as np

__all__ = ["precision_recall", "threshold_for_precision"]


def precision_recall(
    scores: np.ndarray, labels: np.ndarray, threshold: float
) -> tuple[float, float]:
    """Precision and recall of deciding ``score >= threshold`` (nan where undefined)."""
    decided = np.asarray(scores) >= threshold
    positive = np.asarray(labels).astype(bool)
    precision = float(positive[decided].mean()) if decided.any() else float("nan")
    recall = float(decided[positive].mean()) if positive.any() else float("nan")
    return precision, recall


def threshold_for_precision(scores: np.ndarray, labels: np.ndarray, target: float) -> float:
    """The lowest threshold whose precision on (scores, labels) reaches ``target``.

    The lowest such threshold has the highest recall. If no threshold reaches the target, the
    threshold that maximises precision is returned (the top score).
    """
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    s = np.asarray(scores, dtype=float)[order]
    y = np.asarray(labels, dtype=float)[order]
    precision = np.cumsum(y) / np.arange(1, len(y) + 1)
    # Only cut between distinct scores: the last index of each run of equal scores.
    last_of_run = np.append(s[1:] != s[:-1], True)
    ok = np.flatnonzero((precision >= target) & last_of_run)
    if ok.size == 0:
        return float(s[0]) if len(s) else 0.5
    return float(s[ok[-1]])
