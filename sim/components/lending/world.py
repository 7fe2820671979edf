"""The lending world of Liu et al. (2018) as simulated by D'Amour et al. (FAT* 2020).

Truth: two groups, each a distribution over credit scores C ∈ {0..6}, and the repayment
probability π(C) = (0.1, 0.2, 0.45, 0.6, 0.65, 0.7, 0.7). Each step one applicant arrives, from
group 1 with probability ``group_1_prob``, with a score drawn from the group's *current*
distribution; the lender accepts or rejects; an accepted applicant repays with probability
π(C), which moves ``step`` (0.01) of the group's probability mass from C up one score, or
defaults, which moves it down one (never past the ends, never more mass than C holds); a
rejection changes nothing. A repaid loan earns ``interest_rate × loan_size``, a default loses
``loan_size``.

Time: a day is ``applicants_per_day`` steps (one tick of the shared world loop). Each morning
the world publishes its truth (for oracle policies) and the day's request; the lender answers
with a policy (an acceptance probability per group and score); the world then takes the day's
applicants one at a time (:func:`~sim.components.lending.dynamics.lend_applicants`: draw,
decide, repay or default, move the mass, next applicant from the updated distribution), and
publishes the day's loan log, where only granted loans show an outcome. With
``applicants_per_day = 1`` the lender re-decides before every applicant, as in the paper. The
world records what only truth can say: the population TPR of the day's policy per group, the
groups' mean score and mean repayment probability, and the realised share of would-be repayers
who got a loan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.lending import population_tpr
from sim.components.base import World
from sim.components.lending.dynamics import GROUPS, Applicants, lend_applicants
from sim.components.lending.payloads import LendingPolicy, LendingTruth, LoanLog, LoanRequest
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.signals import SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["LendingParams", "LendingWorld"]


@dataclass(frozen=True)
class LendingParams:
    """The published lending environment (defaults: D'Amour et al. 2020, Liu et al. 2018)."""

    repay_prob: tuple[float, ...] = param(
        [0.1, 0.2, 0.45, 0.6, 0.65, 0.7, 0.7], ge=0, le=1, doc="π(C), repayment probability"
    )
    group_1_distribution: tuple[float, ...] = param(
        [0.0, 0.1, 0.1, 0.2, 0.3, 0.3, 0.0], ge=0, le=1, doc="group 1's initial score shares"
    )
    group_2_distribution: tuple[float, ...] = param(
        [0.1, 0.1, 0.2, 0.3, 0.3, 0.0, 0.0], ge=0, le=1, doc="group 2's initial score shares"
    )
    group_1_prob: float = param(0.5, ge=0, le=1, doc="chance an applicant is from group 1")
    step: float = param(0.01, gt=0, le=1, doc="probability mass one repayment/default moves")
    interest_rate: float = param(1.0, gt=0, doc="interest earned on a repaid loan, per unit")
    loan_size: float = param(1.0, gt=0, doc="size of every loan")
    applicants_per_day: int = param(100, ge=1, doc="applicants (steps) per day")

    def __post_init__(self) -> None:
        k = len(self.repay_prob)
        if k < 2:
            raise ConfigError(f"expected at least two scores, got {k}", path="repay_prob")
        for key in ("group_1_distribution", "group_2_distribution"):
            dist = getattr(self, key)
            if len(dist) != k:
                raise ConfigError(
                    f"expected {k} shares (one per score of repay_prob), got {len(dist)}", path=key
                )
            if abs(sum(dist) - 1.0) > 1e-6:
                raise ConfigError(f"shares must sum to 1, got {sum(dist):.6g}", path=key)


class LendingWorld(World):
    """Two groups of applicants whose scores move with the loans they get."""

    kind = "lending"
    Params = LendingParams
    answer = "policy"
    request_payload = LoanRequest
    answer_payload = LendingPolicy

    def resource_needs(self, wiring: Wiring) -> Needs:
        """Each day's applicants, and rows per group and score."""
        p = self.params
        return (
            super().resource_needs(wiring)
            + Needs.arrays((p.applicants_per_day, 8), copies=4)
            + Needs.per_tick(wiring, events=0, rows=4 * len(p.repay_prob))
        )

    def declare(self, bus: SignalBus) -> None:
        self.require_servers(0, 1, "one lender moves the population")
        self.declare_world(bus, ("loans", LoanLog), ("truth", LendingTruth))

    def on_setup(self) -> None:
        p = self.params
        self.distributions = np.array([p.group_1_distribution, p.group_2_distribution], float)
        self.distributions /= self.distributions.sum(axis=1, keepdims=True)
        self.repay_prob = np.array(p.repay_prob, dtype=float)
        self._scores = np.arange(len(self.repay_prob), dtype=float)
        self.shares = np.array([p.group_1_prob, 1.0 - p.group_1_prob])
        self.loans = np.zeros(2, dtype=np.int64)
        self.profit = 0.0
        self.repayers = np.zeros(2, dtype=np.int64)  # would-be repayers who applied
        self.funded_repayers = np.zeros(2, dtype=np.int64)  # … and got a loan
        rec = self.env.recorder
        rec.declare(
            "loans",
            "final",
            "cumulative loans granted to the group",
            unit="loans, cumulative",
            bounds=(0.0, None),
        )
        rec.declare(
            "profit",
            "final",
            "lender's cumulative profit (interest minus defaults)",
            unit="profit, cumulative",
        )
        rec.declare(
            "approval_rate",
            "mean",
            "share of the day's applicants of the group funded",
            unit="share of applicants",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "recall",
            "final",
            "share of the group's would-be repayers funded so far",
            unit="share of repayers",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "tpr_gap",
            "mean",
            "population TPR of group 1 minus group 2 (day's policy)",
            unit="TPR difference",
            bounds=(-1.0, 1.0),
        )
        rec.declare(
            "repay_prob",
            "final",
            "mean repayment probability π over the group",
            unit="repayment probability",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "mean_score",
            "final",
            "mean credit score of the group",
            unit="credit score",
            bounds=(0.0, None),
        )

    def make_request(self) -> LoanRequest:
        """Publish the morning's truth (oracle policies read it), then ask for a policy."""
        truth = LendingTruth(self.repay_prob.copy(), self.distributions.copy(), self.shares.copy())
        self.publish("truth", truth)
        p = self.params
        k = len(self.repay_prob)
        return LoanRequest(self.env.now, p.applicants_per_day, 2, k, p.interest_rate, p.loan_size)

    def resolve(self, request: LoanRequest, answers: Sequence[LendingPolicy]) -> None:
        p = self.params
        accept = np.zeros((request.n_groups, request.n_scores))
        if answers:
            accept = np.clip(np.asarray(answers[0].accept, dtype=float), 0.0, 1.0)
        tpr = population_tpr(self.distributions, accept, self.repay_prob)
        uniforms = self.rng.random((p.applicants_per_day, 4))
        batch = lend_applicants(
            self.distributions, accept, self.repay_prob, p.group_1_prob, p.step, uniforms
        )
        repaid = batch.accepted & batch.would_repay
        self.publish("loans", LoanLog(batch.groups, batch.scores, batch.accepted, repaid))
        self._record(batch, tpr)

    def _record(self, batch: Applicants, tpr: np.ndarray) -> None:
        rec, now, p = self.env.recorder, self.env.now, self.params
        who = self.servers[0] if self.servers else self.name
        # One count per (group, accepted, would repay): applicants, loans, repayers.
        code = batch.groups * 4 + batch.accepted * 2 + batch.would_repay
        cells = np.bincount(code, minlength=8).reshape(2, 2, 2)  # group × accepted × repays
        applied = cells.sum(axis=(1, 2))
        funded = cells[:, 1, :].sum(axis=1)
        wins = int(cells[:, 1, 1].sum())
        self.loans += funded
        self.repayers += cells[:, :, 1].sum(axis=1)
        self.funded_repayers += cells[:, 1, 1]
        self.profit += p.loan_size * (p.interest_rate * wins - (int(funded.sum()) - wins))
        rec.record_entities(now, who, "loans", GROUPS, self.loans)
        rec.record(now, who, "profit", self.profit)
        for g, group in enumerate(GROUPS):
            if applied[g] > 0:
                rec.record(now, who, "approval_rate", funded[g] / applied[g], group)
        rec.record_entities(
            now, who, "recall", GROUPS, self.funded_repayers / np.maximum(self.repayers, 1)
        )
        if np.isfinite(tpr).all():
            rec.record(now, who, "tpr_gap", tpr[0] - tpr[1])
        rec.record_entities(
            now, self.name, "repay_prob", GROUPS, self.distributions @ self.repay_prob
        )
        rec.record_entities(now, self.name, "mean_score", GROUPS, self.distributions @ self._scores)
