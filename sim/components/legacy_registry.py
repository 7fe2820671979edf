"""TRANSITIONAL: kinds of components not yet moved into a family package.

Each family's move deletes its lines here; the file goes when the last one moves.
"""

from __future__ import annotations

from sim.components.demand import DemandWorld
from sim.components.forecaster import DemandForecaster
from sim.components.inventory import InventorySystem
from sim.components.lender import Lender
from sim.components.lending import LendingWorld
from sim.components.performative import PerformativeCoin, PerformativeGaussian, StrategicCredit
from sim.components.pricing import PriceMarket, PriceRegressor
from sim.components.rrm import RepeatedRiskMinimizer
from sim.components.trading import MomentumTrader, TradingVenue
from sim.engine.component import Component

__all__ = ["LEGACY"]

LEGACY: dict[str, dict[str, type[Component]]] = {
    "world": {
        "performative_gaussian": PerformativeGaussian,
        "performative_coin": PerformativeCoin,
        "strategic_credit": StrategicCredit,
        "price_market": PriceMarket,
        "trading_venue": TradingVenue,
        "demand": DemandWorld,
        "lending": LendingWorld,
    },
    "systems": {
        "demand_forecaster": DemandForecaster,
        "inventory": InventorySystem,
        "rrm": RepeatedRiskMinimizer,
        "price_regressor": PriceRegressor,
        "momentum_trader": MomentumTrader,
        "lender": Lender,
    },
}
