"""Reference values a figure draws, computed from a variant's settings (sim.analysis.references)."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.analysis.performative import rrm_expected_path
from sim.analysis.references import CLOSED_FORMS, parameter, scalar_of
from sim.analysis.urn_limits import patrol_share
from sim.scenario.resolve import load_scenario

DAYS = np.arange(0.0, 11.0)


def _urn(rates, **hotspots):
    system = {"kind": "urn_policing", "explore": 0.0, "reported_weight": 0.0, **hotspots}
    return {
        "world": {"regions": ["top1", "top2"], "rates_per_day": rates},
        "systems": {"h": system},
    }


def test_parameter_and_scalar_of():
    config = {"world": {"coupling": [[0.9]], "kind": "x"}}
    assert parameter(config, "world.kind") == "x"
    with pytest.raises(KeyError):
        parameter(config, "world.missing")
    assert scalar_of([[0.9]]) == 0.9 and scalar_of(3) == 3.0
    assert scalar_of([1.0, 2.0]) is None and scalar_of(True) is None and scalar_of("a") is None


def test_the_urns_truth_and_limits():
    truth = CLOSED_FORMS["urn.true_share"]
    limit = CLOSED_FORMS["urn.limit"]
    assert truth(_urn([3.0, 1.0]), "top1", "", DAYS) == pytest.approx(0.75)
    assert truth(_urn([3.0, 1.0]), "top2", "", DAYS) == pytest.approx(0.25)
    assert truth(_urn([3.0, 1.0]), "elsewhere", "", DAYS) is None
    # discovered incidents only, unequal rates: the urn runs away to the higher-rate region
    assert limit(_urn([3.0, 1.0]), "top1", "", DAYS) == pytest.approx(1.0)
    assert limit(_urn([3.0, 1.0]), "top2", "", DAYS) == pytest.approx(0.0)
    # ... exploration sends patrols to the other region too, so its urn share settles where
    # x = 3q / (3q + (1 − q)) with q = 0.8x + 0.1, the patrol share (found here by bisection)
    explored = limit(_urn([3.0, 1.0], explore=0.2), "top1", "", DAYS)
    low, high = 0.5, 1.0
    for _ in range(60):
        x = (low + high) / 2
        q = patrol_share(x, 0.2)
        low, high = (x, high) if 3 * q / (3 * q + 1 - q) > x else (low, x)
    assert explored == pytest.approx(patrol_share(low, 0.2), abs=1e-9)
    assert patrol_share(0.0, 0.2) < explored < patrol_share(1.0, 0.2)
    # the paper's fix follows the truth; a Pólya urn has no deterministic limit
    assert limit(_urn([3.0, 1.0], correction="rejection"), "top1", "", DAYS) == pytest.approx(0.75)
    assert limit(_urn([1.0, 1.0]), "top1", "", DAYS) is None
    # reported incidents mixed in: an interior limit, between the truth and 1
    mixed = limit(_urn([3.0, 1.0], reported_weight=0.3), "top1", "", DAYS)
    assert 0.75 < mixed < 1.0


def _gaussian(means, coupling, every=(1, 1), start=0.0):
    systems = {
        f"m{i}": {"kind": "rrm", "initial_theta": [start], "training": {"every_days": e}}
        for i, e in enumerate(every[: len(means)])
    }
    world = {"kind": "performative_gaussian", "means": means, "coupling": coupling}
    return {"world": world, "systems": systems}


def test_the_rrm_path_is_the_closed_form_iteration():
    path = CLOSED_FORMS["performative.distance_path"]
    one = path(_gaussian([10.0], [[0.9]]), "", "m0", DAYS)
    assert one == pytest.approx(100.0 * 0.9**DAYS)
    coupled = _gaussian([10.0, 5.0], [[0.5, 0.7], [0.7, 0.5]])
    stable = np.linalg.solve(np.eye(2) - np.array([[0.5, 0.7], [0.7, 0.5]]), [10.0, 5.0])
    exact = rrm_expected_path(np.array([10.0, 5.0]), coupled["world"]["coupling"], np.zeros(2), 10)
    for i, name in enumerate(["m0", "m1"]):
        assert path(coupled, "", name, DAYS) == pytest.approx(np.abs(exact[:, i] - stable[i]))
    # not exact RRM (one team retrains every 4 rounds), or no closed form: no reference
    assert (
        path(_gaussian([10.0, 5.0], [[0.5, 0.7], [0.7, 0.5]], every=(1, 4)), "", "m0", DAYS) is None
    )
    assert path({"world": {"kind": "strategic_credit"}, "systems": {}}, "", "", DAYS) is None


def test_sensitivity_and_the_stability_threshold():
    epsilon = CLOSED_FORMS["performative.epsilon"]
    ratio = CLOSED_FORMS["performative.gamma_over_beta"]
    assert epsilon(_gaussian([10.0, 5.0], [[0.5, 0.7], [0.7, 0.5]]), "", "", DAYS) == pytest.approx(
        1.2
    )
    strategic = {"world": {"kind": "strategic_credit", "epsilon": 100.0}, "systems": {}}
    assert epsilon(strategic, "", "", DAYS) == 100.0
    assert ratio(_gaussian([10.0], [[0.9]]), "", "", DAYS) == 1.0
    assert ratio(strategic, "", "", DAYS) is None


def test_the_drawn_rrm_reference_matches_the_simulation():
    """The dotted line on performative_prediction's figure is where the runs actually go."""
    scenario = load_scenario("performative_prediction", variants=["gaussian", "gaussian_weak"])
    result = sim.run(scenario, reps=2, horizon_days=8)
    (reference,) = [
        r for r in result.figure_spec["references"] if r["panel"] == "distance_to_stable"
    ]
    days = np.asarray(reference["days"])
    rows = result.metrics[result.metrics.metric == "distance_to_stable"]
    for variant in ("gaussian", "gaussian_weak"):
        simulated = rows[rows.variant == variant].groupby("day")["value"].mean()
        expected = np.interp(simulated.index, days, reference["values"][variant])
        noise_floor = 0.1 / np.sqrt(1000) * 5  # σ/√n, five times over
        assert np.abs(simulated.to_numpy() - expected).max() < noise_floor + 0.01 * expected.max()


def test_the_day_a_team_changes_its_model():
    change = CLOSED_FORMS["tabular.change_day"]
    config = {"systems": {"a": {"change_day": 70.0}, "b": {"upstream": "a"}}}
    assert change(config, "", "b", DAYS) == 70.0
    assert change({"systems": {"a": {"change_day": 0.0}}}, "", "a", DAYS) is None  # 0: never


def test_the_urn_truth_line_without_declared_rates_is_absent_not_a_crash():
    """Found by the slow property test: a runaway_policing file without world.rates_per_day
    made `debtsim check` end in a KeyError traceback while computing the figure's truth line."""
    import numpy as np

    from sim.analysis.references import urn_true_share

    config = {"world": {"regions": ["top1", "top2"]}}
    assert urn_true_share(config, "top1", "hotspots", np.arange(3)) is None
