"""Lending: a credit market whose applicants' scores move with the loans they get.

Scenario: ``lending_threshold`` (a threshold hand-set on day 0, re-tuned and equal-opportunity
thresholds on the lending environment of D'Amour et al. 2020, after Liu et al. 2018's delayed
impact). One day is ``applicants_per_day`` of the published steps, handled one at a time; the
lender re-decides (and its training pipeline re-fits) each morning.

World: ``lending`` (two groups, score distributions moved by repayments and defaults; pure
dynamics in ``dynamics``). System: ``lender`` (fixed, max-utility, re-tuned and equal-opportunity
threshold policies on the shared training pipeline). Contract: ``payloads``. Threshold fitting
lives in :mod:`sim.learn.lending`, closed forms in :mod:`sim.analysis.lending`.
"""

from __future__ import annotations

from sim.components.base import Family
from sim.components.lending.lender import Lender
from sim.components.lending.world import LendingWorld

__all__ = ["FAMILY"]

FAMILY = Family(name="lending", components=(LendingWorld, Lender), scenarios=("lending_threshold",))
