"""The policing worlds' pure dynamics (no SimPy): incidents occur everywhere, are found only
where someone looks, and (in the attention world) respond to being looked at.

- :func:`draw_incidents` — a day's incidents per city and region: Poisson(λ) draws, or exactly
  λ (the deterministic urn of Ensign et al., FAT* 2018);
- :func:`discovered_where_patrolled` — the incidents of the region each city patrolled;
- :func:`censored_discoveries` — ``min(a, Y)``: attention ``a`` finds at most ``a`` incidents
  (D'Amour et al., FAT* 2020);
- :func:`next_rates` — the attention world's rates: ``r + d`` where a site got no attention,
  else ``max(0, r − d·a)``.

Every random draw comes from the ``rng`` argument.
"""

from __future__ import annotations

import numpy as np

__all__ = ["censored_discoveries", "discovered_where_patrolled", "draw_incidents", "next_rates"]


def draw_incidents(
    rng: np.random.Generator, rates: np.ndarray, cities: int, poisson: bool
) -> np.ndarray:
    """Incidents of one day, (cities, regions): Poisson(λ) draws, or exactly λ (as floats)."""
    if poisson:
        return rng.poisson(rates, size=(cities, len(rates))).astype(float)
    return np.broadcast_to(rates, (cities, len(rates))).copy()


def discovered_where_patrolled(incidents: np.ndarray, visited: np.ndarray) -> np.ndarray:
    """The incidents of the region each city patrolled, (cities,)."""
    return incidents[np.arange(incidents.shape[0]), visited]


def censored_discoveries(attention: np.ndarray, incidents: np.ndarray) -> np.ndarray:
    """Incidents found with ``attention`` units: ``min(a, Y)`` per site."""
    return np.minimum(attention, incidents)


def next_rates(rates: np.ndarray, attention: np.ndarray, d: float) -> np.ndarray:
    """``r + d`` where ``attention == 0``, else ``max(0, r − d·attention)``."""
    r = np.asarray(rates, dtype=float)
    a = np.asarray(attention)
    return np.where(a == 0, r + d, np.maximum(0.0, r - d * a))
