"""TRANSITIONAL: kinds of components not yet moved into a family package.

Each family's move deletes its lines here; the file goes when the last one moves.
"""

from __future__ import annotations

from sim.components.demand import DemandWorld
from sim.components.forecaster import DemandForecaster
from sim.components.inventory import InventorySystem
from sim.components.lender import Lender
from sim.components.lending import LendingWorld
from sim.engine.component import Component

__all__ = ["LEGACY"]

LEGACY: dict[str, dict[str, type[Component]]] = {
    "world": {
        "demand": DemandWorld,
        "lending": LendingWorld,
    },
    "systems": {
        "demand_forecaster": DemandForecaster,
        "inventory": InventorySystem,
        "lender": Lender,
    },
}
