"""The interest world of Jiang et al. (AIES 2019): users whose interests move with what they see.

Truth lives here: every user ``u`` has an interest ``μ(u, a)`` in every item ``a`` (an array of
users × items), drawn ``μ_0 ~ U[interest_low, interest_high]``. Each tick every user is shown a
slate of ``l`` items by the one serving system; a shown item is clicked with probability
``σ(μ + U[−w, w])`` (``w = user_noise``), and only shown items change:
``μ ← μ + δ(2c − 1)``, ``δ ~ U[delta_low, delta_high]``. With interest resets (Khritankov &
Pilkevich, WISE 2021) a shown item's updated interest becomes ``s·μ + (1 − s)·u`` with
probability ``r0`` (``u`` a fresh draw of the initial distribution). A growing candidate pool
makes items ``0 … n_t − 1`` available on day ``t``, ``n_t = min(M, initial + ⌊rate·t⌋)``; items
not yet available keep their (pre-drawn) initial interest until they arrive and are shown.

Random draws are made per (user, item) every tick whatever is shown, so replicate ``r`` of every
variant sees the same μ_0 and the same click and step draws (common random numbers). The world
records the drift ``‖μ_t − μ_0‖²`` per user (mean, median and 90th percentile over users), the
share of users whose drift exceeds ``drift_level``, and realised CTR. Systems may read
``world.truth`` (expected click probabilities and interests, refreshed every tick) only as an
audit read, except for an oracle that is part of a published model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.degeneracy import expected_click_prob, interest_drift, quantiles
from sim.components.base import World
from sim.components.recsys.payloads import InterestTruth, Outcomes, PoolRequests, Slates
from sim.core.errors import ConfigError, WiringError
from sim.core.params import from_mapping, param
from sim.engine.signals import PerSystem, SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["Interest", "InterestParams"]


@dataclass(frozen=True)
class InterestParams:
    """Parameters of the interest world; defaults are the published ones (M = 10, δ ≤ 0.01)."""

    users: int = param(1000, ge=1, doc="independent users, each a copy of the published user")
    items: int = param(10, ge=2, doc="items M in the catalogue")
    interest_low: float = param(
        -0.5, ge=-1e6, le=1e6, doc="initial interest μ_0 ~ U[interest_low, interest_high]"
    )
    interest_high: float = param(
        0.5, ge=-1e6, le=1e6, doc="upper bound of initial (and new, and reset) interest"
    )
    delta_low: float = param(0.0, ge=0, le=1e6, doc="interest step δ ~ U[delta_low, delta_high]")
    delta_high: float = param(0.01, ge=0, le=1e6, doc="upper bound of the interest step δ")
    user_noise: float = param(0.0, ge=0, le=1e6, doc="w: clicks ~ Bernoulli(σ(μ + U[-w, w]))")
    initial_items: int = param(0, ge=0, doc="items available on day 0 (0: all M)")
    new_items_per_day: float = param(0.0, ge=0, doc="items added to the pool per day, up to M")
    reset_prob: float = param(0.0, ge=0, le=1, doc="r0: chance a shown item's interest resets")
    reset_scale: float = param(0.0, ge=0, le=1, doc="s: a reset sets μ to s·μ + (1 - s)·u")
    drift_level: float = param(5.0, gt=0, doc="a user counts as degenerate above this drift")


class Interest(World):
    """Users × items interests; requests out, slates in, clicks out; interests follow slates."""

    kind = "interest"
    Params = InterestParams
    answer = "slates"
    request_payload = PoolRequests
    answer_payload = Slates

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> InterestParams:
        """Validate the table, including the bounds that relate two keys."""
        p = from_mapping(InterestParams, raw, path, ignore=("kind", "owner"))
        if p.interest_low > p.interest_high:
            raise ConfigError(
                f"got {p.interest_low}; must be <= interest_high ({p.interest_high})",
                path=f"{path}.interest_low",
            )
        if p.delta_low > p.delta_high:
            raise ConfigError(
                f"got {p.delta_low}; must be <= delta_high ({p.delta_high})",
                path=f"{path}.delta_low",
            )
        if p.initial_items > p.items:
            raise ConfigError(
                f"got {p.initial_items}; must be <= items ({p.items})",
                path=f"{path}.initial_items",
            )
        return p

    def validate_wiring(self, wiring: Wiring) -> None:
        """Each system's first slate must fit in the day-0 candidate pool."""
        initial = self.params.initial_items or self.params.items
        for system in wiring.of_section("systems"):
            slate = getattr(getattr(system.params, "policy", None), "slate", None)
            if slate is not None and initial < slate:
                raise ConfigError(
                    f"got {initial}; must be >= the slate of systems.{system.name} ({slate}): a "
                    "slate holds distinct available items",
                    path="initial_items",
                )

    def resource_needs(self, wiring: Wiring) -> Needs:
        """The users × items interests and the draws of every tick."""
        p = self.params
        return super().resource_needs(wiring) + Needs.arrays(
            (p.users, p.items), copies=10 + 2 * len(self.servers)
        )

    def declare(self, bus: SignalBus) -> None:
        self.require_servers(
            0,
            1,
            "one system serves them: what they are shown changes them; others: mode = 'shadow'",
        )
        self.declare_world(bus, ("clicks", PerSystem(Outcomes)), ("truth", InterestTruth))

    def on_setup(self) -> None:
        p = self.params
        shape = (p.users, p.items)
        self.interest0 = self.rng.uniform(p.interest_low, p.interest_high, size=shape)
        self.interest = self.interest0.copy()
        self.users = np.arange(p.users)
        self.users.setflags(write=False)
        self._publish_truth()
        self._tick = 0
        rec = self.env.recorder
        rec.declare(
            "interest_drift",
            "final",
            "‖μ_t − μ_0‖² per user: mean (or a quantile)",
            unit="squared distance",
            bounds=(0.0, None),
        )
        rec.declare(
            "degenerate_share",
            "final",
            "share of users whose drift exceeds drift_level",
            unit="share of users",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "ctr",
            "mean",
            "realised click-through rate of the day's impressions",
            unit="clicks per impression",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "available_items",
            "final",
            "items in the candidate pool",
            unit="items",
            bounds=(0.0, None),
        )

    def available(self, tick: int) -> int:
        """Items in the candidate pool on the ``tick``-th day (counting from 0)."""
        p = self.params
        start = p.initial_items or p.items
        return int(min(p.items, start + np.floor(p.new_items_per_day * tick)))

    def _publish_truth(self) -> None:
        ctr = expected_click_prob(self.interest, self.params.user_noise)
        self.publish("truth", InterestTruth(ctr, self.interest.copy()))

    def make_request(self) -> PoolRequests:
        available = self.available(self._tick)
        return PoolRequests(self.env.now, self.users, self.users, available)

    def resolve(self, request: PoolRequests, answers: Sequence[Slates]) -> None:
        draws = self._draw()
        outcomes = {
            server: self._respond(server, slates, request.available, draws)
            for server, slates in zip(self.servers, answers, strict=True)
        }
        self.publish("clicks", outcomes)
        self._publish_truth()
        self._tick += 1

    def _draw(self) -> dict[str, np.ndarray]:
        """This tick's draws for every (user, item), whatever is shown (common random numbers)."""
        p, rng = self.params, self.rng
        shape = (p.users, p.items)
        draws = {
            "click": rng.random(shape),
            "delta": rng.uniform(p.delta_low, p.delta_high, size=shape),
        }
        if p.user_noise > 0:
            draws["noise"] = rng.uniform(-p.user_noise, p.user_noise, size=shape)
        if p.reset_prob > 0:
            draws["reset"] = rng.random(shape)
            draws["fresh"] = rng.uniform(p.interest_low, p.interest_high, size=shape)
        return draws

    def _respond(
        self, server: str, slates: Slates, available: int, draws: dict[str, np.ndarray]
    ) -> Outcomes:
        p, env = self.params, self.env
        items = np.asarray(slates.items)
        if items.ndim != 2 or items.shape[0] != p.users:
            raise WiringError(f"{server!r} answered with slates of shape {items.shape}")
        if items.size and (items.min() < 0 or items.max() >= available):
            raise WiringError(
                f"{server!r} showed items outside the candidate pool (items 0..{available - 1}) "
                f"on day {env.now:g}"
            )
        cells = self.users[:, None] * p.items + items  # flat (user, item) indices: one take each
        mu = self.interest.take(cells)
        logit = mu + draws["noise"].take(cells) if "noise" in draws else mu
        clicks = draws["click"].take(cells) < expected_click_prob(logit)
        moved = mu + draws["delta"].take(cells) * np.where(clicks, 1.0, -1.0)
        if "reset" in draws:
            hit = draws["reset"].take(cells) < p.reset_prob
            fresh = draws["fresh"].take(cells)
            moved = np.where(hit, p.reset_scale * moved + (1 - p.reset_scale) * fresh, moved)
        self.interest.put(cells, moved)
        self._record(server, clicks, available)
        return Outcomes(env.now, server, self.users, items, clicks, slates.holdout)

    def _record(self, server: str, clicks: np.ndarray, available: int) -> None:
        rec, now = self.env.recorder, self.env.now
        drift = interest_drift(self.interest, self.interest0)
        rec.record(now, server, "interest_drift", drift.mean())
        median, p90 = quantiles(drift, [0.5, 0.9])
        rec.record(now, server, "interest_drift", median, "median")
        rec.record(now, server, "interest_drift", p90, "p90")
        rec.record(now, server, "degenerate_share", (drift > self.params.drift_level).mean())
        if clicks.size:
            rec.record(now, server, "ctr", clicks.mean())
        rec.record(now, server, "available_items", available)
