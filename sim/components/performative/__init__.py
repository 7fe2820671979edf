"""Performative prediction: deployed models move the data they are retrained on.

Scenarios: ``performative_prediction`` (Perdomo, Zrnic, Mendler-Dünner & Hardt, ICML 2020:
repeated risk minimisation converges when the world reacts weakly and diverges when it reacts
strongly — Gaussian mean, biased coin, strategic classification) and ``hidden_loop_two_models``
(two models, each stable alone, destabilise each other through the data they share).

Worlds: ``performative_gaussian`` (K coupled models), ``performative_coin`` and
``strategic_credit`` (applicants game the published weights). System: ``rrm`` (repeated risk
minimisation on the shared training pipeline). Where the papers count rounds, one round is one
day (``tick_days = 1``): ``training.every_days`` is the number of rounds between retrains.
Contract: ``payloads``; pure dynamics: ``dynamics``; closed forms (stable points, spectral
radius, expected paths): :mod:`sim.analysis.performative`.
"""

from __future__ import annotations

from sim.components.base import Family
from sim.components.performative.performative import (
    PerformativeCoin,
    PerformativeGaussian,
    StrategicCredit,
)
from sim.components.performative.rrm import RepeatedRiskMinimizer

__all__ = ["FAMILY"]

FAMILY = Family(
    name="performative",
    components=(PerformativeGaussian, PerformativeCoin, StrategicCredit, RepeatedRiskMinimizer),
    scenarios=("performative_prediction", "hidden_loop_two_models"),
)
