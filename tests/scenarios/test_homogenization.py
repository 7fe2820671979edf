"""Homogenization (Chaney et al., RecSys 2018): repeated training makes users alike, not happier.

Every comparison is paired: replicate r of every variant shares its world (the same users,
items and utilities, and the same ideal twin). 12 seeds at the published protocol (100 users,
20 attributes, 10 new items per step, 100 steps; repeated = 10 start-up + 90 retrained steps,
single = 50 + 50). Measured over the scenario's 40 seeds (mean, 95% CI): final homogenization
(Jaccard relative to ideal) +0.377 [0.363, 0.390] repeated, −0.033 [−0.046, −0.019] single,
−0.031 [−0.043, −0.018] random; utility relative to ideal, averaged over the run, −0.026
repeated, −0.026 single (paired difference −0.0007 [−0.0019, 0.0005]), −0.063 random.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.optimize import nnls

import sim
from sim.components.homogenization.columns import GrowingColumns
from sim.core.errors import ConfigError
from sim.scenario.build import build_ecosystem
from sim.scenario.resolve import load_scenario
from tests.scenarios.quick_checks import last, run_quick

SEEDS = 12
VARIANTS = ["repeated", "single", "random", "ideal"]


@pytest.fixture(scope="module")
def frames() -> pd.DataFrame:
    return sim.run("homogenization", reps=SEEDS, variants=VARIANTS, jobs=2).metrics


def _final(frames: pd.DataFrame, metric: str, entity: str = "") -> pd.DataFrame:
    rows = frames[(frames.metric == metric) & (frames.entity == entity)]
    last = rows[rows.day == rows.day.max()]
    return last.pivot(index="replicate", columns="variant", values="value")


def _mean(frames: pd.DataFrame, metric: str, entity: str = "") -> pd.DataFrame:
    rows = frames[(frames.metric == metric) & (frames.entity == entity)]
    return rows.groupby(["replicate", "variant"]).value.mean().unstack()


@pytest.mark.parametrize("other", ["single", "random"])
def test_repeated_training_homogenizes_more(frames: pd.DataFrame, other: str) -> None:
    final = _final(frames, "homogenization")
    assert len(final) == SEEDS
    diff = final["repeated"] - final[other]
    # Paired, one-sided at 1%; in every world; and by a wide margin (measured ≈ 0.42).
    assert stats.ttest_1samp(diff, 0, alternative="greater").pvalue < 0.01
    assert (diff > 0).all()
    assert diff.mean() > 0.25


def test_repeated_training_homogenizes_beyond_the_ideal(frames: pd.DataFrame) -> None:
    final = _final(frames, "homogenization")["repeated"]
    assert (final > 0.15).all()  # measured 0.30 to 0.47 over 20 seeds
    day = frames[(frames.metric == "homogenization") & (frames.variant == "repeated")]
    by_day = day.groupby("day").value.mean()
    assert by_day.loc[100.0] > by_day.loc[30.0] > by_day.loc[11.0]  # the loop keeps tightening


def test_repeated_training_loses_utility_without_gaining_on_single(frames: pd.DataFrame) -> None:
    utility = _mean(frames, "utility")
    assert (utility["repeated"] < 0).all()
    assert stats.ttest_1samp(utility["repeated"], 0, alternative="less").pvalue < 0.01
    # Homogenization buys nothing: no more utility than training once (measured Δ ≈ −0.001).
    assert (utility["repeated"] - utility["single"]).mean() < 0.003
    assert (utility["random"] < utility["repeated"]).all()


def test_the_ideal_variant_is_the_reference_exactly(frames: pd.DataFrame) -> None:
    ideal = frames[frames.variant == "ideal"]
    for metric in ("homogenization", "utility"):
        assert (ideal[ideal.metric == metric].value == 0).all()


def test_every_variant_shares_its_world(frames: pd.DataFrame) -> None:
    """The twin's utility depends on the world only: equal across variants of a replicate."""
    twin = frames[(frames.metric == "chosen_utility") & (frames.entity == "ideal")]
    spread = twin.groupby(["replicate", "day"]).value.agg(lambda v: v.max() - v.min())
    assert (spread == 0).all()


def test_metrics_are_finite_and_bounded(frames: pd.DataFrame) -> None:
    assert np.isfinite(frames.value).all()
    jaccard = frames[frames.metric == "jaccard"].value
    assert jaccard.between(0, 1).all()
    assert frames[frames.metric == "homogenization"].value.between(-1, 1).all()
    utility = frames[frames.metric == "chosen_utility"].value
    assert utility.between(0, 1).all()


@pytest.fixture(scope="module")
def ecosystems() -> dict:
    """Small runs kept in memory, to inspect the world's and the systems' state."""
    built = {}
    for variant in VARIANTS:
        scenario = load_scenario("homogenization", ["world.users=40"], [variant])
        ecosystem = build_ecosystem(scenario.configs[variant], seed=11)
        ecosystem.run(30)
        built[variant] = ecosystem
    return built


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_user_interacts_once_per_step_and_never_twice_with_an_item(
    ecosystems: dict, variant: str
) -> None:
    world, system = ecosystems[variant].components
    for population in (world.twin, world.populations[system.name]):
        history = np.array(population.history)  # steps × users
        assert history.shape == (30, 40)
        assert (history >= 0).all()  # everybody picked something every step
        for picks in history.T:
            assert len(set(picks.tolist())) == picks.size  # no repeated interactions
        consumed = population.consumed.dense()
        assert (consumed.sum(axis=1) == 30).all()
        np.testing.assert_array_equal(population.sizes, consumed.sum(axis=1))
        np.testing.assert_array_equal(np.isneginf(population.known_left.view), consumed)
        # The largest known utility left, kept up to date step by step, is the row maximum.
        np.testing.assert_array_equal(population.bound, population.known_left.view.max(axis=1))
    # The system's own log of what its users consumed matches the world's.
    np.testing.assert_array_equal(
        system.log_.consumed.dense(), world.populations[system.name].consumed.dense()
    )


def test_items_arrive_at_the_published_rate(ecosystems: dict) -> None:
    world, _ = ecosystems["repeated"].components
    assert world.item_attributes.shape == (300, 20)
    assert world.true_utility.view.shape == (40, 300)
    np.testing.assert_allclose(world.item_attributes.sum(axis=1), 1.0, atol=1e-12)


def test_content_filtering_profiles_are_the_nnls_fit_of_the_logs(ecosystems: dict) -> None:
    world, system = ecosystems["repeated"].components
    # The deployed model was trained at the start of day 29, on the 29 steps logged by then
    # (290 items): the log without the last step's items and picks.
    design = system.log_.attributes[:290]
    interactions = system.log_.consumed.dense().astype(float)
    interactions[np.arange(40), world.populations[system.name].history[-1]] = 0.0
    interactions = interactions[:, :290]
    for user in range(0, 40, 7):
        expected, _ = nnls(design, interactions[user])
        np.testing.assert_allclose(system.model_[user], expected, atol=1e-6)


def test_training_protocols(ecosystems: dict) -> None:
    events = {v: ecosystems[v].env.recorder.events() for v in ("repeated", "single")}
    deployed = {v: e[e.event == "deploy"] for v, e in events.items()}
    # First deploy at the start of day 10, after 10 logged steps, then every day up to day 29.
    assert deployed["repeated"].day.tolist() == [float(d) for d in range(10, 30)]
    assert len(deployed["single"]) == 0  # the 50-step start-up is longer than this 30-step run
    assert len(events["single"]) == 0
    # It fits the start-up data as it arrives, serving none: the representation it reports.
    _, system = ecosystems["single"].components
    window = system.log_.window(30.0, 0.0)
    assert window.steps == 30 and system.model_ is None
    interactions = system.log_.consumed.dense().astype(float)
    for user in range(0, 40, 13):
        expected, _ = nnls(system.log_.attributes, interactions[user])
        np.testing.assert_allclose(system.profiles_[user], expected, atol=1e-6)


def test_single_training_deploys_once_and_never_again() -> None:
    scenario = load_scenario("homogenization", ["world.users=20"], ["single"])
    ecosystem = build_ecosystem(scenario.configs["single"], seed=3)
    recorder = ecosystem.run(70)
    events = recorder.events()
    deployed = events[events.event == "deploy"]
    assert deployed.day.tolist() == [50.0]  # at the start of the day after the 50th step
    versions = recorder.metrics().query("metric == 'model_version'").value
    assert versions.max() == 1


def test_same_seed_same_frames() -> None:
    options = {"reps": 2, "horizon_days": 15, "overrides": ["world.users=30"]}
    first = sim.run("homogenization", **options).metrics
    second = sim.run("homogenization", **options).metrics
    pd.testing.assert_frame_equal(first, second)
    other = sim.run("homogenization", seed=99, **options).metrics
    assert not first["value"].equals(other["value"])


def test_bad_settings_are_located() -> None:
    with pytest.raises(ConfigError, match="known_variance"):
        load_scenario("homogenization", ["world.known_variance=0.1"])
    with pytest.raises(ConfigError, match="allowed: 'content', 'ideal', 'random'"):
        load_scenario("homogenization", ["systems.recommender.algorithm=popular"])


def test_measurement_settings_do_not_change_the_community() -> None:
    """Sampling and pairing draw from their own stream: the same users choose the same items."""

    def chosen(*overrides: str) -> pd.DataFrame:
        options = ["world.users=30", *overrides]
        metrics = sim.run("homogenization", reps=1, horizon_days=12, overrides=options).metrics
        return metrics[metrics.metric == "chosen_utility"].reset_index(drop=True)

    base = chosen()
    pd.testing.assert_frame_equal(base, chosen("world.pairing=random", "world.metric_users=10"))
    pd.testing.assert_frame_equal(base, chosen("world.pairing=preferences"))


def test_growing_columns_keep_what_was_appended() -> None:
    grid = GrowingColumns(3, dtype=np.float32, fill=-np.inf)
    assert grid.view.shape == (3, 0)
    grid.append(np.ones((3, 5)))
    grid.append(count=2)
    grid.view[0, 0] = 7.0  # writes through the view
    grid.append(np.full((3, 20), 2.0))  # grows past the doubled capacity
    assert grid.view.shape == (3, 27) and grid.view.dtype == np.float32
    assert grid.view[0, 0] == 7.0 and (grid.view[1, :5] == 1).all()
    assert np.isneginf(grid.view[:, 5:7]).all() and (grid.view[:, 7:] == 2).all()


def test_a_slate_shows_only_the_top_items() -> None:
    scenario = load_scenario(
        "homogenization", ["world.users=20", "systems.recommender.slate=5"], ["repeated"]
    )
    ecosystem = build_ecosystem(scenario.configs["repeated"], seed=5)
    ecosystem.run(15)
    world, system = ecosystem.components
    scores = system.output_signal.value.scores
    assert (np.isfinite(scores).sum(axis=1) == 5).all()
    last = world.populations[system.name].history[-1]
    assert np.isfinite(scores[np.arange(20), last]).all()  # every pick was on the slate


@pytest.mark.slow
def test_the_quick_preset_shows_the_debt() -> None:
    """The ``--quick`` preset still shows the debt and the main mitigation (looser
    tolerances than the tests above: fewer replicates, sometimes a shorter horizon)."""
    m = run_quick("homogenization")
    final = last(m, "homogenization")
    diff = final["repeated"] - final["single"]
    assert (diff > 0).all() and diff.mean() > 0.15  # repeated training homogenizes more
