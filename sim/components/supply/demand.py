"""The demand world: stores × products, Poisson demand, sales censored by the stock on hand.

Truth lives here: the daily demand rate ``λ[s, p] = size[s] · popularity[p] · season(t)``
(:mod:`~sim.components.supply.dynamics`). Each day (one tick of the shared world loop) the
world opens (``world.requests``), takes the stock each serving inventory system put on the
shelves, draws demand, and sells ``min(demand, stock)``: what is not in stock is lost and never
observed. It publishes the sales per inventory system with a flag where the shelf ran empty
(``world.sales``) — censored observations, ``demand ≥ sales``. Before day 0 it publishes
``history_days`` of uncensored sales from a time of ample stock (``world.history``), so a
forecaster can start from an unbiased model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.components.base import World
from sim.components.supply.dynamics import demand_rate, sell
from sim.components.supply.payloads import DemandTruth, SalesBatch, StockPlan, StoreDay
from sim.core.params import param
from sim.engine.signals import PerSystem, SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["DemandParams", "DemandWorld"]


MAX_RATE = 1e12  # demand per (store, product) and day at most (numpy's Poisson: < 9.2e18)


@dataclass(frozen=True)
class DemandParams:
    """Parameters of the demand world."""

    stores: int = param(10, ge=1, doc="number of stores")
    products: int = param(20, ge=1, doc="number of products")
    demand_median: float = param(
        8.0, gt=0, le=1e6, doc="median daily demand of a product in a store"
    )
    popularity_spread: float = param(0.6, ge=0, le=3, doc="log-normal spread of product popularity")
    size_spread: float = param(0.3, ge=0, le=3, doc="log-normal spread of store size")
    weekly_amplitude: float = param(0.0, ge=0, lt=1, doc="relative weekly seasonality")
    history_days: int = param(28, ge=1, doc="days of uncensored sales available before day 0")


class DemandWorld(World):
    """Stores × products; stock in, censored sales out."""

    kind = "demand"
    Params = DemandParams
    answer = "stock"
    request_payload = StoreDay
    answer_payload = StockPlan

    def resource_needs(self, wiring: Wiring) -> Needs:
        """Stores × products of demand and sales for the history and every day."""
        p = self.params
        return super().resource_needs(wiring) + Needs.arrays(
            (p.stores, p.products, p.history_days + wiring.ticks), copies=4 + 2 * len(self.servers)
        )

    def declare(self, bus: SignalBus) -> None:
        self.declare_world(
            bus, ("sales", PerSystem(SalesBatch)), ("history", SalesBatch), ("truth", DemandTruth)
        )

    def on_setup(self) -> None:
        p, rng = self.params, self.rng
        size = np.exp(p.size_spread * rng.standard_normal(p.stores))
        popularity = p.demand_median * np.exp(p.popularity_spread * rng.standard_normal(p.products))
        # capped: a log-normal tail must stay within what a Poisson sampler draws
        self.base_rate = np.minimum(size[:, None] * popularity[None, :], MAX_RATE)
        self.phase = rng.uniform(0, 7)
        self.publish("truth", DemandTruth(self.rate_on))
        history = np.arange(-p.history_days, 0, dtype=float)
        demand = rng.poisson(np.stack([self.rate_on(d) for d in history]))
        self.publish("history", SalesBatch(history, demand, np.zeros(demand.shape, dtype=bool)))
        rec = self.env.recorder
        rec.declare(
            "lost_sales",
            "total",
            "demand that found an empty shelf (units per day)",
            unit="units per day",
            bounds=(0.0, None),
        )
        rec.declare(
            "stockout_rate",
            "mean",
            "share of (store, product) cells that ran out",
            unit="share of cells",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "fill_rate", "mean", "share of demand served", unit="share of demand", bounds=(0.0, 1.0)
        )
        rec.declare(
            "waste",
            "total",
            "stock left unsold at the end of the day (units)",
            unit="units per day",
            bounds=(0.0, None),
        )

    def rate_on(self, day: float) -> np.ndarray:
        """True demand rate per (store, product) on ``day``."""
        return demand_rate(self.base_rate, self.params.weekly_amplitude, self.phase, day)

    def make_request(self) -> StoreDay:
        return StoreDay(self.env.now, self.params.stores, self.params.products)

    def resolve(self, request: StoreDay, answers: Sequence[StockPlan]) -> None:
        demand = self.rng.poisson(self.rate_on(request.day))
        batches = {
            server: self._sell(server, demand, plan)
            for server, plan in zip(self.servers, answers, strict=True)
        }
        self.publish("sales", batches)

    def _sell(self, server: str, demand: np.ndarray, plan: StockPlan) -> SalesBatch:
        rec, now, stock = self.env.recorder, self.env.now, plan.stock
        sales, stockout = sell(demand, stock)
        rec.record(now, server, "lost_sales", float((demand - sales).sum()))
        rec.record(now, server, "stockout_rate", float((demand > stock).mean()))
        rec.record(now, server, "fill_rate", float(sales.sum() / max(demand.sum(), 1)))
        rec.record(now, server, "waste", float((stock - sales).sum()))
        return SalesBatch(np.array([now]), sales[None], stockout[None], plan.holdout_stores)
