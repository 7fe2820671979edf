"""Runaway predictive policing (Ensign et al. 2018): the phenomenon, its mitigations, and the
urn's closed forms.

Two runs. ``frames``: the scenario as written, 4 replicates × 50 cities × 1,000 days, every
variant (paired: replicate r of every variant shares its seed). ``urns``: closed-form settings
added as variants of the same file, one replicate of 1,000-2,000 independent urns × 1,000 days;
each urn is one draw of the process, so means and variances over urns estimate expectations
(tolerances below are stated in standard errors, SE = sd/√urns). Longer and larger checks
(reports, exploration, other priors, the paper's 2,000 toy draws) are in the ``_long`` module.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.urn_limits import (
    beta_moments,
    polya_limit,
    polya_share_variance,
    replacement_matrix,
    stationary_share,
    true_share,
)
from sim.core.errors import ConfigError
from sim.scenario.loader import find_scenario, read_scenario_file
from sim.scenario.resolve import load_scenario, resolve_tree
from tests.scenarios.quick_checks import last, run_quick

SEEDS = 4
OAKLAND = (3.68511, 2.816466)
DAYS = 1000
NO_DECAY = {"systems.hotspots.decay": 0.0}
DETERMINISTIC = {"world.incidents": "expected", **NO_DECAY}
PRIOR, RATES = "systems.hotspots.prior", "world.rates_per_day"
FIX = {**NO_DECAY, "systems.hotspots.correction": "rejection"}
# name -> (urns, patch over the baseline)
SETTINGS: dict[str, tuple[int, dict]] = {
    "polya_toy": (2000, {RATES: [1.0, 1.0], PRIOR: [5, 1]}),
    "polya_oakland": (2000, {RATES: [2.816466, 2.816466], PRIOR: [6.09, 3.79]}),
    "toy_runaway_1_5": (1000, {RATES: [2.0, 1.0], PRIOR: [1, 5]}),
    "toy_runaway_5_1": (1000, {RATES: [2.0, 1.0], PRIOR: [5, 1]}),
    "fix_high": (1000, {**FIX, PRIOR: [9, 1]}),
    "fix_low": (1000, {**FIX, PRIOR: [1, 9]}),
}
DETERMINISTIC_SETTINGS = {"polya_toy", "polya_oakland", "toy_runaway_1_5", "toy_runaway_5_1"}


@pytest.fixture(scope="module")
def frames() -> pd.DataFrame:
    return sim.run("runaway_policing", reps=SEEDS, jobs=2).metrics


@pytest.fixture(scope="module")
def urns() -> pd.DataFrame:
    tree = read_scenario_file(find_scenario("runaway_policing"))
    variants = {}
    for name, (count, patch) in SETTINGS.items():
        extra = DETERMINISTIC if name in DETERMINISTIC_SETTINGS else {}
        variants[name] = {
            "description": name,
            **patch,
            **extra,
            "world.parallel_urns": count,
        }
    tree["variants"] = variants
    scenario = resolve_tree(tree, "runaway_policing.toml", variants=list(SETTINGS))
    return sim.run(scenario, reps=1, horizon_days=DAYS, jobs=2).metrics


def _top1(frames: pd.DataFrame, metric: str, day: float | None = None) -> pd.DataFrame:
    """Replicate × variant table of ``metric`` for top1 on ``day`` (default: the last)."""
    rows = frames[(frames.metric == metric) & (frames.entity == "top1")]
    rows = rows[rows.day == (rows.day.max() if day is None else day)]
    return rows.pivot(index="replicate", columns="variant", values="value")


def _urn(urns: pd.DataFrame, name: str, day: float = DAYS - 1) -> tuple[float, float, float]:
    """Mean share of top1 over the urns on ``day``, its spread, and the standard error."""
    rows = urns[(urns.variant == name) & (urns.entity == "top1") & (urns.day == day)]
    mean = rows[rows.metric == "patrol_share"].value.item()
    sd = rows[rows.metric == "patrol_share_sd"].value.item()
    return mean, sd, sd / np.sqrt(SETTINGS[name][0])


# --- the phenomenon and its mitigations (the scenario as written) --------------------------


def test_the_baseline_runs_away(frames: pd.DataFrame) -> None:
    share = _top1(frames, "patrol_share")
    assert len(share) == SEEDS
    # top1 has 56.7% of the true crime; after 1,000 days it gets over 90% of the patrols in
    # every replicate (measured 0.93), and the share grew steadily from the prior's 0.616.
    assert (share["discovered_only"] > 0.88).all()
    halfway = _top1(frames, "patrol_share", day=500.0)["discovered_only"]
    assert (halfway > 0.7).all() and (share["discovered_only"] > halfway + 0.1).all()
    locked = frames[(frames.metric == "locked_in") & (frames.variant == "discovered_only")]
    by_day = locked.groupby("day").value.mean()
    assert by_day.loc[:400].max() < 0.02 and by_day.iloc[-1] > 0.3


def test_the_unpatrolled_region_stops_producing_records(frames: pd.DataFrame) -> None:
    rows = frames[(frames.metric == "discovered") & (frames.entity == "top2")]
    rows = rows[rows.variant == "discovered_only"]
    found = rows.groupby("day").value.mean()
    early, late = found.loc[199.0] - found.loc[0.0], found.loc[999.0] - found.loc[800.0]
    # True incidents in top2 keep coming at 2.8 a day; the records of them dry up.
    assert late < 0.4 * early


@pytest.mark.parametrize("mitigation", ["fix", "reported", "explore"])
def test_mitigations_close_the_gap(frames: pd.DataFrame, mitigation: str) -> None:
    gap = _top1(frames, "share_gap").abs()
    assert (gap[mitigation] < gap["discovered_only"] - 0.2).all()  # paired, every replicate


def test_the_fix_follows_the_true_share(frames: pd.DataFrame) -> None:
    share = _top1(frames, "patrol_share")["fix"]
    # Mean over 4 × 50 cities; each city's share has sd ≈ 0.12 (the 0.1-scaled urn holds
    # about 30 balls under decay), so the SE is ≈ 0.008. Tolerance: 0.025.
    assert share.mean() == pytest.approx(true_share(OAKLAND)[0], abs=0.025)


def test_reports_stop_at_the_stationary_root(frames: pd.DataFrame) -> None:
    share = _top1(frames, "patrol_share")["reported"]
    target = stationary_share(replacement_matrix(OAKLAND, 0.3))  # 0.6387
    assert share.mean() == pytest.approx(target, abs=0.01)


def test_exploration_bounds_the_runaway(frames: pd.DataFrame) -> None:
    share = _top1(frames, "patrol_share")["explore"]
    # The limit is 0.709 (ε = 0.2); the urn approaches it from below, slowly (κ ≈ 0.3).
    assert (share < 0.72).all() and (share > 0.65).all()


def test_a_weak_prior_runs_away_sooner(frames: pd.DataFrame) -> None:
    locked = _top1(frames, "patrol_share", day=200.0)
    assert (locked["weak_prior"] > locked["discovered_only"] + 0.05).all()


def test_the_toy_polya_urn_keeps_its_mean_and_spreads_uniformly(frames: pd.DataFrame) -> None:
    share = _top1(frames, "patrol_share")["toy_polya"]
    sd = _top1(frames, "patrol_share_sd")["toy_polya"]
    # Beta(1, 1): mean 1/2, sd 1/√12 = 0.289; 200 cities, SE of the mean 0.02.
    assert share.mean() == pytest.approx(0.5, abs=0.08)
    assert sd.mean() == pytest.approx(1 / np.sqrt(12), abs=0.03)


def test_world_and_system_agree_and_metrics_are_sane(frames: pd.DataFrame) -> None:
    assert np.isfinite(frames.value).all()
    shares = frames[frames.metric == "patrol_share"]
    totals = shares.groupby(["variant", "replicate", "day"]).value.sum()
    np.testing.assert_allclose(totals, 1.0)
    assert shares.value.between(0, 1).all()
    truth = frames[frames.metric == "true_share"].set_index(["variant", "replicate", "entity"])
    gap = frames[frames.metric == "share_gap"].set_index(["variant", "replicate", "entity", "day"])
    share = shares.set_index(["variant", "replicate", "entity", "day"]).value
    expected = share - truth.value.reindex(share.index.droplevel("day")).to_numpy()
    np.testing.assert_allclose(gap.value.reindex(share.index), expected, atol=1e-12)


# --- closed forms (many independent urns) --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "prior", "step"),
    [("polya_toy", (5.0, 1.0), 1.0), ("polya_oakland", (6.09, 3.79), 2.816466)],
)
def test_polya_urn_is_a_martingale_with_beta_spread(
    urns: pd.DataFrame, name: str, prior: tuple[float, float], step: float
) -> None:
    x0 = prior[0] / sum(prior)
    for day in (0.0, 10.0, 100.0, DAYS - 1.0):
        mean, sd, se = _urn(urns, name, day)
        assert abs(mean - x0) <= 4 * se + 1e-12, (day, mean, x0, se)
        # Finite-time variance x0(1 − x0)·T/((m + T)(m + 1)); sample variance of 2,000 urns
        # (relative SE ≤ 4%): tolerance 15%.
        assert sd**2 == pytest.approx(polya_share_variance(prior, step, int(day)), rel=0.15)
    limit = beta_moments(*polya_limit(prior, step))[1]
    assert polya_share_variance(prior, step, DAYS - 1) == pytest.approx(limit, rel=0.01)


def test_runaway_to_the_higher_rate_whatever_the_prior(urns: pd.DataFrame) -> None:
    # Toy urn a = 2, d = 1 (deterministic, no decay); the prior (1, 5) favours the other region.
    means = [_urn(urns, "toy_runaway_1_5", day)[0] for day in (0.0, 100.0, 500.0, DAYS - 1.0)]
    assert means[0] == pytest.approx(1 / 6)
    assert all(b > a + 0.03 for a, b in pairwise(means))
    assert means[-1] > 0.7
    # From the favourable prior: 1 − x ∝ t^(d/a − 1) = t^(−1/2): ratio (2004/206)^(−1/2) = 0.32.
    ratio = (1 - _urn(urns, "toy_runaway_5_1")[0]) / (1 - _urn(urns, "toy_runaway_5_1", 100.0)[0])
    assert 0.25 < ratio < 0.40


def test_the_fix_converges_to_the_true_share_from_either_side(urns: pd.DataFrame) -> None:
    target = float(true_share(OAKLAND)[0])
    high, _, se_high = _urn(urns, "fix_high")
    low, _, se_low = _urn(urns, "fix_low")
    # Started at 0.9 and 0.1 (10 balls), the mean shares close in on λ_A/(λ_A + λ_B) = 0.567
    # from both sides (κ = 1: the error shrinks like 1/balls).
    assert low - 4 * se_low < target < high + 4 * se_high
    assert high - low < 0.01


# --- configuration and reproducibility ------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ('world.regions=["a", "b", "c"]', "world.regions"),
        ("world.rates_per_day=[1.0]", "world.rates_per_day"),
        ("systems.hotspots.prior=[1, 2, 3]", "systems.hotspots.prior"),
        ("systems.hotspots.reported_weight=1.5", "systems.hotspots.reported_weight"),
        ("systems.hotspots.correction=reject", "systems.hotspots.correction"),
    ],
)
def test_bad_settings_are_located(override: str, path: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_scenario("runaway_policing", [override])
    assert error.value.path == path


def test_same_seed_same_frames() -> None:
    runs = [
        sim.run("runaway_policing", reps=2, horizon_days=60, variants=["fix", "explore"]).metrics
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(runs[0], runs[1])


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("runaway_policing")
    share = last(m, "patrol_share", "top1")
    gap = last(m, "share_gap", "top1").abs()
    assert (share["discovered_only"] > 0.85).all()  # patrols run away to top1
    assert (gap["fix"] < gap["discovered_only"] - 0.2).all()  # the fix follows the truth
