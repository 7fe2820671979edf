"""The marketplace world: users × items with latent factors and true click probabilities.

Truth lives here and only here. A user ``u`` in segment ``s`` clicks item ``i`` with probability
``ctr_true(u, i) = σ(logit(base_ctr) + quality_i + taste_scale · f_u · g_i)``, where the user
factor ``f_u`` mixes a segment centroid (weight ``segment_weight``) with individual noise.
Each tick a random share of users visits; every serving system answers the batch with slates;
clicks are drawn for the shown items and published on ``world.clicks``. The world also scores
each serving system against an oracle that knows ``ctr_true`` (regret), and records realised
CTR and exposure concentration. Systems can read ``world.truth`` only as an *audit* read, for
evaluation metrics, never for decisions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.inequality import gini
from sim.components.base import World
from sim.components.recsys.payloads import MarketTruth, Outcomes, Requests, Slates
from sim.core.params import param
from sim.core.startup_cache import shared_startup
from sim.engine.signals import PerSystem, SignalBus
from sim.engine.wiring import Needs, Wiring
from sim.learn.estimators import sigmoid

__all__ = ["Marketplace", "MarketplaceParams"]

_CHUNK_CELLS = 4_000_000  # users × items evaluated at once when computing truth
_ORACLE_DEPTH = 10  # best CTRs kept per user, enough for slates of up to this size


def _top_values(values: np.ndarray, k: int) -> np.ndarray:
    """Each row's ``k`` largest values, largest first."""
    top = np.partition(values, values.shape[1] - k, axis=1)[:, -k:]
    return -np.sort(-top, axis=1)


@dataclass(frozen=True)
class MarketplaceParams:
    """Parameters of the marketplace world."""

    users: int = param(10_000, ge=1, doc="number of users")
    items: int = param(200, ge=2, doc="number of items")
    factors: int = param(8, ge=1, doc="latent dimensions of user taste and item style")
    segments: int = param(1, ge=1, doc="observable user segments (the context systems see)")
    segment_weight: float = param(0.7, ge=0, le=1, doc="share of taste explained by segment")
    visit_prob_per_day: float = param(0.1, gt=0, le=1, doc="chance a user visits on a day")
    base_ctr: float = param(0.05, gt=0, lt=1, doc="click probability of an average item")
    quality_scale: float = param(1.0, ge=0, doc="spread of item quality (logit units)")
    taste_scale: float = param(0.5, ge=0, doc="spread of user-item affinity (logit units)")


class Marketplace(World):
    """Users × items; requests out, slates in, clicks out."""

    kind = "marketplace"
    Params = MarketplaceParams
    answer = "slates"
    request_payload = Requests
    answer_payload = Slates

    def resource_needs(self, wiring: Wiring) -> Needs:
        """The users × items truth and each system's counts and estimates of it."""
        p = self.params
        return super().resource_needs(wiring) + Needs.arrays(
            (p.users, p.items),
            (p.users, p.factors),
            (p.segments, p.users + p.items),
            copies=4 + 2 * len(self.servers),
        )

    def declare(self, bus: SignalBus) -> None:
        self.declare_world(bus, ("clicks", PerSystem(Outcomes)), ("truth", MarketTruth))

    def on_setup(self) -> None:
        p = self.params
        # Every variant of a replicate draws the same world: build it once per process.
        world = shared_startup(self.kind, p, self.rng, self._draw_world)
        self.segment_of, self.user_factors, self.item_factors, self.item_logit = world[:4]
        self._best, truth = world[4:]
        self.publish("truth", MarketTruth(truth))
        self._oracle_value: dict[int, np.ndarray] = {}
        rec = self.env.recorder
        rec.declare(
            "regret",
            "final",
            "cumulative expected clicks lost against the oracle",
            unit="expected clicks",
            bounds=(0.0, None),
        )
        rec.declare(
            "ctr",
            "mean",
            "realised click-through rate of the day's impressions",
            unit="clicks per impression",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "exposure_gini",
            "final",
            "Gini of cumulative impressions over items",
            unit="Gini index",
            bounds=(0.0, 1.0),
        )
        self._regret = {s: 0.0 for s in self.servers}
        self._impressions = {s: np.zeros(p.items, dtype=np.int64) for s in self.servers}

    def _draw_world(self) -> tuple[np.ndarray, ...]:
        """Users, items and the truth derived from them (segment mean CTRs, best CTRs)."""
        p, rng = self.params, self.rng
        centroids = rng.standard_normal((p.segments, p.factors))
        self.segment_of = rng.integers(0, p.segments, size=p.users)
        noise = rng.standard_normal((p.users, p.factors))
        w = p.segment_weight
        self.user_factors = np.sqrt(w) * centroids[self.segment_of] + np.sqrt(1 - w) * noise
        self.item_factors = rng.standard_normal((p.items, p.factors)) / np.sqrt(p.factors)
        self.item_logit = np.log(p.base_ctr / (1 - p.base_ctr)) + p.quality_scale * (
            rng.standard_normal(p.items)
        )
        truth = self._segment_truth()
        return (
            self.segment_of,
            self.user_factors,
            self.item_factors,
            self.item_logit,
            self._best,
            truth,
        )

    def ctr_true(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """True click probability of each user for each item (items shaped (n, k))."""
        affinity = np.einsum("nd,nkd->nk", self.user_factors[users], self.item_factors[items])
        return sigmoid(self.item_logit[items] + self.params.taste_scale * affinity)

    def _user_chunks(self) -> Iterator[tuple[slice, np.ndarray]]:
        """True CTR of every user for every item, a block of users at a time."""
        step = max(1, _CHUNK_CELLS // self.params.items)
        for start in range(0, self.params.users, step):
            rows = slice(start, min(start + step, self.params.users))
            logits = self.item_logit + self.params.taste_scale * (
                self.user_factors[rows] @ self.item_factors.T
            )
            yield rows, sigmoid(logits)

    def _segment_truth(self) -> np.ndarray:
        """Mean true CTR per (segment, item); also caches each user's best CTRs for the oracle."""
        p = self.params
        depth = min(p.items, _ORACLE_DEPTH)
        sums = np.zeros((p.segments, p.items))
        self._best = np.empty((p.users, depth))
        for rows, ctr in self._user_chunks():
            members = self.segment_of[rows] == np.arange(p.segments)[:, None]
            sums += members.astype(float) @ ctr
            self._best[rows] = _top_values(ctr, depth)
        sizes = np.bincount(self.segment_of, minlength=p.segments).astype(float)
        return sums / np.maximum(sizes, 1.0)[:, None]

    def oracle_value(self, slate: int) -> np.ndarray:
        """Per user, the expected clicks of the best possible slate of ``slate`` items."""
        if slate not in self._oracle_value:
            if slate <= self._best.shape[1]:
                value = self._best[:, :slate].sum(axis=1)
            else:
                value = np.empty(self.params.users)
                for rows, ctr in self._user_chunks():
                    value[rows] = _top_values(ctr, slate).sum(axis=1)
            self._oracle_value[slate] = value
        return self._oracle_value[slate]

    def make_request(self) -> Requests:
        users = np.flatnonzero(self.rng.random(self.params.users) < self.params.visit_prob_per_day)
        return Requests(self.env.now, users, self.segment_of[users])

    def resolve(self, request: Requests, answers: Sequence[Slates]) -> None:
        outcomes = {
            server: self._respond(server, request.users, slates)
            for server, slates in zip(self.servers, answers, strict=True)
        }
        self.publish("clicks", outcomes)

    def _respond(self, server: str, users: np.ndarray, slates: Slates) -> Outcomes:
        env, rec = self.env, self.env.recorder
        items = slates.items
        ctr = self.ctr_true(users, items)
        clicks = self.rng.random(ctr.shape) < ctr
        lost = self.oracle_value(items.shape[1])[users] - ctr.sum(axis=1)
        self._regret[server] += float(np.maximum(lost, 0.0).sum())  # ≥ 0 up to rounding
        self._impressions[server] += np.bincount(items.ravel(), minlength=self.params.items)
        rec.record(env.now, server, "regret", self._regret[server])
        if clicks.size:
            rec.record(env.now, server, "ctr", clicks.mean())
        rec.record(env.now, server, "exposure_gini", gini(self._impressions[server]))
        return Outcomes(env.now, server, self.segment_of[users], items, clicks, slates.holdout)
