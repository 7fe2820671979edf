"""An inventory system (another team's ML system): stocks shelves from the demand forecast.

Each morning it reads the latest published forecast and puts ``ceil(safety_factor × forecast)``
units of each perishable product on each shelf (unsold stock is wasted at night). It never sees
demand either. ``holdout_store_share`` of stores (drawn once) are stocked amply
(``ample_factor × forecast + ample_extra``) so that their sales reveal demand — the mitigation
that needs the two teams to talk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.components.base.legacy import ServingSystem
from sim.components.demand import StockPlan
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus

__all__ = ["InventoryParams", "InventorySystem"]


@dataclass(frozen=True)
class InventoryParams:
    """An order-up-to inventory policy for perishable goods."""

    serves: str = param("world", doc="the world whose shelves it stocks")
    inputs: tuple[str, ...] = param(["forecaster.forecast"], doc="the forecast it orders from")
    safety_factor: float = param(1.0, gt=0, doc="stock = ceil(safety_factor × forecast)")
    holdout_store_share: float = param(0.0, ge=0, le=1, doc="share of stores stocked amply")
    ample_factor: float = param(3.0, ge=1, doc="holdout stock = ample_factor × forecast + extra")
    ample_extra: float = param(10.0, ge=0, doc="extra units on holdout shelves")


class InventorySystem(ServingSystem):
    """Forecast in, stock out."""

    kind = "inventory"
    Params = InventoryParams

    def declare(self, bus: SignalBus) -> None:
        self.stock_signal = self.declare_system(bus, "stock")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        self.holdout_stores: np.ndarray | None = None  # drawn when the first forecast arrives

    def _draw_holdout(self, stores: int) -> np.ndarray:
        n_holdout = round(self.params.holdout_store_share * stores)
        holdout = np.zeros(stores, dtype=bool)
        holdout[self.rng.permutation(stores)[:n_holdout]] = True
        return holdout

    def start(self) -> None:
        self.env.process(self._stock_shelves())

    def _stock_shelves(self) -> Process:
        opens = self._bus.get(f"{self.params.serves}.requests")
        forecast_signal = self._bus.get(self.params.inputs[0])
        p = self.params
        while True:
            yield opens.changed()
            opens.read(by=self.name)
            forecast = np.asarray(forecast_signal.read(by=self.name), dtype=float)
            if self.holdout_stores is None:
                self.holdout_stores = self._draw_holdout(forecast.shape[0])
            stock = np.ceil(p.safety_factor * forecast)
            ample = np.ceil(p.ample_factor * forecast + p.ample_extra)
            stock[self.holdout_stores] = ample[self.holdout_stores]
            self.stock_signal.publish(StockPlan(stock, self.holdout_stores), by=self.name)
