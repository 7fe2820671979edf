"""The adherence loop of Khritankov (SWQD 2021): users adopt the model's price as the price.

World (``price_market``): each day ``rows_per_day`` properties come to market with features
``x ~ N(0, I)``; the true price is ``f(x) + noise`` with ``f(x) = x·w* + curvature·(x₀² − 1)``
(a linear model cannot capture the curvature). The serving regressor quotes a price and its
current error ``m`` (MAE on its training window). With probability ``usage`` the recorded price
is the quote plus noise of standard deviation ``adherence · m`` (the seller follows the model);
otherwise it is the true price. The recorded prices are all anyone — including the model — ever
sees again.

System (``price_regressor``): ridge regression retrained every ``every_days`` on the last
``window_rows`` recorded rows. It reports ``error_observed`` (MAE on its window: the team's
dashboard) and, through an audit read of a truth-labelled test set, ``error_true``. With
``train_on = "organic"`` it learns only from prices its users did not take from it — the
mitigation, which requires the market to log which prices came from the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.base.legacy import ServingSystem, World
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus
from sim.learn.estimators import RidgeRegression

__all__ = ["MarketParams", "PriceMarket", "PriceRegressor", "RegressorParams"]


@dataclass(frozen=True)
class Quotes:
    """A regressor's answer: a price per row and its own current error."""

    prices: np.ndarray
    error: float


@dataclass(frozen=True)
class Rows:
    """Features and recorded prices; ``adopted`` marks prices set by the model."""

    features: np.ndarray
    prices: np.ndarray
    adopted: np.ndarray


@dataclass(frozen=True)
class TestSet:
    """Audit-only: fresh rows labelled by the true price function."""

    features: np.ndarray
    prices: np.ndarray


@dataclass(frozen=True)
class MarketParams:
    """The property market and how its users follow the model (published grid: 0.1 … 0.9)."""

    features: int = param(8, ge=1, doc="number of features")
    rows_per_day: int = param(20, ge=1, doc="new rows per day (the paper's retraining step)")
    usage: float = param(0.5, ge=0, le=1, doc="p: probability a price is set by the model")
    adherence: float = param(0.1, ge=0, doc="noise sd of an adopted price, in model errors")
    noise_sd: float = param(1.0, ge=0, doc="noise of the true price")
    curvature: float = param(1.0, ge=0, doc="weight of the non-linear term x₀² − 1")
    history_rows: int = param(1000, ge=10, doc="rows with true prices before day 0")
    test_rows: int = param(5000, ge=10, doc="truth-labelled rows to measure error_true")


class PriceMarket(World):
    """Rows out, quotes in, recorded prices out."""

    kind = "price_market"
    Params = MarketParams

    def declare(self, bus: SignalBus) -> None:
        self.requests_signal = bus.produce(f"{self.name}.requests", self.name)
        self.prices_signal = bus.produce(f"{self.name}.prices", self.name)
        self.history_signal = bus.produce(f"{self.name}.history", self.name)
        self.truth_signal = bus.produce(f"{self.name}.truth", self.name)
        self.declare_answers(bus, "quotes")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        p = self.params
        self.w_true = self.rng.standard_normal(p.features)
        X, y = self._draw(p.history_rows)
        self.history_signal.publish(Rows(X, y, np.zeros(len(y), dtype=bool)), by=self.name)
        X_test = self.rng.standard_normal((p.test_rows, p.features))
        self.truth_signal.publish(TestSet(X_test, self.price_true(X_test)), by=self.name)
        env.recorder.declare("adopted_share", "mean", "share of recorded prices set by the model")

    def price_true(self, X: np.ndarray) -> np.ndarray:
        """The true price function f(x), without noise."""
        return X @ self.w_true + self.params.curvature * (X[:, 0] ** 2 - 1.0)

    def _draw(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        X = self.rng.standard_normal((n, self.params.features))
        return X, self.price_true(X) + self.params.noise_sd * self.rng.standard_normal(n)

    def start(self) -> None:
        self.env.process(self._days())

    def _days(self) -> Process:
        env, p = self.env, self.params
        quote_signals = self.answer_signals("quotes")
        yield env.timeout(0)
        while True:
            X, y = self._draw(p.rows_per_day)
            answers: list[Quotes] = yield from self.ask(self.requests_signal, X, quote_signals)
            batches = {}
            for server, quotes in zip(self.servers, answers, strict=True):
                adopted = self.rng.random(len(y)) < p.usage
                follow = quotes.prices + p.adherence * quotes.error * self.rng.standard_normal(
                    len(y)
                )
                batches[server] = Rows(X, np.where(adopted, follow, y), adopted)
                env.recorder.record(env.now, server, "adopted_share", float(adopted.mean()))
            self.prices_signal.publish(batches, by=self.name)
            yield env.timeout(env.tick_days)


@dataclass(frozen=True)
class RegressorParams:
    """A price regressor retrained on a sliding window of recorded rows."""

    serves: str = param("world", doc="the market it quotes for")
    inputs: tuple[str, ...] = param(["world.history", "world.prices"], doc="signals it reads")
    window_rows: int = param(1000, ge=10, doc="rows in the sliding training window")
    every_days: float = param(1.0, gt=0, doc="retrain cadence")
    l2: float = param(1.0, ge=0, doc="ridge penalty")
    train_on: Literal["all", "organic"] = param(
        "all", doc="organic: drop rows whose price the model set (needs adoption to be logged)"
    )


class PriceRegressor(ServingSystem):
    """Quotes prices, learns from recorded prices (some of which are its own quotes)."""

    kind = "price_regressor"
    Params = RegressorParams

    def declare(self, bus: SignalBus) -> None:
        self.quotes_signal = self.declare_system(bus, "quotes")
        bus.declare_read(self.name, f"{self.params.serves}.truth", audit=True)

    def setup(self, env: Environment) -> None:
        super().setup(env)
        world = self.params.serves
        history: Rows = self._bus.get(f"{world}.history").read(by=self.name)
        self._test: TestSet = self._bus.get(f"{world}.truth").read(by=self.name)
        self._X, self._y = history.features, history.prices
        self._adopted = history.adopted
        self._fit()
        rec = env.recorder
        rec.declare("error_observed", "final", "MAE of the model on its own training window")
        rec.declare("error_true", "final", "MAE against the true price function on fresh rows")

    def _fit(self) -> None:
        w = self.params.window_rows
        self._X, self._y, self._adopted = self._X[-w:], self._y[-w:], self._adopted[-w:]
        keep = ~self._adopted if self.params.train_on == "organic" else slice(None)
        X, y = self._X[keep], self._y[keep]
        if len(y) >= 2:
            self.model_ = RidgeRegression(l2=self.params.l2).fit(X, y)
            self.error_ = float(np.abs(self.model_.predict(X) - y).mean())

    def start(self) -> None:
        self.env.process(self._quote())
        self.env.process(self._learn())

    def _quote(self) -> Process:
        requests = self._bus.get(f"{self.params.serves}.requests")
        while True:
            yield requests.changed()
            X = requests.read(by=self.name)
            self.quotes_signal.publish(Quotes(self.model_.predict(X), self.error_), by=self.name)

    def _learn(self) -> Process:
        prices = self._bus.get(self.params.inputs[-1])
        next_retrain = self.params.every_days
        while True:
            yield prices.changed()
            rows: Rows = prices.read(by=self.name)[self.name]
            self._X = np.vstack([self._X, rows.features])
            self._y = np.concatenate([self._y, rows.prices])
            self._adopted = np.concatenate([self._adopted, rows.adopted])
            if self.env.now + self.env.tick_days >= next_retrain:
                self._fit()
                next_retrain += self.params.every_days
            rec, now = self.env.recorder, self.env.now
            rec.record(now, self.name, "error_observed", self.error_)
            truth = np.abs(self.model_.predict(self._test.features) - self._test.prices).mean()
            rec.record(now, self.name, "error_true", float(truth))
