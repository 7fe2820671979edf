"""Data validation at the boundary: bad feed data quarantined instead of served and learnt.

Default run (a few seconds): 3 paired seeds, 77 days. The fault lasts days 35 to 48; "after" is
days 49 to 76 (400 rows a day). Tolerances, against the clean run of the same seed: every
unvalidated fault costs more than 0.01 nats a day while it lasts and more than 0.003 after it,
in every world (the model retrained on the bad data); with validation the loss after the fault
is within 0.002 of clean on average; during the fault the unit change costs less than half as
much, the frozen feed less on average (by more than 0.005) and never more than 0.002 above it (a
feed frozen near its mean costs what serving the mean costs), the null spike no more (+0.001);
the validated variants quarantine every batch of the fault and no clean batch (false-quarantine
rate below 1%). The slow test repeats this over the scenario's 20 seeds and 84 days.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from tests.scenarios.quick_checks import most, run_quick, window

FAULTS = ("unit_change", "null_spike", "frozen_feed")
START, END = 35, 49


def excess(m: pd.DataFrame, first: float, last: float) -> pd.DataFrame:
    """Replicate × variant mean loss over days [first, last] minus the clean run's."""
    loss = window(m, "loss", "", first, last)
    return loss.sub(loss["clean"], axis=0)


def check_validation(m: pd.DataFrame, horizon: float) -> None:
    during = excess(m, START, END - 1)
    after = excess(m, END, horizon - 1)
    for fault in FAULTS:
        assert (during[fault] > 0.01).all(), fault  # the debt, while the feed is bad ...
        assert (after[fault] > 0.003).all(), fault  # ... and after: it was trained on
        assert abs(after[f"{fault}_validated"].mean()) < 0.002, fault  # quarantined instead
    assert (during["unit_change_validated"] < during["unit_change"] / 2).all()
    frozen = during["frozen_feed_validated"] - during["frozen_feed"]
    assert frozen.mean() < -0.005 and (frozen < 0.002).all()  # a feed frozen near its mean
    # costs what serving the mean costs
    assert (during["null_spike_validated"] <= during["null_spike"] + 0.001).all()
    quarantined = window(m, "quarantined", "", START, END - 1)
    for fault in FAULTS:
        assert (quarantined[f"{fault}_validated"] == 1).all()
    clean = window(m, "quarantined", "", 0, horizon)
    assert clean["clean_validated"].mean() < 0.01  # false quarantines on clean data


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    return sim.run(
        "data_validation", reps=3, horizon_days=77, jobs=2, overrides=["world.rows_per_day=400"]
    ).metrics


def test_validation_quarantines_bad_batches(metrics):
    check_validation(metrics, 77)


@pytest.mark.slow
def test_over_twenty_seeds() -> None:
    m = sim.run("data_validation", jobs=2).metrics
    assert m.replicate.nunique() == 20
    check_validation(m, 84)


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser)."""
    m = run_quick("data_validation")
    after = excess(m, END, 69)
    assert most(after["unit_change"] > 0.01)
    assert most(after["unit_change_validated"].abs() < 0.005)
