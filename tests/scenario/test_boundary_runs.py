"""Settings at the edge of their range that once gave NaN, warnings or crashes now run a week
with finite metrics (and without a RuntimeWarning, which the suite turns into an error)."""

from __future__ import annotations

import numpy as np
import pytest

import sim

EDGES = [
    ("attention_allocation", "greedy", "systems.allocator.burn_in_steps=0"),  # NaN rate_estimate
    ("correction_cascade", "chain_3", "world.rows_per_day=1"),  # NaN churn: no validation rows
    ("threshold_decay", "fixed_threshold", "world.intercept=-1000"),  # one class: no balance
    ("threshold_decay", "recalibrated", "world.intercept=1000"),
]


@pytest.mark.parametrize(("scenario", "variant", "setting"), EDGES)
def test_an_edge_setting_runs_a_week_with_finite_metrics(scenario, variant, setting) -> None:
    result = sim.run(
        scenario, reps=1, horizon_days=7, variants=[variant], overrides=[setting], figures=False
    )
    values = result.metrics["value"].to_numpy(dtype=float)
    assert len(values) > 0
    assert np.isfinite(values).all(), result.metrics[~np.isfinite(values)]


MORE_EDGES = [
    ("hidden_feedback_loop", "naive", "world.demand_median=1e-6"),  # no sales: 0/0 store sizes
    ("hidden_loop_trading", "both_adaptive", "systems.desk_a.training.window_days=0.5"),  # empty
]


@pytest.mark.parametrize(("scenario", "variant", "setting"), MORE_EDGES)
def test_an_empty_history_or_window_runs_a_week_with_finite_metrics(
    scenario, variant, setting
) -> None:
    result = sim.run(
        scenario, reps=1, horizon_days=7, variants=[variant], overrides=[setting], figures=False
    )
    values = result.metrics["value"].to_numpy(dtype=float)
    assert np.isfinite(values).all(), result.metrics[~np.isfinite(values)]
