"""Two trading systems moving one price: a hidden loop through market impact.

World (``trading_venue``): a log price ``p`` tracks a fundamental value ``v`` (a random walk).
Each day every trading system sends an order; the day's return is
``r_t = κ (v_{t−1} − p_{t−1}) + λ Σ_i q_{i,t} + noise``: reversion to the fundamental, the
price impact of the orders, and noise. Before day 0 the world publishes ``history_days`` of
returns with no traders in the market.

System (``momentum_trader``): predicts today's return from yesterday's, ``r̂_t = a + b r_{t−1}``,
by least squares on the (yesterday, today) pairs of its ``training.window_days`` window, and
orders ``q = aggressiveness · r̂`` (capped at ``position_limit``). The shared pipeline retrains
it every ``training.every_days`` (0: it keeps its day-0 model, fitted on the history); a window
``[now − 250, now)`` at the start of day ``t + 1`` holds the 250 days ``t − 249 … t``. Its own
orders move the returns it learns from: ``b`` is pulled towards
``b_true + λ · aggressiveness · Σ b_i``, so the more traders adapt, the larger the gain. Each is
stable alone when ``λ · aggressiveness < 1``; two adaptive ones need ``2 λ · aggressiveness < 1``.
With ``learn_net_of_impact`` it subtracts the impact of the day's net order flow, which the venue
publishes, from the returns it learns from: the mitigation, which needs the dependency declared.
It records the serving model's ``slope`` and its rolling ``prediction_error``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sim.components.base import BASE_OPTIONS, MLSystem, TrainingParams, World
from sim.components.markets.dynamics import VenueTruth, venue_step
from sim.components.markets.payloads import DayReturn, Order, ReturnHistory, TradingDay
from sim.core.params import param, table
from sim.engine.signals import Contract, SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["Momentum", "MomentumTrader", "TraderParams", "TradingVenue", "VenueParams"]

ERROR_DAYS = 20  # days in the rolling prediction error


@dataclass(frozen=True)
class VenueParams:
    """The market: fundamental, reversion, impact and noise (per day, log-price units)."""

    fundamental_sd: float = param(
        0.01, ge=0, le=1e3, doc="daily sd of the fundamental value's steps"
    )
    reversion: float = param(0.3, ge=0, le=1, doc="κ: share of the mispricing corrected daily")
    impact: float = param(1.0, ge=0, le=1e3, doc="λ: return per unit of net order")
    noise_sd: float = param(0.005, ge=0, le=1e3, doc="daily sd of noise-trader returns")
    history_days: int = param(250, ge=10, doc="days of trader-free returns before day 0")
    volatility_window: int = param(20, ge=2, doc="days in the rolling volatility")


class TradingVenue(World):
    """One price; orders in, returns out."""

    kind = "trading_venue"
    Params = VenueParams
    answer = "orders"
    request_payload = TradingDay
    answer_payload = Order

    def resource_needs(self, wiring: Wiring) -> Needs:
        """The returns of the history and of every day, in the desks' windows."""
        p = self.params
        return super().resource_needs(wiring) + Needs.arrays(
            (p.history_days + wiring.ticks, 4), copies=2 + 2 * len(self.servers)
        )

    def declare(self, bus: SignalBus) -> None:
        self.declare_world(bus, ("returns", DayReturn), ("history", ReturnHistory))

    def on_setup(self) -> None:
        self.truth = VenueTruth()
        history = [self._step(0.0) for _ in range(self.params.history_days)]
        self.returns: list[float] = list(history)
        self.publish("history", ReturnHistory(np.array(history)))
        rec = self.env.recorder
        rec.declare(
            "volatility",
            "mean",
            "rolling sd of daily returns",
            unit="daily return (sd)",
            bounds=(0.0, None),
        )
        rec.declare(
            "mispricing",
            "mean",
            "|price − fundamental value|",
            unit="price units",
            bounds=(0.0, None),
        )

    def _step(self, net_order: float) -> float:
        p = self.params
        return venue_step(
            self.truth, self.rng, net_order, p.reversion, p.impact, p.noise_sd, p.fundamental_sd
        )

    def make_request(self) -> TradingDay:
        return TradingDay(self.env.now, self.returns[-1])

    def resolve(self, request: TradingDay, answers: Sequence[Order]) -> None:
        env, rec = self.env, self.env.recorder
        net = float(sum(order.size for order in answers))
        r = self._step(net)
        self.returns.append(r)
        self.publish("returns", DayReturn(env.now, self.returns[-2], r, net))
        window = self.params.volatility_window
        rec.record(env.now, self.name, "volatility", float(np.std(self.returns[-window:])))
        rec.record(env.now, self.name, "mispricing", abs(self.truth.price - self.truth.value))


@dataclass(frozen=True)
class Momentum:
    """A fitted momentum model ``r̂_t = intercept + slope · r_(t−1)``."""

    slope: float
    intercept: float


@dataclass(frozen=True)
class TraderParams:
    """A trading system that learns yesterday-to-today return predictability."""

    serves: str = param("world", doc="the venue it trades on")
    inputs: tuple[str, ...] = param(["world.history", "world.returns"], doc="signals it reads")
    aggressiveness: float = param(
        0.6, ge=0, le=1e6, doc="order = aggressiveness × predicted return"
    )
    position_limit: float = param(1e9, gt=0, le=1e9, doc="largest order, in absolute value")
    learn_net_of_impact: bool = param(
        False, doc="learn from returns minus the impact of the day's published order flow"
    )
    impact_estimate: float = param(
        1.0, ge=0, le=1e3, doc="λ̂ used to remove the order flow's impact"
    )
    training: TrainingParams = table(
        TrainingParams(every_days=5.0, window_days=250.0), doc="training pipeline"
    )


class MomentumTrader(MLSystem):
    """Predicts the next return from the last, trades on it, learns from what follows."""

    kind = "momentum_trader"
    Params = TraderParams
    output = "orders"
    output_payload = Order
    request_payload = TradingDay
    training_options = BASE_OPTIONS
    moved_keys: ClassVar[Mapping[str, str]] = {
        "adaptive": "training.every_days (0: keep the day-0 model)"
    }

    @property
    def _history(self) -> str:
        return f"{self.params.serves}.history"

    def input_payload(self, signal: str) -> Contract | None:
        if signal == self._history:
            return ReturnHistory
        return DayReturn if signal == f"{self.params.serves}.returns" else None

    def declare(self, bus: SignalBus) -> None:
        super().declare(bus)
        if self._history not in self.params.inputs:
            bus.declare_read(self.name, self._history, expects=ReturnHistory)

    def learning_inputs(self) -> tuple[str, ...]:
        return tuple(name for name in self.params.inputs if name != self._history)

    def on_setup(self) -> None:
        self._errors: list[float] = []
        self._prediction = 0.0
        rec = self.env.recorder
        rec.declare(
            "prediction_error",
            "mean",
            "rolling mean |predicted − realised return|",
            unit="daily return",
            bounds=(0.0, None),
        )
        rec.declare(
            "slope",
            "final",
            "learned b in r̂_t = a + b r_(t−1) of the serving model",
            unit="coefficient b",
        )

    def on_start(self) -> None:
        history = self.bus.get(self._history).read(by=self.name).returns
        first = -len(history) + 1  # the day of the second history return (day −1 is the last)
        for k in range(1, len(history)):  # (yesterday, today) pairs, logged on today's day
            self.log_.add(
                float(first + k - 1), DayReturn(first + k - 1, history[k - 1], history[k], 0.0)
            )

    def initial_model(self) -> Momentum:
        return self._least_squares(self.log_.window(self.env.now, self.training.window_days))

    def act(self, request: TradingDay) -> Order:
        p = self.params
        self._prediction = self.model_.intercept + self.model_.slope * request.last_return
        return Order(
            float(np.clip(p.aggressiveness * self._prediction, -p.position_limit, p.position_limit))
        )

    def fit(self, window: list[DayReturn]) -> Momentum | None:
        return self._least_squares(window) if window else None

    def _least_squares(self, window: list[DayReturn]) -> Momentum:
        if not window:  # a window shorter than a day holds no return: no momentum to follow
            return Momentum(0.0, 0.0)
        x = np.array([day.previous for day in window])  # yesterday's return ...
        y = np.array([self._target(day) for day in window])  # ... and what followed it
        var = float(x.var())
        slope = float(((x - x.mean()) * (y - y.mean())).mean() / var) if var > 0 else 0.0
        return Momentum(slope, float(y.mean() - slope * x.mean()))

    def _target(self, day: DayReturn) -> float:
        """What it learns to predict: the return, net of the order flow's impact if asked."""
        if self.params.learn_net_of_impact:
            return day.current - self.params.impact_estimate * day.net_order
        return day.current

    def retrain_detail(self, window: list[DayReturn]) -> Mapping[str, Any]:
        return {"rows": len(window)}

    def on_outcomes(self) -> None:
        day: DayReturn = self.bus.get(self.learning_inputs()[-1]).read(by=self.name)
        self._errors = [*self._errors[-(ERROR_DAYS - 1) :], abs(self._prediction - day.current)]
        rec, now = self.env.recorder, self.env.now
        rec.record(now, self.name, "prediction_error", float(np.mean(self._errors)))
        rec.record(now, self.name, "slope", self.model_.slope)
