"""The demand world: stores × products, Poisson demand, sales censored by the stock on hand.

Truth lives here: the daily demand rate ``λ[s, p] = size[s] · popularity[p] · season(t)``. Each
day the world opens (``world.requests``), reads the stock each serving inventory system put on
the shelves, draws demand, and sells ``min(demand, stock)``: what is not in stock is lost and
never observed. It publishes the sales with a flag where the shelf ran empty
(``world.sales``) — censored observations, ``demand ≥ sales``. Before day 0 it publishes
``history_days`` of uncensored sales from a time of ample stock (``world.history``), so a
forecaster can start from an unbiased model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.components.base.legacy import World
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus

__all__ = ["DemandParams", "DemandTruth", "DemandWorld", "SalesBatch", "StockPlan"]


@dataclass(frozen=True)
class DemandParams:
    """Parameters of the demand world."""

    stores: int = param(10, ge=1, doc="number of stores")
    products: int = param(20, ge=1, doc="number of products")
    demand_median: float = param(8.0, gt=0, doc="median daily demand of a product in a store")
    popularity_spread: float = param(0.6, ge=0, doc="log-normal spread of product popularity")
    size_spread: float = param(0.3, ge=0, doc="log-normal spread of store size")
    weekly_amplitude: float = param(0.0, ge=0, lt=1, doc="relative weekly seasonality")
    history_days: int = param(28, ge=1, doc="days of uncensored sales available before day 0")


@dataclass(frozen=True)
class StockPlan:
    """What an inventory system put on the shelves for the day."""

    stock: np.ndarray  # (stores, products) units
    holdout_stores: np.ndarray  # (stores,) bool: stocked amply so that sales reveal demand


@dataclass(frozen=True)
class SalesBatch:
    """Sales per (store, product) over some days; ``stockout`` marks censored cells."""

    days: np.ndarray  # (n_days,)
    sales: np.ndarray  # (n_days, stores, products)
    stockout: np.ndarray  # (n_days, stores, products) bool: demand >= sales
    holdout_stores: np.ndarray | None = None  # (stores,) bool, as the inventory planned


@dataclass(frozen=True)
class DemandTruth:
    """Audit-only truth: the demand rate per (store, product) on a day."""

    rate_on: object  # Callable[[float], np.ndarray]


class DemandWorld(World):
    """Stores × products; stock in, censored sales out."""

    kind = "demand"
    Params = DemandParams

    def declare(self, bus: SignalBus) -> None:
        self.requests_signal = bus.produce(f"{self.name}.requests", self.name)
        self.sales_signal = bus.produce(f"{self.name}.sales", self.name)
        self.history_signal = bus.produce(f"{self.name}.history", self.name)
        self.truth_signal = bus.produce(f"{self.name}.truth", self.name)
        self.declare_answers(bus, "stock")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        p, rng = self.params, self.rng
        size = np.exp(p.size_spread * rng.standard_normal(p.stores))
        popularity = p.demand_median * np.exp(p.popularity_spread * rng.standard_normal(p.products))
        self.base_rate = size[:, None] * popularity[None, :]
        self.phase = rng.uniform(0, 7)
        self.truth_signal.publish(DemandTruth(self.rate_on), by=self.name)
        history = np.arange(-p.history_days, 0, dtype=float)
        demand = rng.poisson(np.stack([self.rate_on(d) for d in history]))
        self.history_signal.publish(
            SalesBatch(history, demand, np.zeros(demand.shape, dtype=bool)), by=self.name
        )
        rec = env.recorder
        rec.declare("lost_sales", "total", "demand that found an empty shelf (units per day)")
        rec.declare("stockout_rate", "mean", "share of (store, product) cells that ran out")
        rec.declare("fill_rate", "mean", "share of demand served")
        rec.declare("waste", "total", "stock left unsold at the end of the day (units)")

    def rate_on(self, day: float) -> np.ndarray:
        """True demand rate per (store, product) on ``day``."""
        season = 1.0 + self.params.weekly_amplitude * np.sin(2 * np.pi * (day + self.phase) / 7)
        return self.base_rate * season

    def start(self) -> None:
        self.env.process(self._tick())

    def _tick(self) -> Process:
        env = self.env
        stock_signals = self.answer_signals("stock")
        yield env.timeout(0)
        while True:
            plans = yield from self.ask(self.requests_signal, env.now, stock_signals)
            demand = self.rng.poisson(self.rate_on(env.now))
            batches = {
                server: self._sell(server, demand, plan)
                for server, plan in zip(self.servers, plans, strict=True)
            }
            self.sales_signal.publish(batches, by=self.name)
            yield env.timeout(env.tick_days)

    def _sell(self, server: str, demand: np.ndarray, plan: StockPlan) -> SalesBatch:
        rec, now, stock = self.env.recorder, self.env.now, plan.stock
        sales = np.minimum(demand, stock)
        stockout = demand >= stock
        rec.record(now, server, "lost_sales", float((demand - sales).sum()))
        rec.record(now, server, "stockout_rate", float((demand > stock).mean()))
        rec.record(now, server, "fill_rate", float(sales.sum() / max(demand.sum(), 1)))
        rec.record(now, server, "waste", float((stock - sales).sum()))
        return SalesBatch(np.array([now]), sales[None], stockout[None], plan.holdout_stores)
