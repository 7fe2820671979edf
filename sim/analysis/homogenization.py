"""Homogenization of user behaviour: the Jaccard index of paired users' interaction sets.

Chaney et al. (RecSys 2018) pair every user with the user most similar to them and measure
the Jaccard index (intersection over union) of the two users' sets of consumed items,
``|S_u ∩ S_v| / (|S_u| + |S_v| − |S_u ∩ S_v|)``, averaged over users and reported relative
to the same pairs under an ideal recommender.
Sets are rows of a boolean users × items matrix; :func:`paired_jaccard` evaluates all pairs
(or a sample of users) in one vectorised pass, :func:`nearest_partners` pairs by cosine
similarity in row blocks: the users × users similarity matrix is never held at once, and each
block is small enough (2¹⁹ multiply-adds) that OpenBLAS computes it on the calling thread,
far faster than waking its threads in a simulation loop on a busy machine (see
:mod:`sim.learn.linalg`).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "jaccard_index",
    "jaccard_sets",
    "nearest_partners",
    "paired_jaccard",
    "random_partners",
]


_BLOCK_WORK = 1 << 19  # multiply-adds per product: OpenBLAS stays on one thread below this
_BLOCK_ROWS = 256


def nearest_partners(profiles: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """For each of ``rows`` (default: all), the most cosine-similar *other* row of ``profiles``.

    Similarities are computed in float32 (half the memory traffic of the users × users
    comparison); ties, to that precision, go to the lowest index. An all-zero profile is
    similar to nobody (cosine 0).
    """
    x = np.asarray(profiles, dtype=float)
    n, k = x.shape
    if n < 2:
        raise ValueError("pairing needs at least two users")
    rows = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    norms = np.linalg.norm(x, axis=1)
    unit = (x / np.where(norms > 0, norms, 1.0)[:, None]).astype(np.float32)
    partners = np.empty(rows.size, dtype=np.int64)
    for start in range(0, rows.size, _BLOCK_ROWS):
        chunk = rows[start : start + _BLOCK_ROWS]
        left = unit[chunk]
        # This block's similarity to every user, a slice of users at a time so that each
        # product stays single-threaded; BLAS writes each slice in place.
        similarity = np.empty((chunk.size, n), dtype=np.float32)
        step = max(1, _BLOCK_WORK // (max(k, 1) * chunk.size))
        for first in range(0, n, step):
            columns = slice(first, first + step)
            np.matmul(left, unit[columns].T, out=similarity[:, columns])
        similarity[np.arange(chunk.size), chunk] = -np.inf  # a user is not their own pair
        partners[start : start + chunk.size] = np.argmax(similarity, axis=1)
    return partners


def random_partners(rng: np.random.Generator, n: int) -> np.ndarray:
    """A uniformly random other user for each of ``n`` users."""
    if n < 2:
        raise ValueError("pairing needs at least two users")
    return (np.arange(n) + rng.integers(1, n, size=n)) % n


def jaccard_index(intersection: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Intersection over union, ``|A ∩ B| / (|A| + |B| − |A ∩ B|)``, from counts (0 if empty)."""
    inter = np.asarray(intersection, dtype=float)
    union = np.asarray(size_a, dtype=float) + np.asarray(size_b, dtype=float) - inter
    return np.divide(inter, union, out=np.zeros_like(union), where=union > 0)


def paired_jaccard(
    sets: np.ndarray,
    users: np.ndarray | None,
    partners: np.ndarray,
    sizes: np.ndarray | None = None,
) -> np.ndarray:
    """Jaccard index of ``sets[users[j]]`` and ``sets[partners[j]]`` (rows of a boolean matrix).

    ``users=None`` means every row in order; ``sizes`` (each row's count of True, if known)
    saves counting them.
    """
    mine = sets if users is None else sets[np.asarray(users)]
    theirs = sets[np.asarray(partners)]
    intersection = np.count_nonzero(mine & theirs, axis=1)
    if sizes is None:
        sizes = np.count_nonzero(sets, axis=1)
    size_mine = sizes if users is None else sizes[np.asarray(users)]
    return jaccard_index(intersection, size_mine, sizes[np.asarray(partners)])


def jaccard_sets(a: set[int] | frozenset[int], b: set[int] | frozenset[int]) -> float:
    """The Jaccard index of two sets (0 for two empty sets): the reference definition."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
