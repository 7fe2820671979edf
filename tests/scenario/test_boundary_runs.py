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
