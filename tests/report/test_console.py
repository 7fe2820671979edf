"""Text the command line prints: nouns agree with counts; one replicate prints no interval."""

from __future__ import annotations

import pandas as pd

from sim.report.console import NO_CI, headline_lines, not_applied_lines, plural


def test_counts_agree_with_their_nouns():
    assert [plural(n, "variant") for n in (0, 1, 2)] == ["0 variants", "1 variant", "2 variants"]
    assert plural(1, "replicate") == "1 replicate"
    assert plural(3, "analysis", "analyses") == "3 analyses"


def _summary(n: int, half: float | None) -> pd.DataFrame:
    low, high = (float("nan"), float("nan")) if half is None else (2.0 - half, 2.0 + half)
    rows = [("greedy", "ranker", "", "regret", 2.0, low, high, n)]
    columns = ["variant", "system", "entity", "metric", "mean", "ci_low", "ci_high", "n"]
    return pd.DataFrame(rows, columns=columns)


def test_the_headline_shows_a_ci_only_where_there_is_one():
    two = headline_lines(_summary(2, 0.5), ["greedy"], ["regret"])
    assert "2 ± 0.5" in two[1] and "over 2 replicates" in two[-1]
    one = headline_lines(_summary(1, None), ["greedy"], ["regret"])
    assert one[1].split() == ["greedy", "2"]
    assert NO_CI in one[-1] and "±" not in "".join(one) and "nan" not in "".join(one)


def test_settings_that_do_not_apply_get_one_line_each():
    lines = not_applied_lines({"no_traders": {"systems.desk_a.x=1": "no system 'desk_a'"}})
    assert lines == [
        "    --set systems.desk_a.x=1 does not apply to variant 'no_traders': no system 'desk_a'"
    ]
    assert not_applied_lines({"v": {"world.k": "why"}}, prefix="")[0].strip().startswith("world.k")
