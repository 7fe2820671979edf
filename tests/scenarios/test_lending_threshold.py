"""The lending environment of D'Amour et al. (FAT* 2020): thresholds on a population that moves.

200 days × 100 applicants = the published 20,000 steps, 16 worlds per variant, paired: replicate
r of every variant sees the same applicants' group draws, score draws, lender coins and
repayment draws, so a difference between variants is the policy's doing.

What the paper reports and what this model does (each test says which): the equal-opportunity
agent gives the disadvantaged group 2 more loans, sometimes through a lower threshold than the
max-reward agent, and moves group 2's credit scores lower; per-step equal opportunity does not
give equal TPRs in aggregate. On top: the hand-set C >= 3 is the max-utility rule itself, so
re-tuning it buys nothing; the pool above any fixed threshold drains; a fairness threshold pair
set on day 0 decays as the population moves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.lending import expected_step_profit
from sim.analysis.summary import mean_ci
from sim.learn.lending import acceptance
from tests.scenarios.quick_checks import last, run_quick, window

SEEDS, DAYS = 16, 200
PI = np.array([0.1, 0.2, 0.45, 0.6, 0.65, 0.7, 0.7])
MU = np.array([[0.0, 0.1, 0.1, 0.2, 0.3, 0.3, 0.0], [0.1, 0.1, 0.2, 0.3, 0.3, 0.0, 0.0]])


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    return sim.run("lending_threshold", reps=SEEDS, horizon_days=DAYS, jobs=2).metrics


@pytest.fixture(scope="module")
def final(metrics: pd.DataFrame) -> pd.DataFrame:
    last = metrics[metrics.day == DAYS - 1]
    return last.pivot_table(
        index="replicate", columns=["metric", "entity", "variant"], values="value"
    )


def _daily(metrics: pd.DataFrame, metric: str, entity: str = "") -> pd.DataFrame:
    rows = metrics[(metrics.metric == metric) & (metrics.entity == entity)]
    return rows.pivot_table(index=["variant", "replicate"], columns="day", values="value")


def _window(metrics: pd.DataFrame, metric: str, entity: str, first: int, last: int) -> pd.DataFrame:
    """Per replicate and variant, the mean of a daily metric over days first..last."""
    rows = metrics[
        (metrics.metric == metric)
        & (metrics.entity == entity)
        & (metrics.day >= first)
        & (metrics.day <= last)
    ]
    return rows.pivot_table(index="replicate", columns="variant", values="value", aggfunc="mean")


def test_the_hand_set_threshold_is_the_max_utility_rule(metrics):
    """π(C) never changes, so 'C >= 3 set on day 0' and 'π(C) > 1/(1 + rate)' decide alike for
    every applicant of every day: the two variants' frames are identical, world by world."""
    a = metrics[metrics.variant == "fixed"].drop(columns="variant").reset_index(drop=True)
    b = metrics[metrics.variant == "max_utility"].drop(columns="variant").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_a_fixed_threshold_drains_the_pool_it_lends_to(metrics, final):
    """The baseline's decay (this model; not a claim of the paper). A default at 3 falls to 2,
    where rejection changes nothing: the approval rate of days 180-199 is below 60% of days
    2-21 in every world (measured: about 30%), and both groups' mean repayment probability
    falls by more than 0.04 in every world (measured: 0.12 and 0.08)."""
    early = _window(metrics, "approval_rate", "group_1", 2, 21)
    late = _window(metrics, "approval_rate", "group_1", 180, 199)
    ratio = late["fixed"] / early["fixed"]
    assert (ratio < 0.6).all() and ratio.mean() < 0.4
    for group, day0 in (("group_1", 0.59), ("group_2", 0.495)):
        assert (final["repay_prob", group, "fixed"] < day0 - 0.04).all()
    gap = _daily(metrics, "tpr_gap").loc["fixed"]
    np.testing.assert_allclose(gap[0.0], 0.525 / 0.59 - 0.375 / 0.495)  # closed form, day 0


def test_retuning_the_max_utility_threshold_finds_the_same_threshold(metrics, final):
    """Fixed vs re-tuned as the distributions move (this model). The re-tuned lender (the
    published max-reward agent) re-fits on its own loans every day and ends at the fixed
    threshold, 3, in at least 70% of worlds (over 100 worlds, see the slow test: about 80%,
    and about 15% lock at 4, where it never sees a loan at 3 again). Its pool drains just as
    much: the late approval rate differs from the fixed threshold's by less than 0.03 on
    average."""
    threshold = final["threshold", "group_1", "retuned"]
    assert (threshold == 3.0).mean() >= 0.7
    late = _window(metrics, "approval_rate", "group_1", 180, 199)
    assert abs((late["retuned"] - late["fixed"]).mean()) < 0.03


def test_equal_opportunity_lends_more_to_group_2_and_lowers_its_credit(metrics, final):
    """Published (D'Amour et al.): the EO agent gives group 2 more loans, applying a lower
    threshold to it than the max-reward agent, and group 2 ends with lower credit scores.
    Here, learned agents paired world by world: the 95% CI of the EO − max-reward difference
    in group 2's loans is above 0, in its final repayment probability and mean score below 0;
    EO's group-2 threshold (days 2-199) is below its group-1 threshold in every world. With
    truth instead of loan logs (oracle EO vs max utility) it holds in every single world."""
    loans = final["loans", "group_2", "equal_opportunity"] - final["loans", "group_2", "retuned"]
    assert mean_ci(loans.to_numpy())[1] > 0
    for metric in ("repay_prob", "mean_score"):
        diff = final[metric, "group_2", "equal_opportunity"] - final[metric, "group_2", "retuned"]
        assert mean_ci(diff.to_numpy())[2] < 0
    g1 = _window(metrics, "threshold", "group_1", 2, DAYS - 1)["equal_opportunity"]
    g2 = _window(metrics, "threshold", "group_2", 2, DAYS - 1)["equal_opportunity"]
    assert (g2 < g1).all()
    oracle, util = "oracle_equal_opportunity", "max_utility"
    assert (final["loans", "group_2", oracle] > final["loans", "group_2", util]).all()
    assert (final["repay_prob", "group_2", oracle] < final["repay_prob", "group_2", util]).all()


def test_per_step_equal_opportunity_on_the_loan_log_is_not_equal_opportunity(metrics, final):
    """Published: equal TPR enforced at each step is not equal TPR in aggregate. Here it
    depends on where the TPR is measured. The published agent equalises it on its own loan
    log: on the population its daily TPR gap averages more than 0.03 in absolute value over
    days 100-199, and its aggregate recall (share of would-be repayers funded) differs
    between groups by more than 0.03 on average. Equalised on the true population every day
    (oracle), the daily gap is 0 to rounding and the aggregate gap stays below 0.02."""
    daily = _daily(metrics, "tpr_gap")
    late = daily.loc[:, 100.0:]
    assert late.loc["equal_opportunity"].abs().mean(axis=1).mean() > 0.03
    assert daily.loc["oracle_equal_opportunity"].abs().to_numpy().max() < 1e-9

    def recall_gap(variant: str) -> pd.Series:
        return (final["recall", "group_1", variant] - final["recall", "group_2", variant]).abs()

    assert recall_gap("equal_opportunity").mean() > 0.03
    assert (recall_gap("oracle_equal_opportunity") < 0.02).all()


def test_a_day0_equal_opportunity_pair_decays_and_retuning_on_the_population_holds(metrics):
    """Threshold decay proper (this model). The pair (3, 2.2726) equalises TPR on the day-0
    population; held fixed while the population moves, its TPR gap is below −0.05 on day 199
    in every world and below −0.15 on average (measured −0.24). Re-tuned every day on the
    current population it stays at 0."""
    daily = _daily(metrics, "tpr_gap")
    fixed = daily.loc["fixed_equal_opportunity"]
    assert fixed[0.0].abs().max() < 1e-3
    assert (fixed[float(DAYS - 1)] < -0.05).all() and fixed[float(DAYS - 1)].mean() < -0.15
    assert daily.loc["oracle_equal_opportunity"][float(DAYS - 1)].abs().max() < 1e-9


def test_lending_below_the_max_utility_threshold_pays_later(final):
    """This model's dynamic lesson. On day 0 the equal-opportunity pair earns less per applicant
    than C >= 3 (closed form: 0.19273 vs 0.2), yet over 20,000 applicants it earns more in at
    least 90% of worlds: group 2's score-2 applicants who repay climb back into the pool.
    Group 1 is treated identically by both, so its loans are equal in every world."""
    day0 = {
        name: expected_step_profit(MU, acceptance(t, 7), PI, [0.5, 0.5], rate=1.0)
        for name, t in (("fixed", [3.0, 3.0]), ("pair", [3.0, 2.2726]))
    }
    assert day0["pair"] < day0["fixed"] - 0.005
    more = final["profit", "", "fixed_equal_opportunity"] > final["profit", "", "fixed"]
    assert more.mean() >= 0.9
    pd.testing.assert_series_equal(
        final["loans", "group_1", "fixed_equal_opportunity"],
        final["loans", "group_1", "fixed"],
        check_names=False,
    )


@pytest.mark.slow
def test_one_applicant_per_step_gives_the_same_picture():
    """The paper's order exactly: the agents re-decide before every applicant (1 applicant per
    day, 20,000 days). Over 4 paired worlds the published comparison holds (EO gives group 2
    more loans and leaves it a lower repayment probability, on average), and group 2's loans
    under each agent are within 15% of the 100-applicants-per-day runs."""
    per_step = sim.run(
        "lending_threshold",
        variants=["retuned", "equal_opportunity"],
        reps=4,
        horizon_days=20_000,
        overrides=["world.applicants_per_day=1"],
        jobs=2,
    ).metrics
    batched = sim.run(
        "lending_threshold", variants=["retuned", "equal_opportunity"], reps=4, jobs=2
    ).metrics

    def last(frame: pd.DataFrame, metric: str) -> pd.Series:
        rows = frame[(frame.metric == metric) & (frame.entity == "group_2")]
        rows = rows[rows.day == rows.day.max()]
        return rows.groupby("variant")["value"].mean()

    loans, repay = last(per_step, "loans"), last(per_step, "repay_prob")
    assert loans["equal_opportunity"] > loans["retuned"]
    assert repay["equal_opportunity"] < repay["retuned"]
    ratio = loans / last(batched, "loans")
    assert ((ratio > 0.85) & (ratio < 1.15)).all()


@pytest.mark.slow
def test_the_retuned_threshold_sometimes_locks_itself_out_of_evidence():
    """Over 100 worlds (measured: 82% end at 3, 15% at 4, 3% still at 2 on day 199). A lender
    that stops lending at 3 never observes a repayment at 3 again, so it stays at 4: between 5%
    and 30% of worlds, and each of them earns less than the fixed threshold in the same world.
    At least 65% of worlds end at the fixed threshold, 3."""
    frame = sim.run(
        "lending_threshold", variants=["fixed", "retuned"], reps=100, seed=7, jobs=2
    ).metrics
    last = frame[frame.day == frame.day.max()]
    final = last.pivot_table(
        index="replicate", columns=["metric", "entity", "variant"], values="value"
    )
    threshold = final["threshold", "group_1", "retuned"]
    assert (threshold == 3.0).mean() >= 0.65
    locked = threshold == 4.0
    assert 0.05 <= locked.mean() <= 0.30
    profit = final["profit", ""]
    assert (profit["retuned"][locked] < profit["fixed"][locked]).all()


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("lending_threshold")
    early = window(m, "approval_rate", "group_1", 2, 21)
    late = window(m, "approval_rate", "group_1", m.day.max() - 19, m.day.max())
    assert (late["fixed"] / early["fixed"]).mean() < 0.5  # the pool drains
    gap = last(m, "tpr_gap")
    assert (gap["fixed_equal_opportunity"] < -0.03).all()  # a day-0 fair pair decays ...
    assert gap["oracle_equal_opportunity"].abs().max() < 1e-9  # ... re-tuning keeps it fair
