"""A demand forecaster (one team's ML system): learns daily demand per (store, product) from sales.

It starts from a model fitted on uncensored history (version 1 at time 0), then the shared
training pipeline retrains it every ``training.every_days`` on the sales of the last
``window_days`` days (the window ``[now − window_days, now)``) and deploys it, publishing a
:class:`Forecast` on ``<name>.forecast``. It never sees demand, only sales: where the shelf ran
empty the sale is a lower bound. Estimators:

- ``sales_mean``: the mean of sales (what a dashboard calls demand; biased down by stock-outs);
- ``censored_mle``: the Poisson rate that maximises the censored likelihood (stock-outs are
  "at least" observations).

``training.learn_from = "holdout"`` learns each product's rate per unit store size from the
stores the inventory team stocks amply (uncensored) and projects it to every store with store
sizes estimated from the history. It answers no request: the inventory reads its forecast.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base import BASE_OPTIONS, MLSystem, TrainingParams
from sim.components.supply.payloads import DemandTruth, Forecast, SalesBatch
from sim.core.params import param, table
from sim.engine.signals import Contract, PerSystem, SignalBus
from sim.learn.censored_poisson import censored_poisson_mle

__all__ = ["DemandForecaster", "ForecasterParams"]

_RECENT_BATCHES = 7  # the sales the forecasting team compares its forecast with (a week)


@dataclass(frozen=True)
class ForecasterParams:
    """A forecaster: its data, estimator and training pipeline."""

    serves: str = param("world", doc="the world whose sales it learns from")
    inputs: tuple[str, ...] = param(["world.history", "world.sales"], doc="signals it reads")
    estimator: Literal["sales_mean", "censored_mle"] = param("sales_mean", doc="how to fit")
    training: TrainingParams = table(
        TrainingParams(every_days=7.0, window_days=28.0), doc="training pipeline"
    )


class DemandForecaster(MLSystem):
    """Sales in, forecast out; never shown demand."""

    kind = "demand_forecaster"
    Params = ForecasterParams
    training_options = BASE_OPTIONS | {"learn_from"}

    def declare(self, bus: SignalBus) -> None:
        super().declare(bus)
        self.forecast_signal = bus.produce(f"{self.name}.forecast", self.name, Forecast)
        world = self.params.serves
        bus.declare_read(self.name, f"{world}.truth", audit=True, expects=DemandTruth)

    def input_payload(self, signal: str) -> Contract | None:
        world = self.params.serves
        contracts: dict[str, Contract] = {
            f"{world}.history": SalesBatch,
            f"{world}.sales": PerSystem(SalesBatch),
        }
        return contracts.get(signal)

    def learning_inputs(self) -> tuple[str, ...]:
        return (f"{self.params.serves}.sales",)

    def select(self, signal: str, value: Mapping[str, SalesBatch]) -> Iterable[SalesBatch]:
        """The sales of every inventory system the world serves, in name order."""
        return [value[name] for name in sorted(value)]

    def on_setup(self) -> None:
        self._recent: deque[SalesBatch] = deque(maxlen=_RECENT_BATCHES)
        rec = self.env.recorder
        rec.declare(
            "forecast_error_true",
            "mean",
            "Σ|forecast − true demand rate| / Σ rate",
            unit="relative error",
            bounds=(0.0, None),
        )
        rec.declare(
            "forecast_error_observed",
            "mean",
            "Σ|forecast − sales| / Σ sales, last week",
            unit="relative error",
            bounds=(0.0, None),
        )
        rec.declare(
            "forecast_bias_true",
            "mean",
            "(Σ forecast − Σ true rate) / Σ true rate",
            unit="relative bias",
        )

    def on_start(self) -> None:
        world = self.params.serves
        self._history: SalesBatch = self.bus.get(f"{world}.history").read(by=self.name)
        self._truth: DemandTruth = self.bus.get(f"{world}.truth").read(by=self.name)
        sales = self._history.sales
        total = sales.mean()
        # relative store sizes (no sales at all in the history: the stores look alike)
        self.store_size_ = sales.mean(axis=(0, 2)) / total if total > 0 else np.ones(sales.shape[1])

    def initial_model(self) -> np.ndarray:
        """The mean of the uncensored history."""
        return np.asarray(self._history.sales.mean(axis=0), dtype=float)

    def deploy(self, model: np.ndarray) -> None:
        self.model_ = model
        self.forecast_signal.publish(Forecast(model), by=self.name)

    # -- training -------------------------------------------------------------------------
    def fit(self, window: list[SalesBatch]) -> np.ndarray | None:
        if not window:
            return None
        sales = np.concatenate([b.sales for b in window]).astype(float)  # (days, S, P)
        stockout = np.concatenate([b.stockout for b in window])
        if self.training.learn_from == "holdout":
            return self._fit_from_holdout(sales, stockout, window[-1].holdout_stores)
        return self._rate(sales, stockout)

    def retrain_detail(self, window: list[SalesBatch]) -> Mapping[str, Any]:
        return {"days": len(window)}

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

    def _fit_from_holdout(
        self, sales: np.ndarray, stockout: np.ndarray, holdout: np.ndarray | None
    ) -> np.ndarray:
        if holdout is None or not holdout.any():
            return self._rate(sales, stockout)
        per_size = (
            self._rate(sales[:, holdout], stockout[:, holdout]) / self.store_size_[holdout, None]
        )
        return self.store_size_[:, None] * per_size.mean(axis=0)[None, :]

    # -- metrics --------------------------------------------------------------------------
    def on_logged(self, outcome: SalesBatch) -> None:
        """Score the deployed forecast against the truth and the sales seen in the last week."""
        self._recent.append(outcome)
        rec, now, forecast = self.env.recorder, self.env.now, self.model_
        rate = self._truth.rate_on(now)
        rec.record(now, self.name, "forecast_error_true", _wmape(forecast, rate))
        rec.record(now, self.name, "forecast_bias_true", forecast.sum() / rate.sum() - 1)
        recent = np.concatenate([b.sales for b in self._recent]).mean(axis=0)
        rec.record(now, self.name, "forecast_error_observed", _wmape(forecast, recent))


def _wmape(forecast: np.ndarray, actual: np.ndarray) -> float:
    return float(np.abs(forecast - actual).sum() / max(float(actual.sum()), 1e-12))
