"""The registry: which ``kind`` names which component class, per scenario section."""

from __future__ import annotations

from sim.components.demand import DemandWorld
from sim.components.forecaster import DemandForecaster
from sim.components.interest import Interest
from sim.components.inventory import InventorySystem
from sim.components.marketplace import Marketplace
from sim.components.recommender import Recommender
from sim.engine.component import Component

__all__ = ["SECTIONS"]

SECTIONS: dict[str, dict[str, type[Component]]] = {
    "world": {"marketplace": Marketplace, "demand": DemandWorld, "interest": Interest},
    "systems": {
        "recommender": Recommender,
        "demand_forecaster": DemandForecaster,
        "inventory": InventorySystem,
    },
}
