"""Releases of a classifier's scores (pure helpers) and the world's degraded-day count."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.components.tabular.dynamics import degraded_days
from sim.components.tabular.payloads import LabelledRows
from sim.components.tabular.releases import (
    kept_releases,
    release_days,
    rows_for_release,
    target_release,
)


def day(d: float, releases: dict[int, float]) -> LabelledRows:
    features = {"x": np.zeros(2), "upstream": np.full(2, -1.0)}
    features.update({f"upstream@{r}": np.full(2, v) for r, v in releases.items()})
    return LabelledRows(d, features, np.zeros(2))


def test_kept_releases_keep_the_champion_and_the_newest():
    assert kept_releases([1, 2, 3, 4], champion=2, keep=2) == [2, 4]
    assert kept_releases([1, 2, 3], champion=3, keep=1) == [3]
    assert kept_releases([1, 2, 3], champion=3, keep=5) == [1, 2, 3]


@given(st.sets(st.integers(1, 30), min_size=1), st.integers(1, 6), st.data())
def test_kept_releases_always_hold_the_champion(versions, keep, data):
    champion = data.draw(st.sampled_from(sorted(versions)))
    kept = kept_releases(versions, champion, keep)
    assert champion in kept and len(kept) == min(keep, len(versions))
    assert kept == sorted(kept)


def test_a_consumer_trains_on_the_newest_release_with_enough_days():
    window = [day(0, {1: 0.1}), day(1, {1: 0.1, 2: 0.2}), day(2, {1: 0.1, 2: 0.2})]
    assert release_days(window) == {1: 3, 2: 2}
    assert target_release(release_days(window), pinned=1, min_days=2) == 2
    assert target_release(release_days(window), pinned=1, min_days=3) == 1
    assert target_release({2: 1}, pinned=1, min_days=3) == 2  # the pin is gone: newest
    rows = rows_for_release(window, 2)
    assert [r.day for r in rows] == [1, 2]
    assert set(rows[0].features) == {"x", "upstream"}
    assert np.all(rows[0].features["upstream"] == 0.2)


def test_degraded_days_count_days_above_the_mean_before_plus_the_margin():
    losses = [(d, 0.4) for d in range(10)] + [(10, 0.45), (11, 0.42), (12, 0.5)]
    assert degraded_days(losses, day=10, span=10, margin=0.03) == 2
    assert degraded_days(losses, day=0, span=10, margin=0.03) == 0  # nothing before
