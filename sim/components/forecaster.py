"""A demand forecaster (one team's ML system): learns daily demand per (store, product) from sales.

It starts from a model fitted on uncensored history, then retrains every ``every_days`` on the
last ``window_days`` of sales and publishes ``<name>.forecast``. It never sees demand, only sales:
where the shelf ran empty the sale is a lower bound. Estimators:

- ``sales_mean``: the mean of sales (what a dashboard calls demand; biased down by stock-outs);
- ``censored_mle``: the Poisson rate that maximises the censored likelihood (stock-outs are
  "at least" observations).

``train_on = "holdout_stores"`` learns each product's rate per unit store size from the stores
the inventory team stocks amply (uncensored) and projects it to every store with store sizes
estimated from the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.demand import DemandTruth, SalesBatch
from sim.core.params import param
from sim.engine.component import Component, Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus
from sim.learn.censored_poisson import censored_poisson_mle

__all__ = ["DemandForecaster", "ForecasterParams"]


@dataclass(frozen=True)
class ForecasterParams:
    """A forecaster: its data, cadence and estimator."""

    serves: str = param("world", doc="the world whose sales it learns from")
    inputs: tuple[str, ...] = param(["world.history", "world.sales"], doc="signals it reads")
    every_days: float = param(7.0, gt=0, doc="retrain cadence")
    window_days: int = param(28, ge=1, doc="days of sales per retrain")
    estimator: Literal["sales_mean", "censored_mle"] = param("sales_mean", doc="how to fit")
    train_on: Literal["all_stores", "holdout_stores"] = param("all_stores", doc="which sales")


class DemandForecaster(Component):
    """Sales in, forecast out; never shown demand."""

    legacy_lifecycle = True  # TRANSITIONAL: not yet on the base lifecycle
    section = "systems"

    kind = "demand_forecaster"
    Params = ForecasterParams
    serving = False  # it does not answer the world's daily request; the inventory does

    def declare(self, bus: SignalBus) -> None:
        self.forecast_signal = bus.produce(f"{self.name}.forecast", self.name)
        for signal in self.params.inputs:
            bus.declare_read(self.name, signal)
        bus.declare_read(self.name, f"{self.params.serves}.truth", audit=True)
        self._bus = bus

    def setup(self, env: Environment) -> None:
        super().setup(env)
        world = self.params.serves
        history: SalesBatch = self._bus.get(f"{world}.history").read(by=self.name)
        self._truth: DemandTruth = self._bus.get(f"{world}.truth").read(by=self.name)
        self.store_size_ = history.sales.mean(axis=(0, 2)) / history.sales.mean()
        self._days: list[SalesBatch] = []
        self.forecast_ = history.sales.mean(axis=0).astype(float)
        self.version_ = 1
        self.forecast_signal.publish(self.forecast_, by=self.name)
        rec = env.recorder
        rec.declare("forecast_error_true", "mean", "Σ|forecast − true demand rate| / Σ rate")
        rec.declare("forecast_error_observed", "mean", "Σ|forecast − sales| / Σ sales, last week")
        rec.declare("forecast_bias_true", "mean", "(Σ forecast − Σ true rate) / Σ true rate")

    def start(self) -> None:
        self.env.process(self._collect())
        self.env.process(self._train())

    def _collect(self) -> Process:
        sales_signal = self._bus.get(f"{self.params.serves}.sales")
        while True:
            batches: Mapping[str, SalesBatch] = yield sales_signal.changed()
            batches = sales_signal.read(by=self.name)
            for name in sorted(batches):
                self._days.append(batches[name])
            self._days = self._days[-self.params.window_days * max(len(batches), 1) :]
            self._record()

    def _train(self) -> Process:
        while True:
            yield self.env.timeout(self.params.every_days)
            if self._days:
                self.forecast_ = self._fit()
                self.version_ += 1
                self.forecast_signal.publish(self.forecast_, by=self.name)
                self.env.recorder.event(
                    self.env.now, self.name, "retrain", version=self.version_, days=len(self._days)
                )

    def _fit(self) -> np.ndarray:
        sales = np.concatenate([b.sales for b in self._days]).astype(float)  # (days, S, P)
        stockout = np.concatenate([b.stockout for b in self._days])
        if self.params.train_on == "holdout_stores":
            return self._fit_from_holdout(sales, stockout)
        return self._rate(sales, stockout)

    def _rate(self, sales: np.ndarray, stockout: np.ndarray) -> np.ndarray:
        """Per (store, product) rate from (days, stores, products) observations."""
        if self.params.estimator == "sales_mean":
            return sales.mean(axis=0)
        days, stores, products = sales.shape
        sold = sales.reshape(days, -1)
        # A sold-out shelf says "demand ≥ sales": in the censored-Poisson terms, the sale reached
        # its limit; a shelf with stock left is an exact count (limit one above the sale).
        limit = np.where(stockout.reshape(days, -1), sold, sold + 1)
        # A cell sold out every day has no finite MLE: demand is at least its largest sale, so
        # allow up to half as much again, and let the next stocking reveal more.
        cap = 1.5 * sold.max(axis=0) + 1.0
        rate = censored_poisson_mle(sold, limit, max_rate=cap)
        return np.nan_to_num(rate, nan=0.0).reshape(stores, products)

    def _fit_from_holdout(self, sales: np.ndarray, stockout: np.ndarray) -> np.ndarray:
        holdout = self._days[-1].holdout_stores
        if holdout is None or not holdout.any():
            return self._rate(sales, stockout)
        per_size = (
            self._rate(sales[:, holdout], stockout[:, holdout]) / self.store_size_[holdout, None]
        )
        return self.store_size_[:, None] * per_size.mean(axis=0)[None, :]

    def _record(self) -> None:
        rec, now = self.env.recorder, self.env.now
        rate = self._truth.rate_on(now)
        rec.record(now, self.name, "forecast_error_true", _wmape(self.forecast_, rate))
        rec.record(now, self.name, "forecast_bias_true", self.forecast_.sum() / rate.sum() - 1)
        recent = np.concatenate([b.sales for b in self._days[-7:]]).mean(axis=0)
        rec.record(now, self.name, "forecast_error_observed", _wmape(self.forecast_, recent))


def _wmape(forecast: np.ndarray, actual: np.ndarray) -> float:
    return float(np.abs(forecast - actual).sum() / max(float(actual.sum()), 1e-12))
