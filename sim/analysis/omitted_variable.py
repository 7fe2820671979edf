"""Omitted-variable algebra: the squared loss of a model trained without a correlated cause.

The world: ``y = b₁x₁ + b₂x₂ + σe`` with ``x₁``, ``x₂`` of mean 0 and variance 1, correlation
``ρ``, and ``e`` standard normal, independent of both. A model regresses ``y`` on ``x₁`` alone
(with an intercept). Trained where the correlation is ``ρ₀``, its weight converges to

    w = Cov(y, x₁) / Var(x₁) = b₁ + b₂ρ₀          (x₁'s weight absorbs b₂ρ₀)

and its intercept to 0. Served, untouched, where the correlation is now ``ρ``, its expected
squared loss is

    E[(y − w x₁)²] = Var(y) − 2w Cov(y, x₁) + w²
                   = (b₁² + b₂² + 2b₁b₂ρ + σ²) − 2w(b₁ + b₂ρ) + w².

Write ``c = b₁ + b₂ρ`` (the weight a model retrained now would have); since
``c² = b₁² + 2b₁b₂ρ + b₂²ρ²``, the loss is

    σ² + b₂²(1 − ρ²) + (w − c)²  =  σ² + b₂²(1 − ρ²) + b₂²(ρ − ρ₀)².

The three terms: the noise; what ``x₂`` explains beyond ``x₁`` (the cost of omitting it, which a
retrain cannot remove); and the stale weight's error, zero at ``ρ = ρ₀`` (which a retrain
removes). ``b₁`` cancels. Before the change (``ρ = ρ₀``) the loss is ``σ² + b₂²(1 − ρ₀²)``.
A model fitted on ``n`` rows adds a term of order ``(σ² + b₂²(1 − ρ₀²)) · 2/n`` (the estimation
error of its two parameters), negligible for the tens of thousands of rows of a scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["omitted_variable_loss", "omitted_variable_path"]


def omitted_variable_loss(b2: float, rho_trained: float, rho_now: float, noise_sd: float) -> float:
    """Expected squared loss of ``y`` regressed on ``x₁`` alone, trained at correlation
    ``rho_trained`` and served at ``rho_now``: ``σ² + b₂²(1 − ρ²) + b₂²(ρ − ρ₀)²``."""
    for rho in (rho_trained, rho_now):
        if not -1.0 <= rho <= 1.0:
            raise ValueError(f"a correlation is in [-1, 1], not {rho}")
    return noise_sd**2 + b2**2 * (1 - rho_now**2) + b2**2 * (rho_now - rho_trained) ** 2


def omitted_variable_path(
    world: Mapping[str, Any], features: tuple[str, ...], days: np.ndarray
) -> np.ndarray | None:
    """The expected squared loss on each day of a regressor that uses only ``features`` and
    never retrains, in a tabular world with linear labels: ``None`` unless the world is the
    textbook one (two features, the second correlated with the first, the model using the
    first only, unit scales). The correlation on each day includes its abrupt drifts."""
    names = list(world.get("features", {}))
    noise = float(world.get("noise_sd", 0.0))
    if noise <= 0 or len(names) != 2 or list(features) != names[:1]:
        return None
    first, second = (world["features"][n] for n in names)
    if second.get("parent") != names[0] or any(
        float(f.get("scale", 1.0)) != 1.0 for f in (first, second)
    ):
        return None
    rho0 = float(second.get("correlation", 0.0))
    b2 = float(second.get("weight", 0.0))
    target = f"features.{names[1]}.correlation"
    drifts = [d for d in world.get("drift", {}).values() if d.get("target") == target]
    if any(d.get("kind", "gradual") != "abrupt" for d in drifts):
        return None
    out = []
    for day in np.asarray(days, dtype=float):
        shift = sum(float(d["amount"]) for d in drifts if day >= float(d.get("start_day", 0)))
        rho = min(1.0, max(-1.0, rho0 + shift))
        out.append(omitted_variable_loss(b2, rho0, rho, noise))
    return np.asarray(out)
