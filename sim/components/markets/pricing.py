"""The adherence loop of Khritankov (SWQD 2021): users adopt the model's price as the price.

World (``price_market``): each day ``rows_per_day`` properties come to market with features
``x ~ N(0, I)``; the true price is ``f(x) + noise`` with ``f(x) = x·w* + curvature·(x₀² − 1)``
(a linear model cannot capture the curvature). The serving regressor quotes a price and its
error ``m`` (MAE on its training window). With probability ``usage`` the recorded price is the
quote plus noise of standard deviation ``adherence · m`` (the seller follows the model);
otherwise it is the true price. The recorded prices are all anyone — including the model — ever
sees again. Before day 0 the market published ``history_rows`` true prices, recorded at
``rows_per_day`` a day (the last ones on day −1).

System (``price_regressor``): ridge regression retrained by the shared pipeline every
``training.every_days`` on the rows recorded in its ``training.window_days`` window (at 20 rows a
day, ``window_days = 50`` holds the last 1000 rows: the window ``[now − 50, now)`` of a retrain at
the start of day ``t + 1`` covers days ``t − 49 … t``). It records, for its *serving* model,
``error_observed`` (MAE on its window: the team's dashboard) and, through an audit read of a
truth-labelled test set, ``error_true``. With ``training.learn_from = "holdout"`` it learns only
from prices its users set themselves — the mitigation, which requires the market to log which
prices came from the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sim.components.base import BASE_OPTIONS, MLSystem, TrainingParams, World
from sim.components.markets.dynamics import adopt_quotes, draw_rows, history_days, price_true
from sim.components.markets.payloads import Listings, Quotes, Rows, TestSet
from sim.core.errors import ConfigError
from sim.core.params import param, table
from sim.engine.signals import Contract, PerSystem, SignalBus
from sim.engine.wiring import Needs, Wiring
from sim.learn.estimators import RidgeRegression

__all__ = ["MarketParams", "PriceMarket", "PriceModel", "PriceRegressor", "RegressorParams"]


@dataclass(frozen=True)
class MarketParams:
    """The property market and how its users follow the model (published grid: 0.1 … 0.9)."""

    features: int = param(8, ge=1, doc="number of features")
    rows_per_day: int = param(20, ge=1, doc="new rows per day (the paper's retraining step)")
    usage: float = param(0.5, ge=0, le=1, doc="p: probability a price is set by the model")
    adherence: float = param(0.1, ge=0, le=1e3, doc="noise sd of an adopted price, in model errors")
    noise_sd: float = param(1.0, ge=0, le=1e3, doc="noise of the true price")
    curvature: float = param(1.0, ge=0, le=1e3, doc="weight of the non-linear term x₀² − 1")
    history_rows: int = param(1000, ge=10, doc="rows with true prices before day 0")
    test_rows: int = param(5000, ge=10, doc="truth-labelled rows to measure error_true")


class PriceMarket(World):
    """Listings out, quotes in, recorded prices out."""

    kind = "price_market"
    Params = MarketParams
    answer = "quotes"
    request_payload = Listings
    answer_payload = Quotes

    def resource_needs(self, wiring: Wiring) -> Needs:
        """The history, the test rows and the rows of the regressors' windows."""
        p = self.params
        rows = p.history_rows + p.test_rows + p.rows_per_day * wiring.ticks
        return super().resource_needs(wiring) + Needs.arrays(
            (rows, p.features + 2), copies=2 + 2 * len(self.servers)
        )

    def declare(self, bus: SignalBus) -> None:
        self.declare_world(bus, ("prices", PerSystem(Rows)), ("history", Rows), ("truth", TestSet))

    def on_setup(self) -> None:
        p, rng = self.params, self.rng
        self.w_true = rng.standard_normal(p.features)
        X, y = draw_rows(rng, p.history_rows, self.w_true, p.curvature, p.noise_sd)
        days = history_days(p.history_rows, p.rows_per_day)
        self.publish("history", Rows(X, y, np.zeros(len(y), dtype=bool), days))
        X_test = rng.standard_normal((p.test_rows, p.features))
        self.publish("truth", TestSet(X_test, price_true(X_test, self.w_true, p.curvature)))
        self.env.recorder.declare(
            "adopted_share",
            "mean",
            "share of recorded prices set by the model",
            unit="share of prices",
            bounds=(0.0, 1.0),
        )

    def make_request(self) -> Listings:
        p = self.params
        X, self._prices_true = draw_rows(
            self.rng, p.rows_per_day, self.w_true, p.curvature, p.noise_sd
        )
        return Listings(self.env.now, X)

    def resolve(self, request: Listings, answers: Sequence[Quotes]) -> None:
        p, env = self.params, self.env
        days = np.full(len(self._prices_true), env.now)
        batches = {}
        for server, quotes in zip(self.servers, answers, strict=True):
            recorded, adopted = adopt_quotes(
                self.rng, quotes.prices, quotes.error, self._prices_true, p.usage, p.adherence
            )
            batches[server] = Rows(request.features, recorded, adopted, days)
            env.recorder.record(env.now, server, "adopted_share", float(adopted.mean()))
        self.publish("prices", batches)


@dataclass(frozen=True)
class PriceModel:
    """A fitted regressor and its error on the window it was fitted to."""

    ridge: RidgeRegression
    error: float  # MAE on its training window (what the team's dashboard shows)


@dataclass(frozen=True)
class RegressorParams:
    """A price regressor retrained on a sliding window of recorded rows."""

    serves: str = param("world", doc="the market it quotes for")
    inputs: tuple[str, ...] = param(["world.history", "world.prices"], doc="signals it reads")
    l2: float = param(1.0, ge=0, doc="ridge penalty")
    training: TrainingParams = table(
        TrainingParams(every_days=1.0, window_days=50.0), doc="training pipeline"
    )


class PriceRegressor(MLSystem):
    """Quotes prices, learns from recorded prices (some of which are its own quotes)."""

    kind = "price_regressor"
    Params = RegressorParams
    output = "quotes"
    output_payload = Quotes
    request_payload = Listings
    training_options = BASE_OPTIONS | {"learn_from"}
    moved_keys: ClassVar[Mapping[str, str]] = {
        "window_rows": "training.window_days (days of rows_per_day rows)"
    }

    @property
    def _history(self) -> str:
        return f"{self.params.serves}.history"

    def validate_wiring(self, wiring: Wiring) -> None:
        """The first model is fitted on the history's last days: a window must hold a day."""
        super().validate_wiring(wiring)
        window = self.training.window_days
        if 0 < window < 1:
            raise ConfigError(
                f"got {window:g}; the history is logged a day at a time, so a window holds "
                "whole days: 0 (all) or >= 1",
                path="training.window_days",
            )

    def input_payload(self, signal: str) -> Contract | None:
        if signal == self._history:
            return Rows
        return PerSystem(Rows) if signal == f"{self.params.serves}.prices" else None

    def declare(self, bus: SignalBus) -> None:
        super().declare(bus)
        if self._history not in self.params.inputs:
            bus.declare_read(self.name, self._history, expects=Rows)
        bus.declare_read(self.name, f"{self.params.serves}.truth", audit=True, expects=TestSet)

    def learning_inputs(self) -> tuple[str, ...]:
        return tuple(name for name in self.params.inputs if name != self._history)

    def on_setup(self) -> None:
        rec = self.env.recorder
        rec.declare(
            "error_observed",
            "final",
            "MAE of the model on its own training window",
            unit="price units",
            bounds=(0.0, None),
        )
        rec.declare(
            "error_true",
            "final",
            "MAE against the true price function on fresh rows",
            unit="price units",
            bounds=(0.0, None),
        )

    def on_start(self) -> None:
        serves = self.params.serves
        self._test: TestSet = self.bus.get(f"{serves}.truth").read(by=self.name)
        history: Rows = self.bus.get(self._history).read(by=self.name)
        # logged day by day, so the window slides over it (one pass: a stable sort keeps each
        # day's rows in their order; a mask per day was quadratic in a long history)
        order = np.argsort(history.days, kind="stable")
        days, starts = np.unique(history.days[order], return_index=True)
        for day, rows in zip(days, np.split(order, starts[1:]), strict=True):
            part = Rows(
                history.features[rows],
                history.prices[rows],
                history.adopted[rows],
                history.days[rows],
            )
            self.log_.add(float(day), part)

    def initial_model(self) -> PriceModel | None:
        return self.fit(self.log_.window(self.env.now, self.training.window_days))

    def act(self, request: Listings) -> Quotes:
        return Quotes(self.model_.ridge.predict(request.features), self.model_.error)

    def fit(self, window: list[Rows]) -> PriceModel | None:
        if not window:
            return None
        X = np.vstack([rows.features for rows in window])
        y = np.concatenate([rows.prices for rows in window])
        if self.training.learn_from == "holdout":  # only prices users set themselves
            organic = ~np.concatenate([rows.adopted for rows in window])
            X, y = X[organic], y[organic]
        if len(y) < 2:
            return None
        ridge = RidgeRegression(l2=self.params.l2).fit(X, y)
        return PriceModel(ridge, float(np.abs(ridge.predict(X) - y).mean()))

    def retrain_detail(self, window: list[Rows]) -> Mapping[str, Any]:
        return {"rows": int(sum(len(rows.prices) for rows in window))}

    def on_outcomes(self) -> None:
        rec, now, test = self.env.recorder, self.env.now, self._test
        rec.record(now, self.name, "error_observed", self.model_.error)
        truth = np.abs(self.model_.ridge.predict(test.features) - test.prices).mean()
        rec.record(now, self.name, "error_true", float(truth))
