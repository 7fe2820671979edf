"""The policing world of Ensign et al. (FAT* 2018): two regions with true incident rates.

Truth lives here: ``rates_per_day`` (λ) per region. Each day the world asks its one policing
system for patrols, sends the patrol of each city to the region chosen, and returns what the
police can know: the incidents *discovered* in the region visited, and the incidents
*reported* by residents in every region (:mod:`.dynamics`). Incidents are Poisson(λ) draws
or, with ``incidents = "expected"``, exactly λ (the paper's deterministic urn). ``parallel_urns``
independent copies of the city run side by side as arrays (a population of cities), so that a
replicate carries many urns at the cost of one.

The world also scores the system against truth (it receives the patrol plan with the patrols):
the gap between each region's patrol share and its true share, cumulative discovered incidents,
and the share of cities locked in to one region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.base import World
from sim.components.policing.dynamics import discovered_where_patrolled, draw_incidents
from sim.components.policing.payloads import DistrictTruth, IncidentLog, PatrolRequest, Patrols
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.signals import SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["Districts", "DistrictsParams"]


@dataclass(frozen=True)
class DistrictsParams:
    """Parameters of the two-region policing world."""

    regions: tuple[str, ...] = param(["top1", "top2"], doc="names of the two regions")
    rates_per_day: tuple[float, ...] = param(
        [3.68511, 2.816466], ge=0, le=1e9, doc="true daily incident rate λ of each region"
    )
    incidents: Literal["poisson", "expected"] = param(
        "poisson", doc="incidents per day: Poisson(λ) draws, or exactly λ (deterministic urn)"
    )
    parallel_urns: int = param(
        1, ge=1, le=1_000_000, doc="independent cities simulated side by side (one urn each)"
    )
    lock_in_share: float = param(
        0.95, gt=0.5, lt=1, doc="a city is locked in when one region gets this share of patrols"
    )

    def __post_init__(self) -> None:
        if len(self.regions) != 2 or len(set(self.regions)) != 2 or not all(self.regions):
            raise ConfigError(
                f"expected two distinct region names, got {list(self.regions)!r}", path="regions"
            )
        if len(self.rates_per_day) != 2 or sum(self.rates_per_day) <= 0:
            raise ConfigError(
                f"expected two rates (one per region), not both zero, got "
                f"{list(self.rates_per_day)!r}",
                path="rates_per_day",
            )


class Districts(World):
    """Regions with true incident rates; patrol plans in, discovered and reported incidents out."""

    kind = "districts"
    Params = DistrictsParams
    answer = "patrols"
    request_payload = PatrolRequest
    answer_payload = Patrols

    def resource_needs(self, wiring: Wiring) -> Needs:
        """The urns of every parallel city."""
        p = self.params
        return (
            super().resource_needs(wiring)
            + Needs.arrays((p.parallel_urns, len(p.regions)), copies=16)
            + Needs.per_tick(wiring, events=0, rows=4 * len(p.regions))
        )

    def declare(self, bus: SignalBus) -> None:
        self.require_servers(1, 1, "a policing system")
        self.declare_world(bus, ("incidents", IncidentLog), ("truth", DistrictTruth))

    def on_setup(self) -> None:
        p, rec = self.params, self.env.recorder
        self.rates = np.asarray(p.rates_per_day, dtype=float)
        self.true_share = self.rates / self.rates.sum()
        self.publish("truth", DistrictTruth(p.regions, self.rates.copy()))
        self._discovered = np.zeros((p.parallel_urns, 2))
        rec.declare(
            "true_share",
            "final",
            "region's share of the true incident rate λ_i/Σλ",
            unit="share of incident rate",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "share_gap",
            "final",
            "patrol share minus true share (mean over cities)",
            unit="share difference",
            bounds=(-1.0, 1.0),
        )
        rec.declare(
            "discovered",
            "final",
            "cumulative incidents discovered (mean over cities)",
            unit="incidents, cumulative",
            bounds=(0.0, None),
        )
        rec.declare(
            "locked_in",
            "final",
            "share of cities where one region gets ≥ lock_in_share",
            unit="share of cities",
            bounds=(0.0, 1.0),
        )
        rec.record_entities(self.env.now, self.servers[0], "true_share", p.regions, self.true_share)

    def make_request(self) -> PatrolRequest:
        p = self.params
        return PatrolRequest(self.env.now, p.regions, p.parallel_urns)

    def resolve(self, request: PatrolRequest, answers: Sequence[Patrols]) -> None:
        p, server, now = self.params, self.servers[0], self.env.now
        (patrols,) = answers
        incidents = draw_incidents(self.rng, self.rates, p.parallel_urns, p.incidents == "poisson")
        discovered = discovered_where_patrolled(incidents, patrols.region)
        self._discovered[np.arange(p.parallel_urns), patrols.region] += discovered
        self._record(server, patrols)
        log = IncidentLog(
            now, server, patrols.region, discovered, incidents, p.incidents == "poisson"
        )
        self.publish("incidents", log)

    def _record(self, server: str, patrols: Patrols) -> None:
        rec, now, regions = self.env.recorder, self.env.now, self.params.regions
        share = patrols.probabilities.mean(axis=0)
        rec.record_entities(now, server, "share_gap", regions, share - self.true_share)
        rec.record_entities(now, server, "discovered", regions, self._discovered.mean(axis=0))
        locked = patrols.probabilities.max(axis=1) >= self.params.lock_in_share
        rec.record(now, server, "locked_in", locked.mean())
