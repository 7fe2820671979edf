"""The community recommender on the shared training pipeline: cadence, delays, window, keys."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.components.homogenization.interaction_log import InteractionLog
from sim.components.homogenization.payloads import CatalogueRequest, Choices
from sim.core.errors import ConfigError
from sim.learn.profile_fit import nnls_gram
from sim.scenario.build import build_ecosystem
from sim.scenario.resolve import load_scenario


def _run(days: int, *overrides: str, variant: str = "repeated") -> pd.DataFrame:
    options = ["world.users=20", *overrides]
    scenario = load_scenario("homogenization", options, [variant])
    ecosystem = build_ecosystem(scenario.configs[variant], seed=4)
    return ecosystem.run(days).events()


def _detail(events: pd.DataFrame, event: str) -> list[dict]:
    rows = events[events.event == event]
    return [{"day": day, **json.loads(d)} for day, d in zip(rows.day, rows.detail, strict=True)]


def test_retrains_every_day_after_the_start_up_with_versions() -> None:
    events = _run(15)
    retrains, deploys = _detail(events, "retrain"), _detail(events, "deploy")
    assert [r["day"] for r in retrains] == [float(d) for d in range(10, 15)]
    assert [r["steps"] for r in retrains] == list(range(10, 15))
    assert [d["version"] for d in deploys] == [1, 2, 3, 4, 5]
    assert [d["day"] for d in deploys] == [r["day"] for r in retrains]


def test_cadence_every_two_days() -> None:
    deploys = _detail(_run(17, "systems.recommender.training.every_days=2"), "deploy")
    assert [d["day"] for d in deploys] == [10.0, 12.0, 14.0, 16.0]


def test_a_label_delay_postpones_what_retrains_see() -> None:
    retrains = _detail(_run(16, "systems.recommender.training.label_delay_days=2"), "retrain")
    # Day 0's choices arrive on day 2: the retrain of day 3 is the first to see them.
    assert retrains[0]["day"] == 12.0 and retrains[0]["steps"] == 10
    assert [r["steps"] for r in retrains] == [r["day"] - 2 for r in retrains]


def test_a_deploy_latency_serves_the_model_later() -> None:
    events = _run(14, "systems.recommender.training.deploy_latency_days=1")
    retrains, deploys = _detail(events, "retrain"), _detail(events, "deploy")
    assert [d["day"] for d in deploys] == [r["day"] + 1 for r in retrains][: len(deploys)]


def test_single_trains_once_and_the_baselines_never() -> None:
    single = _detail(_run(14, "systems.recommender.startup_steps=5", variant="single"), "deploy")
    assert [(d["day"], d["version"]) for d in single] == [(5.0, 1)]
    for variant in ("random", "ideal"):
        assert _run(8, variant=variant).empty


def test_the_old_training_key_names_its_new_place() -> None:
    with pytest.raises(ConfigError, match="this setting moved: write protocol = 'single'"):
        load_scenario("homogenization", ['systems.recommender.training="single"'])
    with pytest.raises(ConfigError, match="has no holdout share"):
        load_scenario("homogenization", ["systems.recommender.training.holdout_share=0.1"])


def test_the_log_sums_interactions_over_its_window() -> None:
    rng = np.random.default_rng(0)
    attributes = rng.random((12, 3))
    log = InteractionLog(window_days=2.0)
    log.see_catalogue(CatalogueRequest(0.0, 1, 4, attributes[:6]))
    log.add(0.0, Choices(0.0, 1, "r", np.array([0, 1, -1, 5])))
    log.see_catalogue(CatalogueRequest(1.0, 2, 4, attributes))
    log.add(1.0, Choices(1.0, 2, "r", np.array([7, 2, 3, 11])))
    log.add(2.0, Choices(2.0, 3, "r", np.array([8, -1, 4, 0])))
    np.testing.assert_allclose(log.gram, attributes.T @ attributes)
    window = log.window(3.0, 2.0)  # days 1 and 2
    expected = np.zeros((4, 3))
    for day_picks in ([7, 2, 3, 11], [8, -1, 4, 0]):
        for user, item in enumerate(day_picks):
            if item >= 0:
                expected[user] += attributes[item]
    np.testing.assert_allclose(window.rhs, expected)
    assert window.steps == 3
    assert log.consumed is not None and (log.consumed.sizes == [3, 2, 2, 3]).all()


def test_the_whole_log_accumulates_like_a_batch_and_fits_like_one() -> None:
    """Running sums over steps and catalogue growth equal the batch G = BᵀB and c = YB, and the
    NNLS fit of the log's window is the batch fit."""
    rng = np.random.default_rng(5)
    design = rng.dirichlet(np.full(8, 0.3), size=60)  # items × attributes
    log = InteractionLog(window_days=0.0)
    log.see_catalogue(CatalogueRequest(0.0, 1, 25, design[:30]))
    targets = np.zeros((25, 60))
    for step in range(12):
        if step == 4:
            log.see_catalogue(CatalogueRequest(float(step), step + 1, 25, design))
        known = 30 if step < 4 else 60
        picks = np.where(rng.random(25) < 0.7, rng.integers(0, known, 25), -1)
        log.add(float(step), Choices(float(step), step + 1, "r", picks))
        chosen = np.flatnonzero(picks >= 0)
        targets[chosen, picks[chosen]] += 1.0
    window = log.window(12.0, 0.0)
    np.testing.assert_allclose(window.gram, design.T @ design)
    np.testing.assert_allclose(window.rhs, targets @ design)
    np.testing.assert_allclose(
        nnls_gram(window.gram, window.rhs, tol=1e-12, max_sweeps=5000),
        nnls_gram(design.T @ design, targets @ design, tol=1e-12, max_sweeps=5000),
    )
