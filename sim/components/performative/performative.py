"""Performative worlds: the data distribution responds to the deployed models (Perdomo et al.).

Each round — one round is one day (``tick_days = 1``) — the world asks every serving model for
its deployed parameters θ (``<model>.theta``), draws fresh data from ``D(θ)`` and publishes it
(``world.data``, one batch per model, naming the version it responded to). Testbeds:

- ``performative_gaussian``: K models; model i sees ``z ~ N(μ_i + Σ_j E_ij θ_j, σ²)``. One model
  with ``E = ε`` is Perdomo et al.'s Gaussian mean estimation; two models with off-diagonal
  coupling are two teams' predictors shifting each other's data (a hidden loop);
- ``performative_coin``: ``Y ~ Bernoulli(1/2 + m + εθ)`` (clipped to [0, 1]);
- ``strategic_credit``: synthetic applicants ``x ~ N(0, I)`` who default with probability
  ``σ(x·w* + b*)`` and move their strategic features against the published weights,
  ``x_S ← x_S − ε θ_S``.

The world scores the models against truth: ``theta``, ``theta_change`` and, where the stable
point has a closed form (Gaussian, coin), ``distance_to_stable``. In strategic classification
the stable point depends on the learner's regulariser, which the world does not know; there the
change between consecutive deployments shows convergence, as in Perdomo et al.'s figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.performative import coin_stable_point, gaussian_stable_point
from sim.components.base import World
from sim.components.performative.dynamics import (
    applicants,
    coin_flips,
    gaussian_samples,
    strategic_shift,
    true_weights,
)
from sim.components.performative.payloads import DataBatch, Round, Theta
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.signals import PerSystem, SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = [
    "CoinParams",
    "GaussianParams",
    "PerformativeCoin",
    "PerformativeGaussian",
    "StrategicCredit",
    "StrategicParams",
]

Draw = tuple[np.ndarray, np.ndarray | None]  # one model's labels and features


class PerformativeWorld(World):
    """Asks for deployed θ, publishes data drawn from D(θ), records distances to stability."""

    answer = "theta"
    request_payload = Round
    answer_payload = Theta
    expected_models: int | None = 1

    def declare(self, bus: SignalBus) -> None:
        if self.expected_models is not None:
            n = self.expected_models
            self.require_servers(n, n, f"one model per row of the coupling: {n}")
        self.declare_world(bus, ("data", PerSystem(DataBatch)))

    def on_setup(self) -> None:
        rec = self.env.recorder
        rec.declare("theta", "final", "deployed model parameters", unit="θ")
        rec.declare(
            "theta_change",
            "final",
            "‖θ_t − θ_{t−1}‖ between consecutive deployments",
            unit="distance in θ",
            bounds=(0.0, None),
        )
        rec.declare(
            "distance_to_stable",
            "final",
            "‖θ_t − θ_PS‖, θ_PS the stable point",
            unit="distance in θ",
            bounds=(0.0, None),
        )
        self._previous: dict[str, np.ndarray] = {}

    def make_request(self) -> Round:
        return Round(self.env.now)

    def resolve(self, request: Round, answers: Sequence[Theta]) -> None:
        thetas = [np.atleast_1d(np.asarray(answer.values, float)) for answer in answers]
        self._evaluate(thetas)
        batches = {
            server: DataBatch(request.day, labels, features, answer.version)
            for server, answer, (labels, features) in zip(
                self.servers, answers, self.draw(thetas), strict=True
            )
        }
        self.publish("data", batches)

    def _evaluate(self, thetas: list[np.ndarray]) -> None:
        rec, now = self.env.recorder, self.env.now
        stable = self.stable_points()
        for i, (server, theta) in enumerate(zip(self.servers, thetas, strict=True)):
            names = self.parameter_names(theta.size)
            rec.record_entities(now, server, "theta", names, theta)
            if server in self._previous:
                change = float(np.linalg.norm(theta - self._previous[server]))
                rec.record(now, server, "theta_change", change)
            self._previous[server] = theta
            if stable is not None and np.all(np.isfinite(stable[i])):
                distance = float(np.linalg.norm(theta - stable[i]))
                rec.record(now, server, "distance_to_stable", distance)

    def resource_needs(self, wiring: Wiring) -> Needs:
        """Each round's data for every model (samples × (features + 1)), a few copies."""
        p = self.params
        samples = getattr(p, "samples_per_round", 0) or getattr(p, "applicants_per_round", 0)
        columns = getattr(p, "features", 0) + 1
        models = max(len(self.servers), len(getattr(p, "means", ())), 1)
        return super().resource_needs(wiring) + Needs.arrays((samples, columns, models), copies=8)

    def theta_sizes(self) -> tuple[int, ...]:
        """The lengths of θ a model may deploy in this world."""
        return (1,)

    def publishes_features(self) -> bool:
        """Whether the data carries features (a logistic model needs them)."""
        return False

    def parameter_names(self, size: int) -> list[str]:
        """Entity names of the parameters (empty for a scalar)."""
        return [""] if size == 1 else [f"theta_{j}" for j in range(size)]

    def stable_points(self) -> list[np.ndarray] | None:
        """The performatively stable point of each model, if known."""
        return None

    def draw(self, thetas: list[np.ndarray]) -> list[Draw]:
        """One round of data per model, in server order."""
        raise NotImplementedError


MAX_COUPLING = 1e3  # |E_ij| at most
MAX_THETA_DIGITS = 150  # θ stays below 1e150: its square (a loss) stays a finite float


@dataclass(frozen=True)
class GaussianParams:
    """Gaussian mean estimation with K coupled models (published: μ = 10, σ = 0.1, ε = 0.9)."""

    means: tuple[float, ...] = param([10.0], ge=-1e6, le=1e6, doc="μ_i, one per model")
    coupling: tuple[tuple[float, ...], ...] = param(
        [[0.9]], doc="E_ij: model j's θ shifts i's data"
    )
    sigma: float = param(0.1, gt=0, le=1e6, doc="standard deviation of z")
    samples_per_round: int = param(1000, ge=1, doc="data points each model sees per round")


class PerformativeGaussian(PerformativeWorld):
    """``z_i ~ N(μ_i + Σ_j E_ij θ_j, σ²)`` for K models."""

    kind = "performative_gaussian"
    Params = GaussianParams
    expected_models = None

    def declare(self, bus: SignalBus) -> None:
        p = self.params
        k = len(p.means)
        if len(p.coupling) != k or any(len(row) != k for row in p.coupling):
            raise ConfigError(
                f"expected a {k}×{k} matrix (one row per model)", path="world.coupling"
            )
        self.expected_models = k
        super().declare(bus)

    def validate_wiring(self, wiring: Wiring) -> None:
        """Couplings of at most 1000 in size, and models that, if they run away (ρ(E) > 1),
        stay within what a float squares (θ below 1e150) until the horizon."""
        super().validate_wiring(wiring)
        p = self.params
        for i, row in enumerate(p.coupling):
            for j, value in enumerate(row):
                if not -MAX_COUPLING <= value <= MAX_COUPLING:
                    raise ConfigError(
                        f"got {value!r}; must be >= {-MAX_COUPLING:g} and <= {MAX_COUPLING:g}",
                        path=f"coupling[{i}][{j}]",
                    )
        radius = float(np.max(np.abs(np.linalg.eigvals(np.array(p.coupling, dtype=float)))))
        if radius <= 1.0:
            return
        starts = [abs(v) for s in self.servers for v in wiring.params_of(s).initial_theta]
        scale = max([*map(abs, p.means), *starts, 1.0]) + 10 * p.sigma
        digits = wiring.ticks * np.log10(radius) + np.log10(scale)
        if digits > MAX_THETA_DIGITS:
            raise ConfigError(
                f"the models run away (spectral radius ρ(E) = {radius:.4g}): θ grows about "
                f"ρ(E)^t and would pass 1e{MAX_THETA_DIGITS} within {wiring.horizon_days:g} "
                "days; a shorter horizon or a weaker coupling fits",
                path="coupling",
            )

    def stable_points(self) -> list[np.ndarray] | None:
        E = np.array(self.params.coupling, dtype=float)
        if np.isclose(np.linalg.det(np.eye(len(E)) - E), 0.0):
            return None
        stable = gaussian_stable_point(np.array(self.params.means), E)
        return [np.array([v]) for v in stable]

    def draw(self, thetas: list[np.ndarray]) -> list[Draw]:
        p = self.params
        theta = np.array([t[0] for t in thetas])
        z = gaussian_samples(
            self.rng, np.array(p.means), np.array(p.coupling), theta, p.sigma, p.samples_per_round
        )
        return [(row, None) for row in z]


@dataclass(frozen=True)
class CoinParams:
    """The biased coin ``Y ~ Bernoulli(1/2 + m + εθ)``."""

    bias: float = param(0.1, ge=-0.5, le=0.5, doc="m")
    epsilon: float = param(0.5, doc="ε: how much the deployed θ moves the coin")
    samples_per_round: int = param(1000, ge=1, doc="flips per round")


class PerformativeCoin(PerformativeWorld):
    """One model predicting a coin whose bias follows the prediction."""

    kind = "performative_coin"
    Params = CoinParams

    def stable_points(self) -> list[np.ndarray] | None:
        p = self.params
        if p.epsilon == 1.0:
            return None
        point = coin_stable_point(p.bias, p.epsilon)
        return [np.array([point])] if 0.0 <= 0.5 + p.bias + p.epsilon * point <= 1.0 else None

    def draw(self, thetas: list[np.ndarray]) -> list[Draw]:
        p = self.params
        flips = coin_flips(self.rng, p.bias, p.epsilon, thetas[0][0], p.samples_per_round)
        return [(flips, None)]


@dataclass(frozen=True)
class StrategicParams:
    """Synthetic credit applicants who game the published logistic model."""

    features: int = param(10, ge=1, doc="number of features d")
    strategic: tuple[int, ...] = param(
        [0, 1, 2, 3, 4], doc="indices of the features applicants move"
    )
    epsilon: float = param(1.0, ge=0, doc="ε: x_S ← x_S − ε θ_S")
    applicants_per_round: int = param(5000, ge=10, doc="applicants per round")
    base_default_logit: float = param(-1.0, doc="b*: intercept of the true default model")
    weight_scale: float = param(1.0, ge=0, doc="scale of the true weights w*")


class StrategicCredit(PerformativeWorld):
    """Applicants shift strategic features against the deployed weights; labels do not move."""

    kind = "strategic_credit"
    Params = StrategicParams

    def declare(self, bus: SignalBus) -> None:
        p = self.params
        if any(not 0 <= j < p.features for j in p.strategic):
            raise ConfigError(f"indices must lie in [0, {p.features})", path="world.strategic")
        super().declare(bus)

    def on_setup(self) -> None:
        super().on_setup()
        p = self.params
        self.w_true = true_weights(self.rng, p.features, p.weight_scale)

    def theta_sizes(self) -> tuple[int, ...]:
        """A scalar (no model yet: nothing to game) or one weight per feature and an intercept."""
        return (1, self.params.features + 1)

    def publishes_features(self) -> bool:
        return True

    def parameter_names(self, size: int) -> list[str]:
        strategic = set(self.params.strategic)
        names = [f"{'s' if j in strategic else 'x'}{j}" for j in range(size - 1)]
        return [*names, "intercept"]

    def draw(self, thetas: list[np.ndarray]) -> list[Draw]:
        p = self.params
        X, y = applicants(self.rng, p.applicants_per_round, self.w_true, p.base_default_logit)
        theta = thetas[0]
        if theta.size != p.features + 1:  # before the first fit: nothing to game
            theta = np.zeros(p.features + 1)
        return [(y, strategic_shift(X, theta, p.strategic, p.epsilon))]
