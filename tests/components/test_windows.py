"""The training window's one rule (sim.components.base.windows), and DailySums applying it."""

from __future__ import annotations

import numpy as np

from sim.components.base.windows import DailySums, expired, in_window


def test_a_window_of_w_days_holds_the_last_w_whole_days() -> None:
    days = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert [d for d in days if in_window(d, 5.0, 3.0)] == [2.0, 3.0, 4.0]  # start of day 5
    assert [d for d in days if in_window(d, 5.5, 3.0)] == [3.0, 4.0, 5.0]  # mid-day: still 3
    assert [d for d in days if in_window(d, 5.0, 1.0)] == [4.0]  # yesterday
    assert [d for d in days if in_window(d, 5.0, 0.0)] == days  # 0: everything so far
    assert [d for d in days if expired(d, 5.0, 3.0)] == [0.0, 1.0]
    assert not any(expired(d, 5.0, 0.0) for d in days)


def test_daily_sums_give_the_window_and_the_running_totals() -> None:
    sums = DailySums(np.zeros(2, dtype=np.int64), np.zeros((1, 2)), window_days=2.0)
    for day in range(5):
        sums.add(float(day), np.array([day, 1]), np.array([[1.0, day]]))
    sums.add(4.0, np.array([10, 0]), np.array([[0.0, 0.0]]))  # a second batch on day 4
    counts, values = sums.window(4.0, 2.0)  # days 2 and 3
    assert counts.tolist() == [5, 2] and values.tolist() == [[2.0, 5.0]]
    counts, values = sums.window(5.0, 2.0)  # days 3 and 4 (both batches)
    assert counts.tolist() == [17, 2] and values.tolist() == [[2.0, 7.0]]
    assert sorted(sums.days) == [3.0, 4.0]  # older days dropped for good
    counts, _ = sums.window(5.0, 0.0)
    assert counts.tolist() == [20, 5] and counts.dtype == np.int64
    whole = DailySums(np.zeros(1), window_days=0.0)
    whole.add(0.0, np.ones(1))
    assert whole.days == {}  # no per-day tables without a sliding window
