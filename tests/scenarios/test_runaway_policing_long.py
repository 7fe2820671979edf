"""Long statistical tests (``-m slow``) of runaway predictive policing: the published size
(20 replicates × 50 cities = the paper's 1,000 runs, 1,000 days) and the closed-form limits
over longer horizons and more urns than the default run affords."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.analysis.urn_limits import (
    patrol_share,
    polya_share_variance,
    replacement_matrix,
    stationary_share,
    true_share,
)
from sim.scenario.loader import find_scenario, read_scenario_file
from sim.scenario.resolve import resolve_tree

pytestmark = pytest.mark.slow
OAKLAND = (3.68511, 2.816466)
DAYS = 3000
URNS = 2000
NO_DECAY = {"systems.hotspots.decay": 0.0}


def _sides(prefix: str, patch: dict) -> dict[str, dict]:
    return {
        f"{prefix}_high": {**NO_DECAY, **patch, "systems.hotspots.prior": [9, 1]},
        f"{prefix}_low": {**NO_DECAY, **patch, "systems.hotspots.prior": [1, 9]},
    }


FIX = {"systems.hotspots.correction": "rejection"}
TOY = {"world.incidents": "expected", **NO_DECAY, "world.rates_per_day": [2.0, 1.0]}
SETTINGS: dict[str, dict] = {
    **_sides("reported30", {"systems.hotspots.reported_weight": 0.3}),
    **_sides("reported70", {"systems.hotspots.reported_weight": 0.7}),
    **_sides("explore", {"systems.hotspots.explore": 0.2}),
    **_sides("fix_scaled", {**FIX, "systems.hotspots.update_scale": 0.1}),
    "polya": {**TOY, "world.rates_per_day": [1.0, 1.0], "systems.hotspots.prior": [1, 5]},
    "toy_1_1": {**TOY, "systems.hotspots.prior": [1, 1]},
    "toy_1_5": {**TOY, "systems.hotspots.prior": [1, 5]},
    "toy_5_1": {**TOY, "systems.hotspots.prior": [5, 1]},
    "reversed_no_decay": {**NO_DECAY, "systems.hotspots.prior": [3.79, 6.09]},
    "reversed_decay": {"systems.hotspots.prior": [379, 609]},
}


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    metrics = sim.run("runaway_policing", jobs=2).metrics
    return metrics[metrics.day == metrics.day.max()]


@pytest.fixture(scope="module")
def urns() -> pd.DataFrame:
    tree = read_scenario_file(find_scenario("runaway_policing"))
    tree["variants"] = {
        name: {"description": name, **patch, "world.parallel_urns": URNS}
        for name, patch in SETTINGS.items()
    }
    scenario = resolve_tree(tree, "runaway_policing.toml", variants=list(SETTINGS))
    return sim.run(scenario, reps=1, horizon_days=DAYS, jobs=2).metrics


def _final(published: pd.DataFrame, metric: str, entity: str = "top1") -> pd.DataFrame:
    rows = published[(published.metric == metric) & (published.entity == entity)]
    return rows.pivot(index="replicate", columns="variant", values="value")


def _urn(urns: pd.DataFrame, name: str, day: float = DAYS - 1) -> tuple[float, float]:
    rows = urns[(urns.variant == name) & (urns.entity == "top1") & (urns.day == day)]
    mean = rows[rows.metric == "patrol_share"].value.item()
    sd = rows[rows.metric == "patrol_share_sd"].value.item()
    return mean, sd / np.sqrt(URNS)


@pytest.mark.parametrize("mitigation", ["fix", "reported", "explore"])
def test_every_mitigation_reduces_the_gap_at_the_published_size(
    published: pd.DataFrame, mitigation: str
) -> None:
    gap = _final(published, "share_gap").abs()
    diff = gap["discovered_only"] - gap[mitigation]
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 1e-6
    assert (diff > 0.2).all()


def test_published_size_headlines(published: pd.DataFrame) -> None:
    share = _final(published, "patrol_share").mean()
    assert share["discovered_only"] > 0.9
    assert share["weak_prior"] > share["discovered_only"]
    assert share["fix"] == pytest.approx(true_share(OAKLAND)[0], abs=0.015)
    assert share["reported"] == pytest.approx(0.6387, abs=0.005)
    assert share["top1_vs_random"] > 0.99  # the history already ran away: prior (609, 7)
    locked = _final(published, "locked_in", "").mean()
    assert locked["fix"] == 0.0 and locked["discovered_only"] > 0.3


@pytest.mark.parametrize(
    ("prefix", "target", "width"),
    [
        ("reported30", stationary_share(replacement_matrix(OAKLAND, 0.3)), 0.03),
        ("reported70", stationary_share(replacement_matrix(OAKLAND, 0.7)), 0.004),
        ("explore", patrol_share(stationary_share(replacement_matrix(OAKLAND), 0.2), 0.2), 0.15),
        ("fix_scaled", float(true_share(OAKLAND)[0]), 0.012),
    ],
)
def test_limits_are_bracketed_from_both_sides(
    urns: pd.DataFrame, prefix: str, target: float, width: float
) -> None:
    high, se_high = _urn(urns, f"{prefix}_high")
    low, se_low = _urn(urns, f"{prefix}_low")
    assert low - 4 * se_low < target < high + 4 * se_high
    assert high - low < width
    # The bracket keeps closing: the error shrinks like balls^(−κ), κ ≥ 0.29 here, so from
    # day 1,000 to 3,000 (3× the balls) by a factor 3^(−0.29) = 0.73 or better.
    earlier = _urn(urns, f"{prefix}_high", 999.0)[0] - _urn(urns, f"{prefix}_low", 999.0)[0]
    assert high - low < 0.8 * earlier


def test_polya_spread_with_many_urns(urns: pd.DataFrame) -> None:
    for day in (1.0, 30.0, 300.0, DAYS - 1.0):
        mean, se = _urn(urns, "polya", day)
        assert abs(mean - 1 / 6) < 4 * se
        sd = se * np.sqrt(URNS)
        assert sd**2 == pytest.approx(polya_share_variance((1, 5), 1.0, int(day)), rel=0.15)


def test_the_papers_toy_runs(urns: pd.DataFrame) -> None:
    # a = 2 > d = 1: whatever the prior, the share of A climbs towards 1 (2,000 draws and on).
    for name in ("toy_1_1", "toy_1_5", "toy_5_1"):
        path = [_urn(urns, name, day)[0] for day in (0.0, 200.0, 1999.0, DAYS - 1.0)]
        assert all(b > a for a, b in pairwise(path))
    assert _urn(urns, "toy_1_5", 1999.0)[0] > 0.75
    assert _urn(urns, "toy_5_1", 1999.0)[0] > 0.98


def test_a_prior_favouring_the_lower_rate_region_does_not_save_it(urns: pd.DataFrame) -> None:
    slow = [_urn(urns, "reversed_no_decay", day)[0] for day in (0.0, 200.0, 1000.0, DAYS - 1.0)]
    assert slow[0] == pytest.approx(0.384, abs=0.001)
    assert all(b > a + 0.02 for a, b in pairwise(slow))
    assert slow[-1] > true_share(OAKLAND)[0] + 0.1
    assert _urn(urns, "reversed_decay", 999.0)[0] > 0.8
    assert _urn(urns, "reversed_decay")[0] > 0.98
