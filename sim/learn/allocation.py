"""Allocating attention units to sites from estimated incident rates (no SimPy).

The agents of D'Amour et al. (FAT* 2020), attention allocation: ``units`` attention units are
spread over ``K`` sites each step; a site given ``v`` units discovers ``min(v, Y)`` of its
``Y ~ Poisson(r)`` incidents.

- :func:`uniform_allocation` — Multinomial(units, 1/K);
- :func:`proportional_allocation` — Multinomial(units, r̂/Σr̂) (uniform when r̂ is all zero);
- :func:`greedy_allocation` — maximise the expected discoveries ``Σ_k E[min(v_k, Y_k)]``. The
  marginal gain of a site's ``v``-th unit is ``P(Y_k ≥ v)``, decreasing in ``v``, so taking the
  ``units`` largest gains over all (site, unit) pairs is optimal;
- :func:`fair_greedy_allocation` — the same objective subject to ``|f_i(v_i) − f_j(v_j)| ≤ α``
  for every pair of sites, where ``f_k(v) = E[min(v, Y_k)/Y_k]`` is the expected share of the
  site's incidents discovered (``0/0 = 1`` for ``v ≥ 1``; ``f_k(0) = 0``): the candidate
  discovery probability of Elzayn et al. (FAT* 2019) used by D'Amour et al. Solved exactly by
  enumerating every allocation; if none meets the constraint, the allocation with the smallest
  spread of ``f`` is taken.

Every random draw comes from the ``rng`` argument.
"""

from __future__ import annotations

from functools import cache
from math import comb

import numpy as np
from scipy import special

__all__ = [
    "allocations",
    "discovery_probability",
    "expected_discoveries",
    "fair_greedy_allocation",
    "greedy_allocation",
    "proportional_allocation",
    "uniform_allocation",
]

_MAX_ALLOCATIONS = 2_000_000


def uniform_allocation(units: int, sites: int, rng: np.random.Generator) -> np.ndarray:
    """Multinomial(units, 1/K) attention units per site."""
    return rng.multinomial(units, np.full(sites, 1.0 / sites))


def proportional_allocation(
    units: int, beliefs: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Multinomial(units, r̂/Σr̂); uniform when no belief is positive."""
    b = np.clip(np.nan_to_num(np.asarray(beliefs, dtype=float), nan=0.0), 0.0, None)
    total = b.sum()
    p = b / total if total > 0 else np.full(b.shape, 1.0 / b.size)
    return rng.multinomial(units, p)


def expected_discoveries(rates: np.ndarray, units: int) -> np.ndarray:
    """``E[min(v, Y_k)] = Σ_{j=1..v} P(Y_k ≥ j)`` for ``v = 0..units``: shape (K, units + 1)."""
    tails = _tails(rates, units)
    return np.concatenate([np.zeros((tails.shape[0], 1)), np.cumsum(tails, axis=1)], axis=1)


def greedy_allocation(units: int, rates: np.ndarray) -> np.ndarray:
    """The allocation maximising expected discoveries (ties go to the lower site index)."""
    gains = _tails(rates, units)
    order = np.argsort(-gains.ravel(), kind="stable")[:units]
    return np.bincount(order // units, minlength=gains.shape[0])


def discovery_probability(rates: np.ndarray, units: int) -> np.ndarray:
    """``f_k(v) = E[min(v, Y_k)/Y_k]`` for ``v = 0..units``: shape (K, units + 1).

    ``f(0) = 0`` and ``0/0 = 1`` (a site with no incident had all of them found). The Poisson
    sum runs to ``r + 12·√r + 30`` (the mass beyond is below 1e-15).
    """
    r = np.asarray(rates, dtype=float)
    high = float(r.max(initial=0.0))
    y = np.arange(1, int(high + 12 * np.sqrt(high) + 30) + 1, dtype=float)
    pmf = np.exp(special.xlogy(y[None, :], r[:, None]) - r[:, None] - special.gammaln(y + 1))
    v = np.arange(1, units + 1)
    share = np.minimum(v[:, None], y[None, :]) / y[None, :]  # (units, top)
    f = np.exp(-r)[:, None] + pmf @ share.T  # (K, units)
    return np.concatenate([np.zeros((r.size, 1)), f], axis=1)


def _tails(rates: np.ndarray, units: int) -> np.ndarray:
    """``P(Y_k ≥ v)`` for ``v = 1..units``: (K, units)."""
    r = np.clip(np.nan_to_num(np.asarray(rates, dtype=float), nan=0.0), 0.0, None)
    return special.gammainc(np.arange(1, units + 1)[None, :], r[:, None])


@cache
def allocations(units: int, sites: int) -> np.ndarray:
    """Every way to give ``units`` units to ``sites`` sites: (C(units + K − 1, K − 1), sites)."""

    if comb(units + sites - 1, sites - 1) > _MAX_ALLOCATIONS:
        raise ValueError(f"too many allocations of {units} units to {sites} sites to enumerate")
    rows: list[tuple[int, ...]] = []

    def extend(prefix: tuple[int, ...], left: int, slots: int) -> None:
        if slots == 1:
            rows.append((*prefix, left))
            return
        for v in range(left, -1, -1):
            extend((*prefix, v), left - v, slots - 1)

    extend((), units, sites)
    out = np.array(rows, dtype=np.int64)
    out.setflags(write=False)
    return out


def fair_greedy_allocation(units: int, rates: np.ndarray, alpha: float) -> np.ndarray:
    """Maximise expected discoveries subject to ``max f − min f ≤ alpha`` over sites."""
    r = np.asarray(rates, dtype=float)
    table = allocations(units, r.size)
    sites = np.arange(r.size)
    value = expected_discoveries(r, units)[sites, table].sum(axis=1)
    f = discovery_probability(r, units)[sites, table]
    spread = f.max(axis=1) - f.min(axis=1)
    feasible = spread <= alpha + 1e-12
    if not feasible.any():
        return table[int(np.argmin(spread))].copy()
    return table[int(np.argmax(np.where(feasible, value, -np.inf)))].copy()
