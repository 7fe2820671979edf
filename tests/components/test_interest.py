"""The interest world (Jiang et al. 2019) and the recommender's oracle and candidate pool.

The world's one-step dynamics are checked against the closed forms of
:mod:`sim.analysis.degeneracy` on many independent users; slates are checked against the truth
(oracle) and the candidate pool; the wiring (declared truth reads, one serving system) and the
validation of the world's parameters are checked directly.
"""

from __future__ import annotations

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

import sim
from sim.analysis.degeneracy import expected_click_prob, random_recommender_step
from sim.components.recsys.interest import Interest
from sim.components.recsys.recommender import Recommender
from sim.core.errors import ConfigError
from sim.engine.environment import Ecosystem
from sim.scenario.build import build_ecosystem
from sim.scenario.resolve import load_scenario

SCENARIO = "degenerate_feedback_loop"


def _ecosystem(variant: str, *overrides: str, seed: int = 5) -> Ecosystem:
    scenario = load_scenario(SCENARIO, overrides, [variant])
    return build_ecosystem(scenario.configs[variant], seed)


def _parts(eco: Ecosystem) -> tuple[Interest, Recommender]:
    world, system = eco.components
    assert isinstance(world, Interest) and isinstance(system, Recommender)
    return world, system


def _slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope of y on x through the origin, and its standard error."""
    slope = float(x @ y / (x @ x))
    resid = y - slope * x
    return slope, float(np.sqrt(resid @ resid / (x.size - 1) / (x @ x)))


@pytest.mark.parametrize(
    "dynamics",
    [
        {},
        {"user_noise": 2.0},
        {"reset_prob": 0.3, "reset_scale": 0.5},
    ],
    ids=["published", "user_noise", "resets"],
)
def test_one_step_matches_the_closed_form_under_the_random_recommender(dynamics) -> None:
    # 20,000 users × 10 items, interests spread over [-3, 3] so that 2σ(μ) − 1 spans ±0.9.
    overrides = ["world.users=20000", "world.interest_low=-3", "world.interest_high=3"]
    overrides += [f"world.{k}={v}" for k, v in dynamics.items()]
    eco = _ecosystem("random", *overrides)
    eco.run(1)
    world, _ = _parts(eco)
    p = world.params
    step = (world.interest - world.interest0).ravel()
    expected = random_recommender_step(
        world.interest0,
        slate=4,
        delta_low=p.delta_low,
        delta_high=p.delta_high,
        noise=p.user_noise,
        reset_prob=p.reset_prob,
        reset_scale=p.reset_scale,
        low=p.interest_low,
        high=p.interest_high,
    ).ravel()
    # The observed change regresses on the closed form with slope 1 (within 5 standard errors
    # and 5%), and the mean residual is within 4 standard errors of zero.
    slope, se = _slope(expected, step)
    assert abs(slope - 1) < max(5 * se, 0.05), (slope, se)
    resid = step - expected
    assert abs(resid.mean()) < 4 * resid.std() / np.sqrt(resid.size)


def test_only_shown_items_change_and_clicks_follow_the_interest() -> None:
    eco = _ecosystem(
        "random", "world.users=20000", "world.interest_low=-3", "world.interest_high=3"
    )
    eco.run(1)
    world, system = _parts(eco)
    shown = np.zeros(world.interest.shape, dtype=bool)
    items = system.output_signal.value.items
    shown[world.users[:, None], items] = True
    moved = world.interest != world.interest0
    assert (moved == shown).all()
    assert (shown.sum(axis=1) == 4).all()
    step = np.abs(world.interest - world.interest0)[shown]
    assert (step <= 0.01).all()
    # A click moved the interest up: the share of ups matches E[σ(μ_0)] of the shown items.
    ups = (world.interest > world.interest0)[shown]
    target = expected_click_prob(world.interest0[shown])
    se = np.sqrt((target * (1 - target)).sum()) / target.size
    assert abs(ups.mean() - target.mean()) < 4 * se


def _run_watching(eco: Ecosystem, days: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Run ``eco``; return each day's (slates, true interest when the slates were chosen)."""
    world, system = _parts(eco)
    seen: list[tuple[np.ndarray, np.ndarray]] = []

    def watch():
        while True:
            slates = yield system.output_signal.changed()
            seen.append((slates.items, world.signal("truth").value.interest))

    eco.set_up()
    eco.env.process(watch())
    eco.run(days)
    return seen


def test_the_oracle_shows_each_users_top_items_by_true_interest() -> None:
    eco = _ecosystem("optimal", "world.users=300")
    seen = _run_watching(eco, 30)
    assert len(seen) == 30
    for items, interest in seen:
        best = np.sort(np.argsort(-interest, axis=1)[:, :4], axis=1)
        assert (np.sort(items, axis=1) == best).all()
    world, _ = _parts(eco)
    np.testing.assert_array_equal(seen[0][1], world.interest0)


def test_paired_variants_share_their_users() -> None:
    ecos = [_ecosystem(v, "world.users=50", seed=9) for v in ("optimal", "random")]
    for eco in ecos:
        eco.run(1)
    np.testing.assert_array_equal(_parts(ecos[0])[0].interest0, _parts(ecos[1])[0].interest0)


def test_the_oracle_read_of_truth_is_declared_and_the_learners_is_an_audit() -> None:
    for variant, audit in [("optimal", False), ("greedy", True)]:
        eco = _ecosystem(variant, "world.users=50")
        reads = [r for r in eco.env.signals.reads if r.signal == "world.truth"]
        assert [(r.reader, r.declared, r.audit) for r in reads] == [("recommender", True, audit)]
        eco.run(2)
        assert not eco.env.signals.undeclared_reads()


def test_the_growing_pool_limits_every_slate() -> None:
    eco = _ecosystem(
        "thompson", "world.users=200", "world.initial_items=4", "world.new_items_per_day=0.5"
    )
    seen = _run_watching(eco, 14)
    world, _ = _parts(eco)
    assert [world.available(t) for t in range(14)] == [min(10, 4 + t // 2) for t in range(14)]
    for t, (items, _) in enumerate(seen):
        assert items.max() < world.available(t)
    assert seen[-1][0].max() == 9  # once the pool is full, every item can be shown
    metrics = eco.env.recorder.metrics()
    pool = metrics[metrics.metric == "available_items"].value.tolist()
    assert pool == [world.available(t) for t in range(14)]


def test_a_pool_smaller_than_the_slate_is_a_located_error() -> None:
    # Caught when the scenario is validated (the world checks the systems it serves),
    # for the baseline and for every variant, before anything runs.
    with pytest.raises(ConfigError, match=r"must be >= the slate") as error:
        load_scenario(SCENARIO, ["world.initial_items=3"])
    assert error.value.path == "world.initial_items"
    load_scenario(SCENARIO, ["world.initial_items=4"])


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ("world.interest_low=1", "world.interest_low"),
        ("world.delta_low=0.5", "world.delta_low"),
        ("world.initial_items=11", "world.initial_items"),
        ("world.reset_prob=1.5", "world.reset_prob"),
        ("world.user_noise=-1", "world.user_noise"),
    ],
)
def test_bad_world_parameters_are_located(override: str, path: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_scenario(SCENARIO, [override], ["greedy"])
    assert error.value.path == path


def test_one_world_serves_one_system() -> None:
    second = [
        "systems.other.kind=recommender",
        "systems.other.policy.kind=random",
        "systems.other.policy.slate=4",
    ]
    with pytest.raises(ConfigError, match="one system"):
        load_scenario(SCENARIO, second, ["greedy"])
    shadow = load_scenario(SCENARIO, [*second, "systems.other.mode=shadow"], ["greedy"])
    eco = build_ecosystem(shadow.configs["greedy"], 1)
    eco.run(3)
    metrics = eco.env.recorder.metrics()
    assert set(metrics[metrics.metric == "interest_drift"].system) == {"recommender"}
    assert (metrics[metrics.system == "other"].metric.unique() != "ctr").all()


def test_same_seed_same_frames() -> None:
    def run() -> sim.RunResult:
        return sim.run(
            SCENARIO,
            reps=2,
            horizon_days=10,
            variants=["thompson", "resets", "user_noise", "growing_pool"],
            overrides=["world.users=50"],
            figures=False,
        )

    first, second = run(), run()
    assert_frame_equal(first.metrics, second.metrics)
    assert not first.metrics.value.isna().any()
