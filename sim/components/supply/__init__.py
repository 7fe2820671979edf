"""Supply: stores × products whose sales are censored by the stock another team's system chose.

Scenario: ``hidden_feedback_loop`` (a demand forecaster learns from sales censored by the
inventory system's stock: a hidden loop across two teams; holdout stores and a
censoring-aware estimator break it). One tick is one day of trading.

World: ``demand`` (Poisson demand, sales capped by stock; pure dynamics in ``dynamics``).
Systems: ``demand_forecaster`` (sales in, forecast out, on the shared training pipeline) and
``inventory`` (an order-up-to rule that stocks shelves from the forecast; its configuration is
its version 1). Contract: ``payloads``. The censored-Poisson learner is in
:mod:`sim.learn.censored_poisson`.
"""

from __future__ import annotations

from sim.components.base import Family
from sim.components.supply.demand import DemandWorld
from sim.components.supply.forecaster import DemandForecaster
from sim.components.supply.inventory import InventorySystem

__all__ = ["FAMILY"]

FAMILY = Family(
    name="supply",
    components=(DemandWorld, DemandForecaster, InventorySystem),
    scenarios=("hidden_feedback_loop",),
)
