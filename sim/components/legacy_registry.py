"""TRANSITIONAL: kinds of components not yet moved into a family package.

Each family's move deletes its lines here; the file goes when the last one moves.
"""

from __future__ import annotations

from sim.components.attention_allocator import AttentionAllocator
from sim.components.attention_sites import AttentionSites
from sim.components.classifier import Classifier
from sim.components.community import Community
from sim.components.community_recommender import CommunityRecommender
from sim.components.districts import Districts
from sim.components.performative import PerformativeCoin, PerformativeGaussian, StrategicCredit
from sim.components.pricing import PriceMarket, PriceRegressor
from sim.components.rrm import RepeatedRiskMinimizer
from sim.components.tabular import Tabular
from sim.components.trading import MomentumTrader, TradingVenue
from sim.components.urn_policing import UrnPolicing
from sim.engine.component import Component

__all__ = ["LEGACY"]

LEGACY: dict[str, dict[str, type[Component]]] = {
    "world": {
        "performative_gaussian": PerformativeGaussian,
        "performative_coin": PerformativeCoin,
        "strategic_credit": StrategicCredit,
        "price_market": PriceMarket,
        "trading_venue": TradingVenue,
        "tabular": Tabular,
        "community": Community,
        "districts": Districts,
        "attention_sites": AttentionSites,
    },
    "systems": {
        "community_recommender": CommunityRecommender,
        "rrm": RepeatedRiskMinimizer,
        "price_regressor": PriceRegressor,
        "momentum_trader": MomentumTrader,
        "classifier": Classifier,
        "urn_policing": UrnPolicing,
        "attention_allocator": AttentionAllocator,
    },
}
