"""The policing family's contract: what flows on the signals of its incident worlds.

Plain numpy containers, shared by the worlds and the systems that serve them so that neither
imports the other's class. Arrays with a leading ``U`` axis hold one row per independent urn
(city) simulated side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Allocation",
    "AttentionOutcome",
    "AttentionRequest",
    "AttentionTruth",
    "DistrictTruth",
    "IncidentLog",
    "PatrolRequest",
    "Patrols",
]


@dataclass(frozen=True)
class PatrolRequest:
    """The day's request for patrols: which regions exist, in how many independent cities."""

    day: float
    regions: tuple[str, ...]
    urns: int


@dataclass(frozen=True)
class Patrols:
    """A policing system's answer: the region patrolled in each city and the plan behind it."""

    region: np.ndarray  # (U,) index of the region patrolled
    probabilities: np.ndarray  # (U, K) probability each region was to be patrolled


@dataclass(frozen=True)
class IncidentLog:
    """What the police learn on a day: discoveries where they went, reports from everywhere."""

    day: float
    system: str
    visited: np.ndarray  # (U,) region patrolled
    discovered: np.ndarray  # (U,) incidents discovered in the visited region
    reported: np.ndarray  # (U, K) incidents reported by residents in every region
    integer: bool  # counts are random integer draws (False: expected values λ)


@dataclass(frozen=True)
class DistrictTruth:
    """Audit-only truth of the policing world: the true daily incident rates."""

    regions: tuple[str, ...]
    rates_per_day: np.ndarray  # (K,)


@dataclass(frozen=True)
class AttentionRequest:
    """A step's request for attention: the sites and the attention units to spread over them."""

    day: float
    sites: tuple[str, ...]
    units: int


@dataclass(frozen=True)
class Allocation:
    """An allocator's answer: attention units per site (summing to the units available)."""

    units: np.ndarray  # (K,) int


@dataclass(frozen=True)
class AttentionOutcome:
    """What an allocator sees after a step: its allocation and the incidents it discovered."""

    day: float
    system: str
    attention: np.ndarray  # (K,) units given to each site
    discovered: np.ndarray  # (K,) min(attention, incidents): censored counts


@dataclass(frozen=True)
class AttentionTruth:
    """Audit-only truth of the attention world: the current incident rates."""

    sites: tuple[str, ...]
    rates: np.ndarray  # (K,)
