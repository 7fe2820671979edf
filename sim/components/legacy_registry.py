"""TRANSITIONAL: kinds of components not yet moved into a family package.

Each family's move deletes its lines here; the file goes when the last one moves.
"""

from __future__ import annotations

from sim.components.attention_allocator import AttentionAllocator
from sim.components.attention_sites import AttentionSites
from sim.components.classifier import Classifier
from sim.components.community import Community
from sim.components.community_recommender import CommunityRecommender
from sim.components.demand import DemandWorld
from sim.components.districts import Districts
from sim.components.forecaster import DemandForecaster
from sim.components.inventory import InventorySystem
from sim.components.lender import Lender
from sim.components.lending import LendingWorld
from sim.components.tabular import Tabular
from sim.components.urn_policing import UrnPolicing
from sim.engine.component import Component

__all__ = ["LEGACY"]

LEGACY: dict[str, dict[str, type[Component]]] = {
    "world": {
        "tabular": Tabular,
        "community": Community,
        "demand": DemandWorld,
        "lending": LendingWorld,
        "districts": Districts,
        "attention_sites": AttentionSites,
    },
    "systems": {
        "community_recommender": CommunityRecommender,
        "demand_forecaster": DemandForecaster,
        "inventory": InventorySystem,
        "classifier": Classifier,
        "urn_policing": UrnPolicing,
        "lender": Lender,
        "attention_allocator": AttentionAllocator,
    },
}
