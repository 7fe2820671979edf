"""The template scenario's test: the debt appears and the mitigation reduces it, over seeds."""

from __future__ import annotations

from pathlib import Path

import sim

SCENARIO = Path(__file__).with_name("toy_drift.toml")


def test_a_short_window_tracks_the_drift_better() -> None:
    result = sim.run(SCENARIO, reps=4, horizon_days=40)
    late = result.metrics.query("metric == 'abs_error' and day >= 30")
    error = late.groupby(["variant", "replicate"]).value.mean().unstack("variant")
    # Paired over replicates: the short window wins in every world, by a clear margin.
    assert (error["short_window"] < error["long_window"]).all()
    assert error["short_window"].mean() < 0.8 * error["long_window"].mean()
