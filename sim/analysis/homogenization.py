"""Homogenization of user behaviour: the Jaccard index of paired users' interaction sets.

Chaney et al. (RecSys 2018) pair every user with the user most similar to them and measure
the Jaccard index (intersection over union) of the two users' sets of consumed items,
``|S_u ∩ S_v| / (|S_u| + |S_v| − |S_u ∩ S_v|)``, averaged over users and reported relative
to the same pairs under an ideal recommender.
:func:`jaccard_index` computes the index from counts (the simulation keeps its sets packed,
:class:`sim.components.homogenization.item_sets.ItemSets`); :func:`nearest_partners` pairs by cosine
similarity in row blocks: the users × users similarity matrix is never held at once, and each
product is small enough (2¹⁹ multiply-adds) that OpenBLAS computes it on the calling thread,
far faster than waking its threads in a simulation loop on a busy machine (see
:mod:`sim.learn.linalg`). When every user is paired, similarity is symmetric, so only the
upper triangle is computed: each strip of rows is compared with itself and the users after
it, and serves both as those rows' candidates and, column by column, as the candidates of the
later users (half the products of the full matrix, with the same partners).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "jaccard_index",
    "jaccard_sets",
    "nearest_partners",
    "random_partners",
]


_BLOCK_WORK = 1 << 19  # multiply-adds per product: OpenBLAS stays on one thread below this
_BLOCK_ROWS = 256
_STRIP_CELLS = 1 << 18  # similarities per strip of the upper triangle (1 MiB: stays in L2)


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
    norms = np.linalg.norm(x, axis=1)
    unit = (x / np.where(norms > 0, norms, 1.0)[:, None]).astype(np.float32)
    if rows is None or (len(rows) == n and np.array_equal(rows, np.arange(n))):
        return _all_partners(unit)
    rows = np.asarray(rows, dtype=np.int64)
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


def _all_partners(unit: np.ndarray) -> np.ndarray:
    """:func:`nearest_partners` of every row of ``unit`` (float32 unit rows), by the upper triangle.

    Strips are visited in order; a row's candidates from earlier strips have lower indices
    than those from its own strip, so a candidate replaces the current one only if strictly
    more similar: ties go to the lowest index, as in the full comparison.
    """
    n = unit.shape[0]
    best = np.full(n, -np.inf, dtype=np.float32)
    partners = np.zeros(n, dtype=np.int64)
    strip_rows = min(max(_STRIP_CELLS // n, 32), 128, n)
    buffer = np.empty((strip_rows, n), dtype=np.float32)
    for start in range(0, n, strip_rows):
        stop = min(start + strip_rows, n)
        size = stop - start
        strip = buffer[:size, : n - start]  # similarity of this strip to users start, …, n − 1
        _products(unit[start:stop], unit[start:], strip)
        diagonal = np.arange(size)
        strip[diagonal, diagonal] = -np.inf  # a user is not their own pair
        # This strip's rows: their best among the users from `start` on.
        found = strip.argmax(axis=1)
        value = strip[diagonal, found]
        better = value > best[start:stop]
        partners[start:stop][better] = found[better] + start
        best[start:stop][better] = value[better]
        # The later users: their best among this strip's rows, where it beats all before.
        if stop < n:
            later = strip[:, size:]
            column_best = later.max(axis=0)
            gain = np.flatnonzero(column_best > best[stop:])
            if gain.size:
                best[stop + gain] = column_best[gain]
                partners[stop + gain] = np.take(later, gain, axis=1).argmax(axis=0) + start
    return partners


def _products(left: np.ndarray, right: np.ndarray, out: np.ndarray) -> None:
    """``out = left @ right.T`` in column slices small enough for one BLAS thread.

    No slice is one column wide (such a product could take another BLAS path, rounded
    differently), so every similarity is computed the same way whichever side it is on.
    """
    rows, k = left.shape
    width = right.shape[0]
    step = max(2, _BLOCK_WORK // (max(k, 1) * max(rows, 1)))
    first = 0
    while first < width:
        last = min(first + step, width)
        if width - last == 1:
            last = width
        np.matmul(left, right[first:last].T, out=out[:, first:last])
        first = last


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


def jaccard_sets(a: set[int] | frozenset[int], b: set[int] | frozenset[int]) -> float:
    """The Jaccard index of two sets (0 for two empty sets): the reference definition."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
