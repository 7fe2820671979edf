"""The standard figure draws the variants the scenario's ``[figure]`` table names."""

from __future__ import annotations

import matplotlib.pyplot as plt

import sim
from sim.scenario.resolve import load_scenario

SMALL = ["world.users=300", "world.items=20"]


def _legend(figure) -> list[str]:
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]


def test_figure_variants_choose_and_order_the_lines():
    scenario = load_scenario(
        "direct_feedback_loop", [*SMALL, 'figure.variants=["thompson", "greedy"]'], []
    )
    result = sim.run(scenario, reps=2, horizon_days=5)
    figure = result.plot()
    try:
        assert _legend(figure) == ["thompson", "greedy"]
        drawn = {line.get_label() for ax in figure.axes for line in ax.get_lines()}
        assert drawn == {"thompson", "greedy"}
    finally:
        plt.close(figure)


def test_without_figure_variants_every_variant_that_ran_is_drawn():
    scenario = load_scenario("direct_feedback_loop", SMALL, ["greedy", "ucb1"])
    result = sim.run(scenario, reps=2, horizon_days=5)
    figure = result.plot()
    try:
        assert _legend(figure) == ["greedy", "ucb1"]
    finally:
        plt.close(figure)


def test_named_variants_that_did_not_run_fall_back_to_those_that_did():
    scenario = load_scenario(
        "direct_feedback_loop", [*SMALL, 'figure.variants=["thompson"]'], ["greedy"]
    )
    result = sim.run(scenario, reps=2, horizon_days=5)
    figure = result.plot()
    try:
        assert _legend(figure) == ["greedy"]
    finally:
        plt.close(figure)
