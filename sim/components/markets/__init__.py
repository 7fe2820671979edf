"""Markets: prices that the models which predict them move — two hidden feedback loops.

Scenarios: ``hidden_loop_adherence`` (Khritankov 2021: sellers adopt a price regressor's quotes,
so it learns from its own echo; the error it reports falls while its true error does not) and
``hidden_loop_trading`` (two momentum traders, each stable alone, amplify each other through
market impact).

Worlds: ``price_market`` (properties, true prices, adoption of quotes) and ``trading_venue`` (a
price tracking a random-walk fundamental, moved by the traders' orders). Systems:
``price_regressor`` (ridge regression on a sliding window of recorded prices) and
``momentum_trader`` (least squares of today's return on yesterday's), both on the shared
training pipeline; one tick is one day (a day of listings, a trading day). Contract:
``payloads``; pure dynamics: ``dynamics``.
"""

from __future__ import annotations

from sim.components.base import Family
from sim.components.markets.pricing import PriceMarket, PriceRegressor
from sim.components.markets.trading import MomentumTrader, TradingVenue

__all__ = ["FAMILY"]

FAMILY = Family(
    name="markets",
    components=(PriceMarket, PriceRegressor, TradingVenue, MomentumTrader),
    scenarios=("hidden_loop_adherence", "hidden_loop_trading"),
)
