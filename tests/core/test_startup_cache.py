"""The start-up cache changes no result: a run with it equals a run without it, byte for byte,
and the variants of a replicate really do share their world's start-up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.core.startup_cache import (
    clear_startup_cache,
    shared_startup,
    startup_cache_disabled,
    startup_cache_info,
)

SMALL = ["world.users=3000", "world.items=60"]
VARIANTS = ["greedy", "thompson", "holdout"]


def _run() -> sim.RunResult:
    return sim.run(
        "direct_feedback_loop", reps=2, horizon_days=4, overrides=SMALL, seed=4, variants=VARIANTS
    )


def test_a_run_with_the_cache_equals_a_run_without_it():
    clear_startup_cache()
    cached = _run()
    info = startup_cache_info()
    variants = cached.metrics.variant.nunique()
    # Serial: one world built per replicate, reused by the other variants of that replicate.
    assert info["misses"] == 2 and info["hits"] == 2 * (variants - 1)
    with startup_cache_disabled():
        fresh = _run()
    pd.testing.assert_frame_equal(cached.metrics, fresh.metrics)
    pd.testing.assert_frame_equal(cached.events, fresh.events)
    again = _run()  # every world now comes from the cache
    pd.testing.assert_frame_equal(again.metrics, fresh.metrics)


def _draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.standard_normal(5), rng.integers(0, 9, size=4)


def test_a_hit_leaves_the_stream_where_building_would_have():
    clear_startup_cache()
    first, second = np.random.default_rng(1), np.random.default_rng(1)
    built = shared_startup("demo", ("p", 1), first, lambda: _draw(first))
    reused = shared_startup("demo", ("p", 1), second, lambda: _draw(second))
    assert reused is built and startup_cache_info()["hits"] == 1
    assert first.random() == second.random()  # later draws are unchanged


def test_other_parameters_or_another_stream_state_build_afresh():
    clear_startup_cache()
    rng = np.random.default_rng(1)
    shared_startup("demo", ("p", 1), rng, lambda: _draw(rng))
    other = np.random.default_rng(1)
    shared_startup("demo", ("p", 2), other, lambda: _draw(other))
    shared_startup("demo", ("p", 1), rng, lambda: _draw(rng))  # rng has moved on: a miss
    assert startup_cache_info() | {"bytes": 0} == {
        "hits": 0,
        "misses": 3,
        "entries": 3,
        "bytes": 0,
    }


def test_cached_arrays_are_read_only():
    clear_startup_cache()
    rng = np.random.default_rng(1)
    values, _ = shared_startup("demo", ("p", 1), rng, lambda: _draw(rng))
    with pytest.raises(ValueError, match="read-only"):
        values[0] = 0.0
