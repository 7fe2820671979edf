"""Performative worlds: the data distribution responds to the deployed models (Perdomo et al.).

Each round (one tick) the world reads every serving model's deployed parameters θ, draws fresh
data from ``D(θ)`` and publishes it (``world.data``, one batch per model). Testbeds:

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

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from sim.analysis.performative import coin_stable_point, gaussian_stable_point, spectral_radius
from sim.components.base.legacy import World
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus

__all__ = [
    "CoinParams",
    "DataBatch",
    "GaussianParams",
    "PerformativeCoin",
    "PerformativeGaussian",
    "StrategicCredit",
    "StrategicParams",
]


@dataclass(frozen=True)
class DataBatch:
    """One round of data for one model: labels (and features, for classification)."""

    round: float
    labels: np.ndarray
    features: np.ndarray | None = None


class PerformativeWorld(World):
    """Reads deployed θ, publishes data drawn from D(θ), records distances to stability."""

    expected_models: int | None = 1

    def declare(self, bus: SignalBus) -> None:
        if self.expected_models is not None:
            n = self.expected_models
            self.require_servers(n, n, f"one model per row of the coupling: {n}")
        self.data_signal = bus.produce(f"{self.name}.data", self.name)
        self.declare_answers(bus, "theta")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        rec = env.recorder
        rec.declare("theta", "final", "deployed model parameters")
        rec.declare("theta_change", "final", "‖θ_t − θ_{t−1}‖ between consecutive deployments")
        rec.declare("distance_to_stable", "final", "‖θ_t − θ_PS‖, θ_PS the stable point")
        self._previous: dict[str, np.ndarray] = {}

    def start(self) -> None:
        self.env.process(self._rounds())

    def _rounds(self) -> Process:
        env = self.env
        signals = self.answer_signals("theta")
        yield env.timeout(0)
        while True:
            thetas = [np.atleast_1d(np.asarray(s.read(by=self.name), float)) for s in signals]
            self._evaluate(thetas)
            batches = self.draw(thetas)
            self.data_signal.publish(dict(zip(self.servers, batches, strict=True)), by=self.name)
            yield env.timeout(env.tick_days)

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

    def parameter_names(self, size: int) -> list[str]:
        """Entity names of the parameters (empty for a scalar)."""
        return [""] if size == 1 else [f"theta_{j}" for j in range(size)]

    def stable_points(self) -> list[np.ndarray] | None:
        """The performatively stable point of each model, if known."""
        return None

    def draw(self, thetas: list[np.ndarray]) -> list[DataBatch]:
        """One round of data per model."""
        raise NotImplementedError


@dataclass(frozen=True)
class GaussianParams:
    """Gaussian mean estimation with K coupled models (published: μ = 10, σ = 0.1, ε = 0.9)."""

    means: tuple[float, ...] = param([10.0], doc="μ_i, one per model")
    coupling: tuple[tuple[float, ...], ...] = param(
        [[0.9]], doc="E_ij: model j's θ shifts i's data"
    )
    sigma: float = param(0.1, gt=0, doc="standard deviation of z")
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

    def stable_points(self) -> list[np.ndarray] | None:
        E = np.array(self.params.coupling, dtype=float)
        if np.isclose(np.linalg.det(np.eye(len(E)) - E), 0.0):
            return None
        stable = gaussian_stable_point(np.array(self.params.means), E)
        return [np.array([v]) for v in stable]

    def draw(self, thetas: list[np.ndarray]) -> list[DataBatch]:
        p, now = self.params, self.env.now
        theta = np.array([t[0] for t in thetas])
        centre = np.array(p.means) + np.array(p.coupling) @ theta
        noise = self.rng.standard_normal((len(theta), p.samples_per_round))
        return [DataBatch(now, centre[i] + p.sigma * noise[i]) for i in range(len(theta))]

    @property
    def spectral_radius(self) -> float:
        """ρ(E): RRM converges iff it is below 1."""
        return spectral_radius(np.array(self.params.coupling))


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

    def draw(self, thetas: list[np.ndarray]) -> list[DataBatch]:
        p = self.params
        prob = float(np.clip(0.5 + p.bias + p.epsilon * thetas[0][0], 0.0, 1.0))
        flips = (self.rng.random(p.samples_per_round) < prob).astype(float)
        return [DataBatch(self.env.now, flips)]


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

    def setup(self, env: Environment) -> None:
        super().setup(env)
        p = self.params
        self.w_true = p.weight_scale * self.rng.standard_normal(p.features) / np.sqrt(p.features)

    def parameter_names(self, size: int) -> list[str]:
        strategic = set(self.params.strategic)
        names = [f"{'s' if j in strategic else 'x'}{j}" for j in range(size - 1)]
        return [*names, "intercept"]

    def _applicants(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        X = rng.standard_normal((n, self.params.features))
        y = (rng.random(n) < expit(X @ self.w_true + self.params.base_default_logit)).astype(float)
        return X, y

    def _shift(self, X: np.ndarray, theta: np.ndarray) -> np.ndarray:
        moved = X.copy()
        s = list(self.params.strategic)
        moved[:, s] -= self.params.epsilon * theta[s]
        return moved

    def draw(self, thetas: list[np.ndarray]) -> list[DataBatch]:
        X, y = self._applicants(self.params.applicants_per_round, self.rng)
        theta = thetas[0]
        if theta.size != self.params.features + 1:
            theta = np.zeros(self.params.features + 1)
        return [DataBatch(self.env.now, y, self._shift(X, theta))]
