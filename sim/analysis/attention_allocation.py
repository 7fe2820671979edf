"""Closed forms and metrics of the attention-allocation model (D'Amour et al., FAT* 2020).

``K`` sites with rates ``r``; ``N`` attention units a step; incidents ``Y ~ Poisson(r)``;
discovered ``min(a, Y)``; the rates respond to attention with factor ``d``:
``r' = r + d`` where a site got no attention, else ``max(0, r − d·a)``.

- :func:`fairness_gap` — ``Δ = max_{k,k'} |Σŷ_k/Σy_k − Σŷ_k'/Σy_k'|``;
- :func:`expected_discovered` — ``E[min(a, Y)] = Σ_{j=1..a} P(Y ≥ j)``;
- :func:`uniform_expected_discovered` — the same averaged over ``a ~ Binomial(N, 1/K)`` (the
  uniform agent's allocation to one site);
- :func:`uniform_rate_drift` — ``E[r' − r] = d·((1 − 1/K)^N − N/K)`` under the uniform agent
  while no rate is at the floor of zero.

The dynamics themselves live with the world (:mod:`sim.components.policing.dynamics`).
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = [
    "expected_discovered",
    "fairness_gap",
    "uniform_expected_discovered",
    "uniform_rate_drift",
]


def fairness_gap(discovered: np.ndarray, incidents: np.ndarray) -> float:
    """Largest gap between sites' discovered shares ``Σŷ/Σy`` (sites without incidents skipped)."""
    found = np.asarray(discovered, dtype=float)
    total = np.asarray(incidents, dtype=float)
    seen = total > 0
    if seen.sum() < 2:
        return 0.0
    share = found[seen] / total[seen]
    return float(share.max() - share.min())


def expected_discovered(rate: np.ndarray, attention: np.ndarray) -> np.ndarray:
    """``E[min(a, Y)]`` for ``Y ~ Poisson(rate)`` (elementwise)."""
    r, a = np.broadcast_arrays(np.asarray(rate, dtype=float), np.asarray(attention))
    out = np.zeros(r.shape)
    for j in range(1, int(a.max(initial=0)) + 1):
        out += np.where(a >= j, special.gammainc(j, r), 0.0)
    return out


def uniform_expected_discovered(rates: np.ndarray, units: int) -> np.ndarray:
    """Expected discoveries per step at each site when ``units`` are spread Multinomial(1/K)."""
    from scipy import stats  # here: scipy.stats costs workers ~0.5 s to import

    r = np.asarray(rates, dtype=float)
    a = np.arange(units + 1)
    weights = stats.binom.pmf(a, units, 1.0 / r.size)
    return expected_discovered(r[:, None], a[None, :]) @ weights


def uniform_rate_drift(units: int, sites: int, d: float) -> float:
    """Expected one-step change of a rate under uniform allocation (no rate at zero)."""
    return d * ((1.0 - 1.0 / sites) ** units - units / sites)
