"""The attention-allocation world of D'Amour et al. (FAT* 2020): sites whose rates respond.

Truth lives here: the incident rate ``r_k`` of each site. Each step (one day) the world asks
its one allocator where to put ``units`` attention units, draws incidents
``y_k ~ Poisson(r_k)``, returns the discovered ``ŷ_k = min(a_k, y_k)`` (a censored count) and
moves the rates: ``r_k + d`` where a site got no attention (neglected incidents grow),
``max(0, r_k − d·a_k)`` where it did (attention deters; :mod:`.dynamics`). It scores the
allocator against truth: cumulative discovered and missed incidents per site, each site's
discovered share ``Σŷ/Σy`` (and the overall one), the fairness gap Δ between those shares,
totals, the true rates, and each site's share of the attention so far — after the first step,
every ``record_every_steps``-th step and the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.attention_allocation import fairness_gap
from sim.components.base import World
from sim.components.policing.dynamics import censored_discoveries, next_rates
from sim.components.policing.payloads import (
    Allocation,
    AttentionOutcome,
    AttentionRequest,
    AttentionTruth,
)
from sim.core.errors import ConfigError, WiringError
from sim.core.params import param
from sim.engine.signals import SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["AttentionSites", "AttentionSitesParams"]


MAX_RATE = 1e12  # incidents per site and step at most (numpy's Poisson draws below 9.2e18)


@dataclass(frozen=True)
class AttentionSitesParams:
    """Parameters of the attention-allocation world."""

    sites: tuple[str, ...] = param(
        ["site1", "site2", "site3", "site4", "site5"], doc="names of the sites"
    )
    initial_rates: tuple[float, ...] = param(
        [8.0, 6.0, 4.0, 3.0, 1.5], ge=0, le=1e9, doc="incident rate r_0 of each site (per step)"
    )
    units: int = param(6, ge=1, le=1000, doc="attention units N to allocate each step")
    dynamic_rate: float = param(
        0.0, ge=0, le=1e6, doc="d: +d to a neglected site's rate, −d·a to an attended one's"
    )
    record_every_steps: int = param(1, ge=1, doc="record metrics after every N-th step")

    def __post_init__(self) -> None:
        if len(self.sites) < 2 or len(set(self.sites)) != len(self.sites) or not all(self.sites):
            raise ConfigError(
                f"expected two or more distinct site names, got {list(self.sites)!r}", path="sites"
            )
        if len(self.initial_rates) != len(self.sites):
            raise ConfigError(
                f"expected one rate per site ({len(self.sites)}), got {len(self.initial_rates)}",
                path="initial_rates",
            )


class AttentionSites(World):
    """Sites with responsive incident rates; allocations in, censored discoveries out."""

    kind = "attention_sites"
    Params = AttentionSitesParams
    answer = "allocation"
    request_payload = AttentionRequest
    answer_payload = Allocation

    def validate_wiring(self, wiring: Wiring) -> None:
        """A neglected site's rate grows by ``dynamic_rate`` a step: it must stay within what
        the Poisson sampler draws (:data:`MAX_RATE`) until the horizon."""
        p = self.params
        highest = max(p.initial_rates, default=0.0) + p.dynamic_rate * wiring.ticks
        if highest > MAX_RATE:
            raise ConfigError(
                f"got {p.dynamic_rate:g}: a neglected site's rate would reach {highest:.3g} "
                f"incidents per step within {wiring.horizon_days:g} days; at most {MAX_RATE:g}",
                path="dynamic_rate",
            )

    def resource_needs(self, wiring: Wiring) -> Needs:
        """A few rows per site at every recorded step."""
        p = self.params
        return (
            super().resource_needs(wiring)
            + Needs.per_tick(wiring, events=0, rows=8 * len(p.sites))
            + Needs.arrays((len(p.sites), p.units), copies=8)
        )

    def declare(self, bus: SignalBus) -> None:
        self.require_servers(1, 1, "an allocator")
        self.declare_world(bus, ("outcomes", AttentionOutcome), ("truth", AttentionTruth))

    def on_setup(self) -> None:
        k = len(self.params.sites)
        self.rates = np.asarray(self.params.initial_rates, dtype=float)
        self._discovered = np.zeros(k)
        self._incidents = np.zeros(k)
        self._attention = np.zeros(k)
        self.publish("truth", AttentionTruth(self.params.sites, self.rates))
        rec = self.env.recorder
        rec.declare(
            "discovered",
            "final",
            "cumulative incidents discovered at the site",
            unit="incidents, cumulative",
            bounds=(0.0, None),
        )
        rec.declare(
            "missed",
            "final",
            "cumulative incidents that occurred and were not found",
            unit="incidents, cumulative",
            bounds=(0.0, None),
        )
        rec.declare(
            "fairness_gap",
            "final",
            "Δ: largest gap between sites' discovered shares",
            unit="share difference",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "total_discovered",
            "final",
            "cumulative incidents discovered, all sites",
            unit="incidents, cumulative",
            bounds=(0.0, None),
        )
        rec.declare(
            "total_missed",
            "final",
            "cumulative incidents missed, all sites",
            unit="incidents, cumulative",
            bounds=(0.0, None),
        )
        rec.declare(
            "rate",
            "final",
            "true incident rate of the site this step",
            unit="incidents per step",
            bounds=(0.0, None),
        )
        rec.declare(
            "attention",
            "final",
            "site's share of all attention units so far",
            unit="share of attention",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "discovery_rate",
            "final",
            "share of incidents discovered (Σŷ/Σy) so far",
            unit="share of incidents",
            bounds=(0.0, 1.0),
        )
        self._steps = 0
        self._recorded = False
        self._last_day = 0.0
        self._step_rates = self.rates

    def make_request(self) -> AttentionRequest:
        p = self.params
        return AttentionRequest(self.env.now, p.sites, p.units)

    def resolve(self, request: AttentionRequest, answers: Sequence[Allocation]) -> None:
        p, server, now = self.params, self.servers[0], self.env.now
        (allocation,) = answers
        attention = np.asarray(allocation.units, dtype=np.int64)
        if attention.shape != self.rates.shape or attention.sum() != p.units:
            raise WiringError(
                f"{server!r} allocated {attention.tolist()}; expected {p.units} units "
                f"over {len(p.sites)} sites"
            )
        self._step_rates = self.rates  # next_rates returns a new array
        incidents = self.rng.poisson(self.rates)
        discovered = censored_discoveries(attention, incidents)
        self._discovered += discovered
        self._incidents += incidents
        self._attention += attention
        self._steps += 1
        self._last_day = now
        self._recorded = self._steps % p.record_every_steps == 0 or self._steps == 1
        if self._recorded:
            self._record(server, now)
        self.publish("outcomes", AttentionOutcome(now, server, attention, discovered))
        self.rates = next_rates(self.rates, attention, p.dynamic_rate)
        self.publish("truth", AttentionTruth(p.sites, self.rates))

    def finish(self) -> None:
        if self._steps and not self._recorded:  # the final state is always recorded
            self._record(self.servers[0], self._last_day)

    def _record(self, server: str, now: float) -> None:
        rec, sites = self.env.recorder, self.params.sites
        missed = self._incidents - self._discovered
        rec.record_entities(now, server, "discovered", sites, self._discovered)
        rec.record_entities(now, server, "missed", sites, missed)
        rec.record_entities(now, server, "rate", sites, self._step_rates)
        share = self._attention / self._attention.sum()
        rec.record_entities(now, server, "attention", sites, share)
        found = np.divide(
            self._discovered, self._incidents, out=np.ones(len(sites)), where=self._incidents > 0
        )
        rec.record_entities(now, server, "discovery_rate", sites, found)
        overall = self._discovered.sum() / max(self._incidents.sum(), 1.0)
        rec.record(now, server, "discovery_rate", overall)
        rec.record(now, server, "fairness_gap", fairness_gap(self._discovered, self._incidents))
        rec.record(now, server, "total_discovered", self._discovered.sum())
        rec.record(now, server, "total_missed", missed.sum())
