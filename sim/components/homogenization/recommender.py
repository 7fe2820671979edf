"""The recommenders of Chaney et al. (RecSys 2018): content filtering, ideal and random.

Every step the system ranks the whole catalogue for every user (``slate = 0``, as in the
paper; a positive ``slate`` shows only the top items) and never shows a user an item it knows
they consumed. ``content`` ranks by ``θ̂_u·β_i``, where the deployed model ``θ̂`` is each
user's non-negative least-squares fit of their interactions on the known item attributes
(:func:`sim.learn.profile_fit.nnls_gram` over the sums kept by :class:`InteractionLog`). One
step is one day (``tick_days = 1``), so the shared training pipeline's ``every_days = 1``
retrains once per step, at the start of the day, on every step logged so far. For its first
``startup_steps`` logged steps the system ranks at random; the first retrain after them
deploys version 1. Then ``protocol = "repeated"`` keeps retraining every ``every_days``
(published: 10 start-up steps, then 90 retrained steps) and ``"single"`` serves that model and
never retrains (published: 50 + 50). During the start-up no model is deployed; the ranking
reports, as the system's representation of its users, the profile fit of the start-up data so
far (what the world pairs users by; Chaney et al. fit the start-up data as it arrives).
``ideal`` ranks by true utility: it reads ``world.truth`` as a *declared, non-audit* read,
because the paper's ideal recommender is an oracle that knows true utility. ``random`` ranks
at random every step. Each ranking carries the user representation behind it (``θ̂``, the true
``θ`` for the ideal oracle, random vectors for random rankings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base import MLSystem, TrainingParams
from sim.components.homogenization.interaction_log import InteractionLog, InteractionWindow
from sim.components.homogenization.payloads import CatalogueRequest, CommunityTruth, Ranking
from sim.core.errors import ConfigError
from sim.core.params import param, table
from sim.engine.signals import SignalBus
from sim.learn.linalg import matmul_rows
from sim.learn.profile_fit import nnls_gram

__all__ = ["CommunityRecommender", "CommunityRecommenderParams"]


@dataclass(frozen=True)
class CommunityRecommenderParams:
    """A recommender of the community world: its algorithm and training protocol."""

    serves: str = param("world", doc="the world whose requests it answers")
    inputs: tuple[str, ...] = param(["world.interactions"], doc="signals its training reads")
    algorithm: Literal["content", "ideal", "random"] = param(
        "content", doc="content filtering, the ideal oracle, or random rankings"
    )
    protocol: Literal["repeated", "single"] = param(
        "repeated", doc="keep retraining after the start-up, or train once when it ends"
    )
    startup_steps: int = param(10, ge=0, doc="steps (days) of random rankings before the model")
    slate: int = param(0, ge=0, doc="items shown per user, best first (0: the whole catalogue)")
    ridge: float = param(0.0, ge=0, doc="ridge added to BᵀB in the profile fit (0: plain NNLS)")
    fit_sweeps: int = param(100, ge=1, le=1000, doc="coordinate-descent sweeps per fit at most")
    fit_tol: float = param(1e-9, gt=0, doc="KKT tolerance of a fit, relative to the data")
    training: TrainingParams = table(TrainingParams(every_days=1.0), doc="training pipeline")


class CommunityRecommender(MLSystem):
    """Ranks the catalogue for every user each step; learns from its own users' choices."""

    kind = "community_recommender"
    Params = CommunityRecommenderParams
    output = "rankings"
    output_payload = Ranking
    request_payload = CatalogueRequest
    model_: np.ndarray | None  # the deployed profiles θ̂ (users × K)
    log_: InteractionLog

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> CommunityRecommenderParams:
        """Validate the table; the old ``training = "repeated" | "single"`` names its new key."""
        if isinstance(raw.get("training"), str):
            raise ConfigError(
                f"this setting moved: write protocol = {raw['training']!r} (training is now the "
                "training pipeline's table, with the same keys and units in every system)",
                path=f"{path}.training",
            )
        params: CommunityRecommenderParams = super().parse(raw, path)
        if not params.inputs or len(set(params.inputs)) != len(params.inputs):
            raise ConfigError(
                f"expected one or more distinct signals, got {list(params.inputs)!r}",
                path=f"{path}.inputs",
            )
        return params

    def declare(self, bus: SignalBus) -> None:
        super().declare(bus)
        if self.params.algorithm == "ideal":  # the oracle reads true utility to decide
            bus.declare_read(self.name, f"{self.params.serves}.truth", expects=CommunityTruth)

    def make_log(self) -> InteractionLog:
        return InteractionLog(self.training.window_days)

    def on_setup(self) -> None:
        self.profiles_: np.ndarray | None = None  # the latest profile fit (warm start)

    # -- the pipeline's hooks ------------------------------------------------------------
    def act(self, request: CatalogueRequest) -> Ranking:
        log = self.log_
        log.see_catalogue(request)
        scores, profiles, version = self._rank(request)
        assert log.consumed is not None
        scores[log.consumed.members()] = -np.inf
        slate = self.params.slate
        if 0 < slate < scores.shape[1]:
            hidden = np.argpartition(scores, scores.shape[1] - slate, axis=1)[:, :-slate]
            np.put_along_axis(scores, hidden, -np.inf, axis=1)
        return Ranking(scores, version, profiles)

    def fit(self, window: InteractionWindow) -> np.ndarray | None:
        """New profiles, once the start-up is over (``single``: only the first time)."""
        p = self.params
        if p.algorithm != "content" or window.steps < max(p.startup_steps, 1):
            return None
        if p.protocol == "single" and self.latest_version_ > 0:
            return None
        return self._fit_profiles(window)

    def retrain_detail(self, window: InteractionWindow) -> Mapping[str, Any]:
        return {"steps": window.steps}

    def on_logged(self, outcome: Any) -> None:
        """During the start-up, fit the data as it arrives: the users' representation only."""
        if self.params.algorithm == "content" and self.log_.steps < self.params.startup_steps:
            self._fit_profiles(self.log_.window(self.env.now, self.training.window_days))

    # -- ranking -------------------------------------------------------------------------
    def _fit_profiles(self, window: InteractionWindow) -> np.ndarray:
        """NNLS profiles of the window, warm-started from the latest fit."""
        p = self.params
        self.profiles_ = nnls_gram(
            window.gram,
            window.rhs,
            init=self.profiles_,
            ridge=p.ridge,
            max_sweeps=p.fit_sweeps,
            tol=p.fit_tol,
        )
        return self.profiles_

    def _rank(self, request: CatalogueRequest) -> tuple[np.ndarray, np.ndarray, int]:
        """Scores (users × items), the user representation behind them, the model version."""
        shape = (request.users, request.attributes.shape[0])
        attributes = request.attributes.shape[1]
        algorithm = self.params.algorithm
        if algorithm == "ideal":
            truth: CommunityTruth = self.bus.get(f"{self.params.serves}.truth").read(by=self.name)
            if self.log_.steps >= self.params.startup_steps:
                return np.array(truth.utility, dtype=np.float32), truth.preferences, 0
            return self._random(shape), truth.preferences, 0
        if algorithm == "content":
            if self.model_ is not None:
                scores = matmul_rows(self.model_, request.attributes.T, dtype=np.float32)
                return scores, self.model_, self.version_
            if self.profiles_ is not None:  # the start-up: a representation, not deployed
                return self._random(shape), self.profiles_, 0
        return self._random(shape), self.rng.random((request.users, attributes)), 0

    def _random(self, shape: tuple[int, int]) -> np.ndarray:
        """A uniformly random ranking of every item for every user (as float32 scores)."""
        return self.rng.random(shape, dtype=np.float32)
