"""Long statistical tests (``-m slow``) of attention allocation: the scenario at its published
size (30 seeds × 1,000 steps, every variant) plus the mitigations at every published dynamic
factor d ∈ {0, 0.0025, 0.01, 0.05}; comparisons paired by seed."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

import sim
from sim.scenario.loader import find_scenario, read_scenario_file
from sim.scenario.resolve import resolve_tree

pytestmark = pytest.mark.slow
GREEDY = {0.0: "greedy_static", 0.0025: "greedy_slow", 0.01: "greedy", 0.05: "greedy_fast"}
AGENT, EPSILON = "systems.allocator.agent", "systems.allocator.epsilon"
MITIGATIONS = {
    "uniform": {AGENT: "uniform"},
    "proportional_eps10": {AGENT: "proportional", EPSILON: 0.1},
    "proportional_eps50": {AGENT: "proportional", EPSILON: 0.5},
    "fair_greedy": {AGENT: "fair_greedy"},
}


def name(agent: str, d: float) -> str:
    """The variant running ``agent`` with dynamic factor ``d``."""
    if agent == "greedy":
        return GREEDY[d]
    return agent if d == 0.01 else f"{agent}_d{d}"


@pytest.fixture(scope="module")
def final() -> pd.DataFrame:
    tree = read_scenario_file(find_scenario("attention_allocation"))
    for d in GREEDY:
        if d == 0.01:
            continue
        for agent, patch in MITIGATIONS.items():
            tree["variants"][name(agent, d)] = {
                "description": f"{agent} at d = {d}",
                **patch,
                "world.dynamic_rate": d,
            }
    scenario = resolve_tree(tree, "attention_allocation.toml")
    metrics = sim.run(scenario, jobs=2).metrics
    return metrics[metrics.day == metrics.day.max()]


def _table(final: pd.DataFrame, metric: str, entity: str = "") -> pd.DataFrame:
    rows = final[(final.metric == metric) & (final.entity == entity)]
    return rows.pivot(index="replicate", columns="variant", values="value")


def _greater(x: pd.Series, y: pd.Series, p: float = 1e-3) -> bool:
    return bool(stats.ttest_1samp(x - y, 0, alternative="greater").pvalue < p)


@pytest.mark.parametrize("d", list(GREEDY))
def test_proportional_exploration_closes_the_gap_at_every_d(final: pd.DataFrame, d: float) -> None:
    gap = _table(final, "fairness_gap")
    missed = _table(final, "missed", "site5")
    greedy = name("greedy", d)
    for agent in ("proportional_eps10", "proportional_eps50"):
        assert _greater(gap[greedy], gap[name(agent, d)])
        # Measured Δ reductions 0.09-0.38 (smallest: ε = 0.5 with d = 0.05).
        assert (gap[greedy] - gap[name(agent, d)]).mean() > 0.05
        assert _greater(missed[greedy], missed[name(agent, d)])


@pytest.mark.parametrize("d", list(GREEDY))
def test_uniform_helps_the_quiet_site_but_is_no_fairness_fix(final: pd.DataFrame, d: float) -> None:
    gap = _table(final, "fairness_gap")
    found = _table(final, "discovery_rate", "site5")
    greedy, uniform = name("greedy", d), name("uniform", d)
    assert _greater(found[uniform], found[greedy])
    if d <= 0.01:
        # Uniform under-serves the busy sites: its Δ (≈ 0.33-0.39) is only a little below
        # greedy's (0.40-0.48).
        assert _greater(gap[greedy], gap[uniform], p=0.01)
        assert gap[uniform].mean() > 0.25
    else:
        # With fast dynamics greedy's attended sites empty out and uniform is the less fair.
        assert _greater(gap[uniform], gap[greedy], p=0.01)


def test_the_cost_of_fairness_depends_on_the_dynamics(final: pd.DataFrame) -> None:
    found = _table(final, "total_discovered")
    # Static world: greedy finds the most in every seed.
    for agent in ("uniform", "proportional_eps10", "proportional_eps50"):
        assert (found["greedy_static"] > found[name(agent, 0.0)]).all()
    # Responsive world (d ≥ 0.01): spreading attention finds more, not less.
    for d in (0.01, 0.05):
        assert _greater(found[name("proportional_eps10", d)], found[name("greedy", d)])


def test_fair_greedy(final: pd.DataFrame) -> None:
    gap = _table(final, "fairness_gap")
    # The constraint never binds at the static rates (greedy's allocation has the least spread
    # of f); with d = 0.01 it does, and halves Δ.
    pd.testing.assert_series_equal(gap["fair_greedy_d0.0"], gap["greedy_static"], check_names=False)
    assert _greater(gap["greedy"], gap["fair_greedy"])
    assert gap["fair_greedy"].mean() < 0.6 * gap["greedy"].mean()
