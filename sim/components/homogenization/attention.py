"""Users choosing from a ranked list with rank-decaying attention (Chaney et al., RecSys 2018).

A recommender shows each user a ranked list; the user picks the item that maximises
``known_ui · rank_u(i)^(−a)`` (published ``a = 0.8``), where ``rank_u(i) = 1`` for the first
item shown. :func:`attention_choice` does this for all users at once without sorting every
row. With ``m_u`` the largest known utility of any item user ``u`` may pick, an item at rank
``r`` is worth at most ``m_u · r^(−a)``; so if the best item among the first ``L`` is worth at
least ``m_u · (L + 1)^(−a)``, no item further down can beat it and the choice is exact. The
first item alone settles most rows (``L = 1``: one ``argmax``); the next ranks are found one
``argmax`` at a time, up to :data:`DEEPENING` (skipped when most rows are still open, as under
a random ranking, where partial selection is cheaper); the rest are settled by the top ``L``
items found by partial selection (``L`` in :data:`TIERS`), and only rows that none settles are
sorted in full. Ties in value go to the higher-ranked item; items with exactly
equal scores are ranked in an unspecified but deterministic order.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEEPENING", "TIERS", "attention_choice", "attention_weights"]

DEEPENING = 4  # ranks walked one argmax at a time before partial selection
TIERS = (16, 128)  # list depths tried by partial selection before a full sort


def attention_weights(count: int, exponent: float) -> np.ndarray:
    """Attention ``r^(−exponent)`` for ranks ``r = 1 … count``."""
    if exponent < 0:
        raise ValueError(f"exponent must be >= 0, got {exponent!r}")
    return np.arange(1, count + 1, dtype=float) ** -exponent


def attention_choice(
    scores: np.ndarray, known: np.ndarray, exponent: float, bound: np.ndarray | None = None
) -> np.ndarray:
    """Each user's pick from the list ranked by ``scores`` (``-1`` if nothing can be picked).

    ``scores`` (users × items) ranks the items shown to each user, highest first; ``-inf``
    means not shown. ``known`` (same shape) is each user's known utility, ``-inf`` for items
    the user may not pick (already consumed): such items, if shown, still take a rank.
    Known utilities must be ``>= 0`` where finite. ``bound``, if given, must be each row's
    largest ``known`` (a caller that keeps it up to date saves a pass over ``known``).
    """
    scores = np.asarray(scores)
    known = np.asarray(known)
    if scores.shape != known.shape or scores.ndim != 2:
        raise ValueError(f"scores {scores.shape} and known {known.shape} must be equal 2-D shapes")
    users, items = scores.shape
    weights = attention_weights(items, exponent)
    picks = np.full(users, -1, dtype=np.int64)
    if users == 0 or items == 0:
        return picks
    rows = np.arange(users)
    first = np.argmax(scores, axis=1)
    shown = np.isfinite(scores[rows, first])
    value = np.where(shown, known[rows, first], -np.inf)
    if bound is None:
        bound = np.max(known, axis=1)  # m_u: no item is worth more than this
    elif np.shape(bound) != (users,):
        raise ValueError(f"bound {np.shape(bound)} must have one value per row of {known.shape}")
    # Settled: nothing is shown or pickable (-1), or the first item beats every later one.
    settled = ~shown | np.isneginf(bound) | (value >= bound * weights[min(1, items - 1)])
    found = settled & np.isfinite(value)
    picks[found] = first[found]
    pending = np.flatnonzero(~settled)
    if 0 < pending.size <= users // 2 and items > 1:
        pending = _deepen(scores, known, pending, first, value, bound, weights, picks)
    for depth in TIERS:
        if pending.size == 0 or depth >= items:
            break
        if pending.size > users // 2:  # most rows: select in place rather than copy them
            top, ok = _top_choice(scores, known, bound, weights, depth)
            top, ok = top[pending], ok[pending]
        else:
            top, ok = _top_choice(scores[pending], known[pending], bound[pending], weights, depth)
        picks[pending[ok]] = top[ok]
        pending = pending[~ok]
    if pending.size:
        picks[pending] = _sorted_choice(scores[pending], known[pending], weights)
    return picks


def _deepen(
    scores: np.ndarray,
    known: np.ndarray,
    pending: np.ndarray,
    first: np.ndarray,
    value: np.ndarray,
    bound: np.ndarray,
    weights: np.ndarray,
    picks: np.ndarray,
) -> np.ndarray:
    """Walk down the lists of the ``pending`` rows one rank at a time, up to :data:`DEEPENING`.

    Rank ``r`` is the ``argmax`` of the row once the ``r − 1`` items above it are removed
    (ties between equal scores go to the lowest index, consistently from rank to rank). A row
    is settled, and its pick written to ``picks``, once its best value so far is at least
    ``m_u · (r + 1)^(−a)`` or its list is exhausted. Returns the rows still unsettled.
    """
    items = scores.shape[1]
    left = scores[pending]  # a copy: taken items are removed from it
    index = np.arange(pending.size)
    best = value[pending]
    best_item = first[pending]
    ceiling = bound[pending]
    taken = first[pending]
    open_ = np.ones(pending.size, dtype=bool)  # rows not settled yet
    for rank in range(2, min(DEEPENING, items) + 1):
        left[index, taken] = -np.inf
        taken = np.argmax(left, axis=1)
        shown = np.isfinite(left[index, taken])
        candidate = np.where(shown, known[pending, taken] * weights[rank - 1], -np.inf)
        better = open_ & (candidate > best)  # equal values go to the higher-ranked item
        best = np.where(better, candidate, best)
        best_item = np.where(better, taken, best_item)
        next_weight = weights[rank] if rank < items else 0.0
        done = open_ & (~shown | (rank == items) | (best >= ceiling * next_weight))
        picks[pending[done]] = np.where(np.isfinite(best[done]), best_item[done], -1)
        open_ &= ~done
        if not open_.any():
            break
    return pending[open_]


def _top_choice(
    scores: np.ndarray, known: np.ndarray, bound: np.ndarray, weights: np.ndarray, depth: int
) -> tuple[np.ndarray, np.ndarray]:
    """The best of each row's ``depth`` first items, and whether nothing below can beat it."""
    items = scores.shape[1]
    top = np.argpartition(scores, items - depth, axis=1)[:, items - depth :]
    top_scores = np.take_along_axis(scores, top, axis=1)
    order = np.argsort(top_scores, axis=1)[:, ::-1]  # best first
    top = np.take_along_axis(top, order, axis=1)
    shown = np.isfinite(np.take_along_axis(top_scores, order, axis=1))
    value = np.where(shown, np.take_along_axis(known, top, axis=1) * weights[:depth], -np.inf)
    position = np.argmax(value, axis=1)
    rows = np.arange(scores.shape[0])
    best = value[rows, position]
    ok = best >= bound * weights[depth]  # every item below rank `depth` is worth less
    return np.where(np.isfinite(best), top[rows, position], -1), ok


def _sorted_choice(scores: np.ndarray, known: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The exact choice by a full sort of each row (the slow path)."""
    order = np.argsort(scores, axis=1)[:, ::-1]  # best first; -inf (not shown) last
    shown = np.arange(scores.shape[1]) < np.isfinite(scores).sum(axis=1)[:, None]
    value = np.where(shown, np.take_along_axis(known, order, axis=1) * weights, -np.inf)
    position = np.argmax(value, axis=1)
    rows = np.arange(scores.shape[0])
    return np.where(np.isfinite(value[rows, position]), order[rows, position], -1)
