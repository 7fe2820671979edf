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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.base.legacy import ServingSystem
from sim.components.lending_payloads import LendingPolicy, LendingTruth, LoanLog, LoanRequest
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus
from sim.learn.lending import (
    acceptance,
    equal_opportunity_thresholds,
    expected_counts,
    max_utility_threshold,
)

__all__ = ["Lender", "LenderParams"]

_GROUPS = ("group_1", "group_2")


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
        if self.group_thresholds and len(self.group_thresholds) != len(_GROUPS):
            raise ConfigError(
                f"expected {len(_GROUPS)} thresholds, got {list(self.group_thresholds)!r}",
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


class Lender(ServingSystem):
    """Threshold policy + loan log; publishes an acceptance table every morning."""

    kind = "lender"
    Params = LenderParams

    def declare(self, bus: SignalBus) -> None:
        self.policy_signal = self.declare_system(bus, "policy")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        self.repaid_: np.ndarray | None = None  # (groups, scores), sized by the first request
        self.defaulted_: np.ndarray | None = None
        self.seen_ = 0  # applicants so far
        self.thresholds_ = np.zeros(len(_GROUPS))
        env.recorder.declare("threshold", "final", "the lender's threshold on the score")

    def start(self) -> None:
        self.env.process(self._serve())
        self.env.process(self._learn())

    def _serve(self) -> Process:
        requests = self._bus.get(f"{self.params.serves}.requests")
        while True:
            yield requests.changed()
            request: LoanRequest = requests.read(by=self.name)
            accept = self._decide(request)
            self.env.recorder.record_entities(
                self.env.now, self.name, "threshold", _GROUPS, self.thresholds_
            )
            self.policy_signal.publish(LendingPolicy(accept, self.thresholds_.copy()), by=self.name)

    def _decide(self, request: LoanRequest) -> np.ndarray:
        p, k, rate = self.params, request.n_scores, request.interest_rate
        n = request.n_groups
        repaid, defaulted = self._log_counts(request)
        if p.policy == "fixed":
            self.thresholds_ = np.array(p.group_thresholds or [p.threshold] * n, dtype=float)
        elif p.policy == "max_utility":
            truth: LendingTruth = self._truth()
            accepted = truth.repay_prob > 1.0 / (1.0 + rate)  # pointwise, as published
            lowest = float(np.argmax(accepted)) if accepted.any() else float(k)
            self.thresholds_ = np.full(n, lowest)
            return np.tile(accepted.astype(float), (n, 1))
        elif p.policy == "equal_opportunity" and p.oracle:
            truth = self._truth()
            repaid, defaulted = expected_counts(
                truth.distributions, truth.repay_prob, truth.group_shares
            )
            self.thresholds_ = equal_opportunity_thresholds(repaid, defaulted, rate)
        elif self.seen_ < p.burnin_steps:
            self.thresholds_ = np.zeros(n)  # burn-in: lend to everyone
        elif p.policy == "retuned":
            t = max_utility_threshold(repaid.sum(axis=0), defaulted.sum(axis=0), rate)
            self.thresholds_ = np.full(n, t)
        else:
            self.thresholds_ = equal_opportunity_thresholds(repaid, defaulted, rate)
        return acceptance(self.thresholds_, k)

    def _log_counts(self, request: LoanRequest) -> tuple[np.ndarray, np.ndarray]:
        """The (repaid, defaulted) counts of the loan log, sized by the first request."""
        if self.repaid_ is None or self.defaulted_ is None:
            self.repaid_ = np.zeros((request.n_groups, request.n_scores))
            self.defaulted_ = np.zeros((request.n_groups, request.n_scores))
        return self.repaid_, self.defaulted_

    def _truth(self) -> LendingTruth:
        return self._bus.get(f"{self.params.serves}.truth").read(by=self.name)

    def _learn(self) -> Process:
        log_signal = self._bus.get(f"{self.params.serves}.loans")
        while True:
            yield log_signal.changed()
            log: LoanLog = log_signal.read(by=self.name)
            self.seen_ += len(log.groups)
            if self.repaid_ is None or self.defaulted_ is None:
                continue
            won = log.accepted & log.repaid
            lost = log.accepted & ~log.repaid
            np.add.at(self.repaid_, (log.groups[won], log.scores[won]), 1.0)
            np.add.at(self.defaulted_, (log.groups[lost], log.scores[lost]), 1.0)
