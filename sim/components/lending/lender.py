"""A lender: the threshold policies compared by D'Amour et al. (FAT* 2020) on the lending world.

Each morning the lender answers the world's request with an acceptance probability per
(group, score), from one of four policies:

- ``fixed``: a threshold hand-set on day 0 and never touched — ``threshold`` for every group
  (3 is the max-utility threshold on the initial distributions), or ``group_thresholds``, one
  per group (e.g. the equal-opportunity pair of day 0). A fraction randomises the score below.
- ``max_utility``: Liu et al.'s bank, which knows π: accept iff π(C) > 1/(1 + rate). An oracle
  policy of the published model: it reads ``world.truth`` (declared in ``inputs``).
- ``retuned``: the published max-reward agent: lend to everyone for ``burnin_steps``
  applicants, then every day re-fit one threshold to maximise the profit on its own loan log.
- ``equal_opportunity``: the published EO agent: after the burn-in, every day the per-group
  thresholds with equal true-positive rates that maximise profit on its own loan log (Hardt et
  al. 2016). With ``oracle = true`` the TPRs are those of the true current population
  (reads ``world.truth``), so the constraint holds exactly every day.

The loan log only shows the outcomes of granted loans: a lender that learns from it never
sees what the applicants it rejects would have done.

The shared training pipeline (``training``, default ``every_days = 1``: one re-fit each
morning, before the day's applicants, on every loan logged so far) runs the learning policies:
the deployed model is the thresholds; burn-in is version 1 and each fit after it a new version.
The fixed and oracle policies are rules: their configuration is version 1 and never retrains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.base import MLSystem, TrainingLog, TrainingParams
from sim.components.lending.dynamics import GROUPS
from sim.components.lending.loan_counts import LoanCountLog, LoanCounts
from sim.components.lending.payloads import LendingPolicy, LendingTruth, LoanLog, LoanRequest
from sim.core.errors import ConfigError
from sim.core.params import param, table
from sim.engine.signals import Contract
from sim.learn.lending import (
    acceptance,
    equal_opportunity_thresholds,
    expected_counts,
    max_utility_threshold,
)

__all__ = ["Lender", "LenderParams"]


@dataclass(frozen=True)
class LenderParams:
    """A lender: which threshold policy, and what it reads."""

    serves: str = param("world", doc="the lending world it answers")
    inputs: tuple[str, ...] = param(["world.loans"], doc="signals it reads (its loan log)")
    policy: Literal["fixed", "max_utility", "retuned", "equal_opportunity"] = param(
        "fixed", doc="fixed, max_utility, retuned or equal_opportunity"
    )
    threshold: float = param(
        3.0, ge=0, doc="fixed: the score threshold (2.3: C >= 3, 70% of C = 2)"
    )
    group_thresholds: tuple[float, ...] = param(
        [], ge=0, doc="fixed: one hand-set threshold per group (replaces threshold)"
    )
    oracle: bool = param(False, doc="equal_opportunity: equalise TPR on the true population")
    burnin_steps: int = param(200, ge=0, doc="learning policies: lend to every applicant first")
    training: TrainingParams = table(TrainingParams(every_days=1.0), doc="training pipeline")

    def __post_init__(self) -> None:
        loans, truth = f"{self.serves}.loans", f"{self.serves}.truth"
        if loans not in self.inputs:
            raise ConfigError(f"a lender reads its loan log: add {loans!r}", path="inputs")
        if self.oracle and self.policy != "equal_opportunity":
            raise ConfigError(
                f"oracle applies to policy 'equal_opportunity', not {self.policy!r}", path="oracle"
            )
        if self.group_thresholds and self.policy != "fixed":
            raise ConfigError(
                f"group_thresholds applies to policy 'fixed', not {self.policy!r}",
                path="group_thresholds",
            )
        if self.group_thresholds and len(self.group_thresholds) != len(GROUPS):
            raise ConfigError(
                f"expected {len(GROUPS)} thresholds, got {list(self.group_thresholds)!r}",
                path="group_thresholds",
            )
        if self.reads_truth and truth not in self.inputs:
            raise ConfigError(
                f"policy {self.policy!r}{' with oracle' if self.oracle else ''} reads the "
                f"world's truth: add {truth!r}",
                path="inputs",
            )
        if truth in self.inputs and not self.reads_truth:
            raise ConfigError(
                f"policy {self.policy!r} does not use {truth!r}; remove it", path="inputs"
            )

    @property
    def reads_truth(self) -> bool:
        """Whether the policy is an oracle of the published model."""
        return self.policy == "max_utility" or (self.policy == "equal_opportunity" and self.oracle)

    @property
    def learns(self) -> bool:
        """Whether the policy fits thresholds to its loan log (retuned, equal_opportunity)."""
        return self.policy == "retuned" or (self.policy == "equal_opportunity" and not self.oracle)


class Lender(MLSystem):
    """Threshold policy + loan log; publishes an acceptance table every morning.

    The deployed model ``model_`` is the per-group thresholds; the oracle policies decide from
    the world's truth at serve time and deploy their rule (NaN thresholds) as version 1.
    """

    kind = "lender"
    Params = LenderParams
    output = "policy"
    output_payload = LendingPolicy
    request_payload = LoanRequest
    log_: LoanCountLog

    def input_payload(self, signal: str) -> Contract | None:
        world = self.params.serves
        return {f"{world}.loans": LoanLog, f"{world}.truth": LendingTruth}.get(signal)

    def learning_inputs(self) -> tuple[str, ...]:
        return (f"{self.params.serves}.loans",)

    def make_log(self) -> TrainingLog:
        return LoanCountLog(self.training.window_days)

    def on_setup(self) -> None:
        self.seen_ = 0  # applicants logged so far
        self.terms_: LoanRequest | None = None  # the loan terms and table shape, from requests
        self.thresholds_ = np.zeros(len(GROUPS))  # the thresholds that served last
        self.env.recorder.declare(
            "threshold", "final", "the lender's threshold on the score", unit="credit score"
        )

    def initial_model(self) -> np.ndarray | None:
        p = self.params
        if p.policy == "fixed":
            return np.array(p.group_thresholds or [p.threshold] * len(GROUPS), dtype=float)
        if not p.learns:
            return np.full(len(GROUPS), np.nan)  # the oracle rule: decided from truth
        if p.burnin_steps > 0:
            return np.zeros(len(GROUPS))  # burn-in: lend to everyone
        return None  # no burn-in and no evidence yet: the first request rejects everyone

    def act(self, request: LoanRequest) -> LendingPolicy:
        if self.terms_ is None:
            self.log_.resize(request.n_groups, request.n_scores)
        self.terms_ = request
        accept = self._decide(request)
        self.env.recorder.record_entities(
            self.env.now, self.name, "threshold", GROUPS, self.thresholds_
        )
        return LendingPolicy(accept, self.thresholds_.copy())

    def _decide(self, request: LoanRequest) -> np.ndarray:
        p, k, rate, n = self.params, request.n_scores, request.interest_rate, request.n_groups
        if p.policy == "max_utility":
            truth = self._truth()
            accepted = truth.repay_prob > 1.0 / (1.0 + rate)  # pointwise, as published
            lowest = float(np.argmax(accepted)) if accepted.any() else float(k)
            self.thresholds_ = np.full(n, lowest)
            return np.tile(accepted.astype(float), (n, 1))
        if p.policy == "equal_opportunity" and p.oracle:
            truth = self._truth()
            repaid, defaulted = expected_counts(
                truth.distributions, truth.repay_prob, truth.group_shares
            )
            self.thresholds_ = equal_opportunity_thresholds(repaid, defaulted, rate)
        elif self.model_ is None:
            self.thresholds_ = self._fit_thresholds(self.log_.empty(), request)
        else:
            self.thresholds_ = np.asarray(self.model_, dtype=float)
        return acceptance(self.thresholds_, k)

    def _truth(self) -> LendingTruth:
        truth: LendingTruth = self.bus.get(f"{self.params.serves}.truth").read(by=self.name)
        return truth

    def on_logged(self, outcome: LoanLog) -> None:
        self.seen_ += len(outcome.groups)

    def fit(self, window: LoanCounts) -> np.ndarray | None:
        """Thresholds fitted to the window's loan counts; none during the burn-in."""
        if not self.params.learns or self.terms_ is None or self.seen_ < self.params.burnin_steps:
            return None
        return self._fit_thresholds(window, self.terms_)

    def _fit_thresholds(self, window: LoanCounts, terms: LoanRequest) -> np.ndarray:
        repaid, defaulted = window.repaid, window.defaulted
        if repaid.size == 0:  # nothing logged yet
            repaid = defaulted = np.zeros((terms.n_groups, terms.n_scores))
        rate = terms.interest_rate
        if self.params.policy == "retuned":
            t = max_utility_threshold(repaid.sum(axis=0), defaulted.sum(axis=0), rate)
            return np.full(terms.n_groups, t)
        return equal_opportunity_thresholds(repaid, defaulted, rate)

    def retrain_detail(self, window: LoanCounts) -> dict[str, int]:
        return {"rows": window.applicants}
