"""The lending world of Liu et al. (2018) as simulated by D'Amour et al. (FAT* 2020).

Truth: two groups, each a distribution over credit scores C ∈ {0..6}, and the repayment
probability π(C) = (0.1, 0.2, 0.45, 0.6, 0.65, 0.7, 0.7). Each step one applicant arrives, from
group 1 with probability ``group_1_prob``, with a score drawn from the group's *current*
distribution; the lender accepts or rejects; an accepted applicant repays with probability
π(C), which moves ``step`` (0.01) of the group's probability mass from C up one score, or
defaults, which moves it down one (never past the ends, never more mass than C holds); a
rejection changes nothing. A repaid loan earns ``interest_rate × loan_size``, a default loses
``loan_size``.

Time: a day is ``applicants_per_day`` steps. The lender answers each morning with a policy (an
acceptance probability per group and score); the world then takes the day's applicants one at
a time, in the published order (draw, decide, repay or default, move the mass, next applicant
from the updated distribution), and returns the day's loan log, where only granted loans show
an outcome. With ``applicants_per_day = 1`` the lender re-decides before every applicant, as
in the paper. The world records what only truth can say: the population TPR of the day's
policy per group, the groups' mean score and mean repayment probability, and the realised
share of would-be repayers who got a loan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.lending import population_tpr
from sim.components.base.legacy import World
from sim.components.lending_payloads import LendingPolicy, LendingTruth, LoanLog, LoanRequest
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus

__all__ = ["GROUPS", "Applicants", "LendingParams", "LendingWorld", "lend_applicants"]

GROUPS = ("group_1", "group_2")


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


@dataclass(frozen=True)
class Applicants:
    """One batch of applicants in arrival order, with what truth knows about each."""

    groups: np.ndarray  # (n,) int
    scores: np.ndarray  # (n,) int
    accepted: np.ndarray  # (n,) bool
    would_repay: np.ndarray  # (n,) bool, drawn for everyone (rejected ones included)


def lend_applicants(
    distributions: np.ndarray,
    accept: np.ndarray,
    repay_prob: np.ndarray,
    group_1_prob: float,
    step: float,
    uniforms: np.ndarray,
) -> Applicants:
    """Take ``len(uniforms)`` applicants one at a time; ``distributions`` is updated in place.

    Row i of ``uniforms`` (n, 4) decides applicant i: its group, its score (inverse CDF of
    the group's current distribution), the lender's coin (accept iff u < accept[g, C]) and
    whether it would repay (u < π(C)). Scalar Python on purpose: each applicant's score is
    drawn from the distribution its predecessors left, so the loop cannot be vectorised.
    """
    dist = distributions.tolist()
    acc = np.asarray(accept, dtype=float).tolist()
    pi = np.asarray(repay_prob, dtype=float).tolist()
    last = len(pi) - 1
    n = len(uniforms)
    groups, scores = [0] * n, [0] * n
    accepted, repays = [False] * n, [False] * n
    for i, (u_group, u_score, u_accept, u_repay) in enumerate(uniforms.tolist()):
        g = 0 if u_group < group_1_prob else 1
        d = dist[g]
        c, cum = 0, d[0]
        while u_score >= cum and c < last:
            c += 1
            cum += d[c]
        if d[c] <= 0.0:  # rounding left the draw past the last cell with mass
            c = max(j for j in range(last + 1) if d[j] > 0.0)
        ok = u_repay < pi[c]
        groups[i], scores[i], repays[i] = g, c, ok
        if u_accept < acc[g][c]:
            accepted[i] = True
            target = min(c + 1, last) if ok else max(c - 1, 0)
            moved = step if d[c] > step else d[c]
            d[c] -= moved
            d[target] += moved
    distributions[:] = dist
    return Applicants(
        np.array(groups, dtype=np.int64),
        np.array(scores, dtype=np.int64),
        np.array(accepted, dtype=bool),
        np.array(repays, dtype=bool),
    )


class LendingWorld(World):
    """Two groups of applicants whose scores move with the loans they get."""

    kind = "lending"
    Params = LendingParams

    def declare(self, bus: SignalBus) -> None:
        self.require_servers(0, 1, "one lender moves the population")
        self.requests_signal = bus.produce(f"{self.name}.requests", self.name)
        self.loans_signal = bus.produce(f"{self.name}.loans", self.name)
        self.truth_signal = bus.produce(f"{self.name}.truth", self.name)
        self.declare_answers(bus, "policy")

    def setup(self, env: Environment) -> None:
        super().setup(env)
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
        rec = env.recorder
        rec.declare("loans", "final", "cumulative loans granted to the group")
        rec.declare("profit", "final", "lender's cumulative profit (interest minus defaults)")
        rec.declare("approval_rate", "mean", "share of the day's applicants of the group funded")
        rec.declare("recall", "final", "share of the group's would-be repayers funded so far")
        rec.declare("tpr_gap", "mean", "population TPR of group 1 minus group 2 (day's policy)")
        rec.declare("repay_prob", "final", "mean repayment probability π over the group")
        rec.declare("mean_score", "final", "mean credit score of the group")

    def start(self) -> None:
        self.env.process(self._days())

    def _days(self) -> Process:
        env, p = self.env, self.params
        policy_signals = [self._bus.get(f"{s}.policy") for s in self.servers]
        k = len(self.repay_prob)
        yield env.timeout(0)  # let every process of this instant start listening first
        while True:
            self.truth_signal.publish(
                LendingTruth(self.repay_prob.copy(), self.distributions.copy(), self.shares.copy()),
                by=self.name,
            )
            answers = env.all_of([s.changed() for s in policy_signals])
            self.requests_signal.publish(
                LoanRequest(env.now, p.applicants_per_day, 2, k, p.interest_rate, p.loan_size),
                by=self.name,
            )
            accept = np.zeros((2, k))
            if policy_signals:
                yield answers
                policy: LendingPolicy = policy_signals[0].read(by=self.name)
                accept = np.clip(np.asarray(policy.accept, dtype=float), 0.0, 1.0)
            tpr = population_tpr(self.distributions, accept, self.repay_prob)
            uniforms = self.rng.random((p.applicants_per_day, 4))
            batch = lend_applicants(
                self.distributions, accept, self.repay_prob, p.group_1_prob, p.step, uniforms
            )
            repaid = batch.accepted & batch.would_repay
            self.loans_signal.publish(
                LoanLog(batch.groups, batch.scores, batch.accepted, repaid), by=self.name
            )
            self._record(batch, tpr)
            yield env.timeout(env.tick_days)

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
