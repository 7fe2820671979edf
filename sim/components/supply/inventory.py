"""An inventory system (another team's system): stocks shelves from the demand forecast.

Each morning it reads the latest published forecast and puts ``ceil(safety_factor × forecast)``
units of each perishable product on each shelf (unsold stock is wasted at night). It never sees
demand either. ``training.holdout_share`` of stores (drawn once, at the first opening) are
stocked amply (``ample_factor × forecast + ample_extra``) so that their sales reveal demand — the
mitigation that needs the two teams to talk.

A rule, not a learned model: its configuration is deployed as version 1 at time 0 and it never
retrains (its ``training`` table takes only ``holdout_share``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.components.base import MLSystem, TrainingParams
from sim.components.supply.payloads import Forecast, StockPlan, StoreDay
from sim.core.errors import ConfigError
from sim.core.params import param, table
from sim.engine.signals import Contract
from sim.engine.wiring import Wiring

__all__ = ["InventoryParams", "InventorySystem"]


@dataclass(frozen=True)
class InventoryParams:
    """An order-up-to inventory policy for perishable goods."""

    serves: str = param("world", doc="the world whose shelves it stocks")
    inputs: tuple[str, ...] = param(["forecaster.forecast"], doc="the forecast it orders from")
    safety_factor: float = param(1.0, gt=0, doc="stock = ceil(safety_factor × forecast)")
    ample_factor: float = param(3.0, ge=1, doc="holdout stock = ample_factor × forecast + extra")
    ample_extra: float = param(10.0, ge=0, doc="extra units on holdout shelves")
    training: TrainingParams = table(
        TrainingParams(every_days=0.0), doc="holdout_share: share of stores stocked amply"
    )


class InventorySystem(MLSystem):
    """Forecast in, stock out."""

    kind = "inventory"
    Params = InventoryParams
    output = "stock"
    output_payload = StockPlan
    request_payload = StoreDay
    training_options = frozenset({"holdout_share"})
    moved_keys: ClassVar[Mapping[str, str]] = {"holdout_store_share": "training.holdout_share"}

    def input_payload(self, signal: str) -> Contract | None:
        return Forecast if signal == self.params.inputs[0] else None

    def validate_wiring(self, wiring: Wiring) -> None:
        """It stocks from exactly one forecast."""
        super().validate_wiring(wiring)
        if len(self.params.inputs) != 1:
            raise ConfigError(
                f"expected exactly one forecast signal, got {list(self.params.inputs)!r}",
                path="inputs",
            )

    def learning_inputs(self) -> tuple[str, ...]:
        return ()  # it learns nothing: the forecast is read when the shelves are stocked

    def on_setup(self) -> None:
        self.holdout_stores_: np.ndarray | None = None  # drawn at the first opening

    def initial_model(self) -> InventoryParams:
        return self.params  # the rule's configuration

    def _draw_holdout(self, stores: int) -> np.ndarray:
        n_holdout = round(self.training.holdout_share * stores)
        holdout = np.zeros(stores, dtype=bool)
        holdout[self.rng.permutation(stores)[:n_holdout]] = True
        return holdout

    def act(self, request: StoreDay) -> StockPlan:
        rule: InventoryParams = self.model_
        forecast: Forecast = self.bus.get(self.params.inputs[0]).read(by=self.name)
        rate_hat = np.asarray(forecast.rate_hat, dtype=float)
        if self.holdout_stores_ is None:
            self.holdout_stores_ = self._draw_holdout(rate_hat.shape[0])
        stock = np.ceil(rule.safety_factor * rate_hat)
        ample = np.ceil(rule.ample_factor * rate_hat + rule.ample_extra)
        stock[self.holdout_stores_] = ample[self.holdout_stores_]
        return StockPlan(stock, self.holdout_stores_)
