"""The registry: which ``kind`` names which component class, per scenario section."""

from __future__ import annotations

from sim.components.marketplace import Marketplace
from sim.components.recommender import Recommender
from sim.engine.component import Component

__all__ = ["SECTIONS"]

SECTIONS: dict[str, dict[str, type[Component]]] = {
    "world": {"marketplace": Marketplace},
    "systems": {"recommender": Recommender},
}
