"""Two trading systems moving one price: a hidden loop through market impact.

World (``trading_venue``): a log price ``p`` tracks a fundamental value ``v`` (a random walk).
Each day every trading system sends an order; the day's return is
``r_t = κ (v_{t−1} − p_{t−1}) + λ Σ_i q_{i,t} + noise``: reversion to the fundamental, the
price impact of the orders, and noise. Before day 0 the world publishes ``history_days`` of
returns with no traders in the market.

System (``momentum_trader``): predicts today's return from yesterday's, ``r̂_t = a + b r_{t−1}``,
by least squares on a sliding window of returns, and orders ``q = aggressiveness · r̂`` (capped
at ``position_limit``). Its own orders move the returns it learns from: ``b`` is pulled towards
``b_true + λ · aggressiveness · Σ b_i``, so the more traders adapt, the larger the gain. Each is
stable alone when ``λ · aggressiveness < 1``; two adaptive ones need ``2 λ · aggressiveness < 1``.
With ``learn_net_of_impact`` it subtracts the impact of the day's net order flow, which the venue
publishes, from the returns it learns from: the mitigation, which needs the dependency declared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.components.base.legacy import ServingSystem, World
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus

__all__ = ["DayReturn", "MomentumTrader", "TraderParams", "TradingVenue", "VenueParams"]


@dataclass(frozen=True)
class DayReturn:
    """One day on the venue: yesterday's and today's return, and today's net order flow."""

    previous: float
    current: float
    net_order: float


@dataclass(frozen=True)
class VenueParams:
    """The market: fundamental, reversion, impact and noise (per day, log-price units)."""

    fundamental_sd: float = param(0.01, ge=0, doc="daily sd of the fundamental value's steps")
    reversion: float = param(0.3, ge=0, le=1, doc="κ: share of the mispricing corrected daily")
    impact: float = param(1.0, ge=0, doc="λ: return per unit of net order")
    noise_sd: float = param(0.005, ge=0, doc="daily sd of noise-trader returns")
    history_days: int = param(250, ge=10, doc="days of trader-free returns before day 0")
    volatility_window: int = param(20, ge=2, doc="days in the rolling volatility")


class TradingVenue(World):
    """One price; orders in, returns out."""

    kind = "trading_venue"
    Params = VenueParams

    def declare(self, bus: SignalBus) -> None:
        self.requests_signal = bus.produce(f"{self.name}.requests", self.name)
        self.returns_signal = bus.produce(f"{self.name}.returns", self.name)
        self.history_signal = bus.produce(f"{self.name}.history", self.name)
        self.declare_answers(bus, "orders")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        self.price, self.value = 0.0, 0.0
        history = [self._step(0.0) for _ in range(self.params.history_days)]
        self.returns: list[float] = list(history)
        self.history_signal.publish(np.array(history), by=self.name)
        env.recorder.declare("volatility", "mean", "rolling sd of daily returns")
        env.recorder.declare("mispricing", "mean", "|price − fundamental value|")

    def _step(self, net_order: float) -> float:
        p = self.params
        r = (
            p.reversion * (self.value - self.price)
            + p.impact * net_order
            + p.noise_sd * self.rng.standard_normal()
        )
        self.value += p.fundamental_sd * self.rng.standard_normal()
        self.price += r
        return r

    def start(self) -> None:
        self.env.process(self._days())

    def _days(self) -> Process:
        env, rec = self.env, self.env.recorder
        order_signals = self.answer_signals("orders")
        window = self.params.volatility_window
        yield env.timeout(0)
        while True:
            orders = yield from self.ask(self.requests_signal, self.returns[-1], order_signals)
            net = float(sum(orders))
            r = self._step(net)
            self.returns.append(r)
            self.returns_signal.publish(DayReturn(self.returns[-2], r, net), by=self.name)
            rec.record(env.now, self.name, "volatility", float(np.std(self.returns[-window:])))
            rec.record(env.now, self.name, "mispricing", abs(self.price - self.value))
            yield env.timeout(env.tick_days)


@dataclass(frozen=True)
class TraderParams:
    """A trading system that learns yesterday-to-today return predictability."""

    serves: str = param("world", doc="the venue it trades on")
    inputs: tuple[str, ...] = param(["world.history", "world.returns"], doc="signals it reads")
    adaptive: bool = param(True, doc="retrain on new returns (false: keep the day-0 model)")
    window_days: int = param(250, ge=10, doc="returns in the sliding training window")
    every_days: int = param(5, ge=1, doc="retrain cadence")
    aggressiveness: float = param(0.6, ge=0, doc="order = aggressiveness × predicted return")
    position_limit: float = param(1e9, gt=0, doc="largest order, in absolute value")
    learn_net_of_impact: bool = param(
        False, doc="learn from returns minus the impact of the day's published order flow"
    )
    impact_estimate: float = param(1.0, ge=0, doc="λ̂ used to remove the order flow's impact")


class MomentumTrader(ServingSystem):
    """Predicts the next return from the last, trades on it, learns from what follows."""

    kind = "momentum_trader"
    Params = TraderParams

    def declare(self, bus: SignalBus) -> None:
        self.orders_signal = self.declare_system(bus, "orders")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        history = self._bus.get(f"{self.params.serves}.history").read(by=self.name)
        self._returns = list(history)  # what happened: the feature
        self._targets = list(history)  # what it learns to predict (net of impact, if asked)
        self._fit()
        self._errors: list[float] = []
        self._prediction = 0.0
        rec = env.recorder
        rec.declare("prediction_error", "mean", "rolling mean |predicted − realised return|")
        rec.declare("slope", "final", "learned b in r̂_t = a + b r_(t−1)")

    def _fit(self) -> None:
        n = min(self.params.window_days, len(self._returns) - 1)
        x = np.array(self._returns[-n - 1 : -1])  # yesterday's return ...
        y = np.array(self._targets[-n:])  # ... and what followed it
        var = float(x.var())
        self.slope_ = float(((x - x.mean()) * (y - y.mean())).mean() / var) if var > 0 else 0.0
        self.intercept_ = float(y.mean() - self.slope_ * x.mean())

    def start(self) -> None:
        self.env.process(self._trade())
        self.env.process(self._learn())

    def _trade(self) -> Process:
        requests = self._bus.get(f"{self.params.serves}.requests")
        p = self.params
        while True:
            yield requests.changed()
            last = requests.read(by=self.name)
            self._prediction = self.intercept_ + self.slope_ * last
            order = float(
                np.clip(p.aggressiveness * self._prediction, -p.position_limit, p.position_limit)
            )
            self.orders_signal.publish(order, by=self.name)

    def _learn(self) -> Process:
        returns = self._bus.get(self.params.inputs[-1])
        rec = self.env.recorder
        days = 0
        while True:
            yield returns.changed()
            day: DayReturn = returns.read(by=self.name)
            realised = day.current
            self._returns.append(realised)
            impact = self.params.impact_estimate * day.net_order
            self._targets.append(realised - impact if self.params.learn_net_of_impact else realised)
            self._errors = [*self._errors[-19:], abs(self._prediction - realised)]
            days += 1
            if self.params.adaptive and days % self.params.every_days == 0:
                self._fit()
            rec.record(self.env.now, self.name, "prediction_error", float(np.mean(self._errors)))
            rec.record(self.env.now, self.name, "slope", self.slope_)
