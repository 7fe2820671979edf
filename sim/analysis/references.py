"""Reference values a figure draws next to the simulated trajectories, from a variant's settings.

A scenario's ``[figure]`` table names a reference by a parameter's key path (a target the
scenario sets, such as ``systems.classifier.target_precision``) or by one of the closed forms
below (a published limit: the urn's stable share, θ_PS and the path of repeated risk
minimisation towards it, …). A closed form takes a variant's resolved configuration (a plain
tree, as in the scenario file), the panel's entity and system, and the days, and returns a
number, a curve over days (an array the length of ``days``) or ``None`` where the variant has
no such reference (a strategic world has no closed-form stable point). Nothing here is typed
by hand: every value is computed from the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from sim.analysis.degeneracy import reset_drift_ceiling
from sim.analysis.omitted_variable import omitted_variable_path
from sim.analysis.performative import (
    coin_stable_point,
    gaussian_stable_point,
    spectral_radius,
)
from sim.analysis.urn_limits import (
    patrol_share,
    replacement_matrix,
    stationary_share,
    true_share,
)

__all__ = ["CLOSED_FORMS", "ClosedForm", "Reference", "parameter", "scalar_of"]

Reference = float | np.ndarray | None  # a level, a curve over the panel's days, or nothing
ClosedForm = Callable[[Mapping[str, Any], str, str, np.ndarray], Reference]

_MISSING = object()


def parameter(config: Mapping[str, Any], key: str) -> Any:
    """The value at dotted ``key`` in a resolved configuration tree; ``KeyError`` if absent."""
    node: Any = config
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(key)
        node = node[part]
    return node


def scalar_of(value: Any) -> float | None:
    """A number, or a list nesting exactly one number (a 1×1 coupling), as a float."""
    while isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _get(config: Mapping[str, Any], key: str, default: Any = _MISSING) -> Any:
    try:
        return parameter(config, key)
    except KeyError:
        if default is _MISSING:
            raise
        return default


def _urn_system(config: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for system in _get(config, "systems", {}).values():
        if isinstance(system, Mapping) and system.get("kind") == "urn_policing":
            return system
    return None


def _region(config: Mapping[str, Any], entity: str) -> int | None:
    regions = list(_get(config, "world.regions", []))
    return regions.index(entity) if entity in regions else None


def urn_true_share(
    config: Mapping[str, Any], entity: str, system: str, days: np.ndarray
) -> Reference:
    """The region's share of the true incident rate, ``λ_i / Σλ``: where patrols should be."""
    index = _region(config, entity)
    rates = _get(config, "world.rates_per_day", None)
    if index is None or rates is None:  # the world's own default rates: no line (not a crash)
        return None
    return float(true_share(rates)[index])


def urn_limit(config: Mapping[str, Any], entity: str, system: str, days: np.ndarray) -> Reference:
    """The patrol share the urn settles at (Ensign et al.): the stable root of its drift, with
    exploration; the true share under the rejection fix; ``None`` for a Pólya urn (its limit is
    random) or more than two regions."""
    index, urn = _region(config, entity), _urn_system(config)
    rates = list(_get(config, "world.rates_per_day", []))
    if index is None or urn is None or len(rates) != 2:
        return None
    explore = float(urn.get("explore", 0.0))
    if urn.get("correction", "none") == "rejection":
        share_a = float(true_share(rates)[0])
    else:
        matrix = replacement_matrix(rates, float(urn.get("reported_weight", 0.0)))
        share_a = stationary_share(matrix, explore)
    if not np.isfinite(share_a):
        return None
    limit_a = patrol_share(share_a, explore)
    return limit_a if index == 0 else 1.0 - limit_a


def _gaussian(config: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray] | None:
    if _get(config, "world.kind", "") != "performative_gaussian":
        return None
    means = np.asarray(_get(config, "world.means", [10.0]), dtype=float)
    coupling = np.atleast_2d(np.asarray(_get(config, "world.coupling", [[0.9]]), dtype=float))
    return means, coupling


def _coin(config: Mapping[str, Any]) -> tuple[float, float] | None:
    if _get(config, "world.kind", "") != "performative_coin":
        return None
    return float(_get(config, "world.bias", 0.1)), float(_get(config, "world.epsilon", 0.3))


def _rrm_systems(config: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The repeated-risk-minimisation systems, in the order the world serves them."""
    systems = _get(config, "systems", {})
    return {n: s for n, s in systems.items() if isinstance(s, Mapping) and s.get("kind") == "rrm"}


def _exact_rrm(systems: Mapping[str, Mapping[str, Any]]) -> bool:
    """Every model retrains every round: the closed form's exact RRM."""
    return all(int(s.get("training", {}).get("every_days", 1)) == 1 for s in systems.values())


def _rrm_start(systems: Mapping[str, Mapping[str, Any]], size: int) -> np.ndarray:
    starts = [float(np.ravel(s.get("initial_theta", [0.0]))[0]) for s in systems.values()]
    return np.resize(np.asarray(starts or [0.0], dtype=float), size)


def rrm_distance_path(
    config: Mapping[str, Any], entity: str, system: str, days: np.ndarray
) -> Reference:
    """Exact repeated risk minimisation's distance to θ_PS on each day (Perdomo et al.):
    ``‖E^t (θ_0 − θ_PS)‖`` for the Gaussian testbed (and ``ε^t |θ_0 − θ_PS|`` for the coin),
    a straight line of slope ``ln ρ(E)`` on a log axis; ``None`` for other worlds."""
    rounds = np.asarray(days, dtype=float)
    gaussian, coin, systems = _gaussian(config), _coin(config), _rrm_systems(config)
    if not _exact_rrm(systems) or (system and system not in systems):
        return None
    if gaussian is not None:
        means, coupling = gaussian
        if np.any(np.isclose(np.linalg.eigvals(coupling), 1.0)):
            return None
        stable = gaussian_stable_point(means, coupling)
        gap = _rrm_start(systems, stable.size) - stable
        model = list(systems).index(system) if system else 0
        path = [np.linalg.matrix_power(coupling, int(t)) @ gap for t in rounds]
        return np.abs(np.array([p[model] for p in path]))
    if coin is not None:
        bias, epsilon = coin
        start = float(_rrm_start(systems, 1)[0])
        return np.abs(start - coin_stable_point(bias, epsilon)) * abs(epsilon) ** rounds
    return None


def performative_sensitivity(
    config: Mapping[str, Any], entity: str, system: str, days: np.ndarray
) -> Reference:
    """ε, how strongly the world reacts to the deployed model: ρ(E) for the Gaussian testbed,
    the coin's and the strategic world's ``epsilon``."""
    gaussian = _gaussian(config)
    if gaussian is not None:
        return spectral_radius(gaussian[1])
    return scalar_of(_get(config, "world.epsilon", None))


def performative_stability_ratio(
    config: Mapping[str, Any], entity: str, system: str, days: np.ndarray
) -> Reference:
    """γ/β, the threshold RRM converges below (Perdomo et al., Theorem 3.5): 1 for the squared
    loss of the Gaussian and coin testbeds (γ = β = 1); ``None`` where it has no closed form."""
    if _gaussian(config) is not None or _coin(config) is not None:
        return 1.0
    return None


def reset_ceiling(
    config: Mapping[str, Any], entity: str, system: str, days: np.ndarray
) -> Reference:
    """The ceiling on the mean drift ``E‖μ_t − μ_0‖²`` that interest resets impose (Khritankov &
    Pilkevich); ``None`` without resets, or when resets are too rare to bound the drift."""
    world = _get(config, "world", {})
    if world.get("kind") != "interest" or float(world.get("reset_prob", 0.0)) <= 0:
        return None
    ceiling = reset_drift_ceiling(
        int(world.get("items", 10)),
        float(world["reset_prob"]),
        float(world.get("reset_scale", 0.0)),
        float(world.get("interest_low", -0.5)),
        float(world.get("interest_high", 0.5)),
        float(world.get("delta_low", 0.0)),
        float(world.get("delta_high", 0.01)),
    )
    return ceiling if np.isfinite(ceiling) else None


def change_day(config: Mapping[str, Any], entity: str, system: str, days: np.ndarray) -> Reference:
    """The day a team changes its model (the first system's ``change_day`` > 0): an event every
    panel of a cascade shows; ``None`` where no system changes (0 means never)."""
    for params in _get(config, "systems", {}).values():
        if isinstance(params, Mapping) and float(params.get("change_day", 0.0)) > 0:
            return float(params["change_day"])
    return None


def omitted_variable_reference(
    config: Mapping[str, Any], entity: str, system: str, days: np.ndarray
) -> Reference:
    """The textbook omitted-variable loss of the panel's regressor on each day (see
    :mod:`sim.analysis.omitted_variable`); ``None`` where the variant is not the textbook case
    or the regressor retrains."""
    params = _get(config, "systems", {}).get(system)
    if not isinstance(params, Mapping) or params.get("kind") != "regressor":
        return None
    if float(params.get("training", {}).get("every_days", 0.0)) > 0:
        return None
    return omitted_variable_path(_get(config, "world", {}), tuple(params.get("features", ())), days)


CLOSED_FORMS: dict[str, ClosedForm] = {
    "tabular.change_day": change_day,
    "omitted_variable.loss": omitted_variable_reference,
    "degeneracy.reset_ceiling": reset_ceiling,
    "urn.true_share": urn_true_share,
    "urn.limit": urn_limit,
    "performative.distance_path": rrm_distance_path,
    "performative.epsilon": performative_sensitivity,
    "performative.gamma_over_beta": performative_stability_ratio,
}
