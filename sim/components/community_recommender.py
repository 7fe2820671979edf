"""The recommenders of Chaney et al. (RecSys 2018): content filtering, ideal and random.

Every step the system ranks the whole catalogue for every user (``slate = 0``, as in the
paper; a positive ``slate`` shows only the top items) and never shows a user an item they
already consumed. ``content`` fits each user's profile by non-negative least squares of their
interactions on the known item attributes (:class:`sim.learn.profile_fit.ContentProfiles`)
and ranks by ``θ̂_u·β_i``. For its first ``startup_steps`` steps it ranks at random while
fitting the start-up data as it arrives; then ``training = "repeated"`` keeps refitting after
every step (published: 10 start-up steps, then 90 retrained steps) and ``"single"`` serves
the fit of the start-up data and never trains again (published: 50 + 50). ``ideal`` ranks by
true utility: it reads ``world.truth`` as a *declared, non-audit* read, because the paper's
ideal recommender is an oracle that knows true utility (the exception DESIGN.md allows).
``random`` ranks at random every step. Each ranking carries the user representation behind it
(``θ̂``, the true ``θ`` for the ideal oracle, random vectors for random rankings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sim.components.base.legacy import ServingSystem
from sim.components.community_payloads import CatalogueRequest, Choices, CommunityTruth, Ranking
from sim.components.item_sets import ItemSets
from sim.core.params import param
from sim.engine.component import Process
from sim.engine.environment import Environment
from sim.engine.signals import SignalBus
from sim.learn.profile_fit import ContentProfiles

__all__ = ["CommunityRecommender", "CommunityRecommenderParams"]


@dataclass(frozen=True)
class CommunityRecommenderParams:
    """A recommender of the community world: its algorithm and training protocol."""

    serves: str = param("world", doc="the world whose requests it answers")
    inputs: tuple[str, ...] = param(["world.interactions"], doc="signals its training reads")
    algorithm: Literal["content", "ideal", "random"] = param(
        "content", doc="content filtering, the ideal oracle, or random rankings"
    )
    training: Literal["repeated", "single"] = param(
        "repeated", doc="refit after every step, or fit once at the end of the start-up"
    )
    startup_steps: int = param(10, ge=0, doc="steps of random rankings before the model ranks")
    slate: int = param(0, ge=0, doc="items shown per user, best first (0: the whole catalogue)")
    ridge: float = param(0.0, ge=0, doc="ridge added to BᵀB in the profile fit (0: plain NNLS)")
    fit_sweeps: int = param(100, ge=1, doc="coordinate-descent sweeps per fit at most")
    fit_tol: float = param(1e-9, gt=0, doc="KKT tolerance of a fit, relative to the data")


class CommunityRecommender(ServingSystem):
    """Ranks the catalogue for every user each step; learns from its own users' choices."""

    kind = "community_recommender"
    Params = CommunityRecommenderParams

    def declare(self, bus: SignalBus) -> None:
        self.rankings_signal = self.declare_system(bus, "rankings")
        if self.params.algorithm == "ideal":  # the oracle reads true utility to decide
            bus.declare_read(self.name, f"{self.params.serves}.truth")

    def setup(self, env: Environment) -> None:
        super().setup(env)
        p = self.params
        self.model_ = ContentProfiles(ridge=p.ridge, max_sweeps=p.fit_sweeps, tol=p.fit_tol)
        self.version_ = 0  # models deployed to rank (start-up fits only shape the profiles)
        self.steps_seen_ = 0
        self.attributes_ = np.empty((0, 0))
        self.consumed_: ItemSets | None = None
        env.recorder.declare("model_version", "final", "deployed model version")

    def start(self) -> None:
        self.env.process(self._serve())
        self.env.process(self._collect())

    def _serve(self) -> Process:
        requests_signal = self._bus.get(f"{self.params.serves}.requests")
        while True:
            yield requests_signal.changed()
            request: CatalogueRequest = requests_signal.read(by=self.name)
            self._learn_catalogue(request)
            scores, profiles, version = self._rank(request)
            scores[self.consumed_.members()] = -np.inf  # type: ignore[union-attr]
            slate = self.params.slate
            if 0 < slate < scores.shape[1]:
                hidden = np.argpartition(scores, scores.shape[1] - slate, axis=1)[:, :-slate]
                np.put_along_axis(scores, hidden, -np.inf, axis=1)
            self.rankings_signal.publish(Ranking(scores, version, profiles), by=self.name)

    def _learn_catalogue(self, request: CatalogueRequest) -> None:
        """Take in the items that joined the catalogue since the last request."""
        if self.consumed_ is None:
            self.consumed_ = ItemSets(request.users)
            self.model_.reset(request.users, request.attributes.shape[1])
        new = request.attributes[self.consumed_.items :]
        self.attributes_ = request.attributes
        self.consumed_.grow(new.shape[0])
        self.model_.add_items(new)

    def _rank(self, request: CatalogueRequest) -> tuple[np.ndarray, np.ndarray, int]:
        """Scores (users × items), the user representation behind them, the model version."""
        shape = (request.users, request.attributes.shape[0])
        attributes = request.attributes.shape[1]
        serving = self.steps_seen_ >= self.params.startup_steps
        algorithm = self.params.algorithm
        if algorithm == "ideal":
            truth: CommunityTruth = self._bus.get(f"{self.params.serves}.truth").read(by=self.name)
            if serving:
                return np.array(truth.utility, dtype=np.float32), truth.preferences, 0
            return self._random(shape), truth.preferences, 0
        if algorithm == "content" and self.model_.profiles_ is not None:
            if serving:
                scores = self.model_.scores(request.attributes, np.float32)
                return scores, self.model_.profiles_, self.version_
            return self._random(shape), self.model_.profiles_, 0
        return self._random(shape), self.rng.random((request.users, attributes)), 0

    def _random(self, shape: tuple[int, int]) -> np.ndarray:
        """A uniformly random ranking of every item for every user (as float32 scores)."""
        return self.rng.random(shape, dtype=np.float32)

    def _collect(self) -> Process:
        signals = [self._bus.get(s) for s in self.params.inputs]
        while True:
            yield self.env.any_of([s.changed() for s in signals])
            for signal in signals:
                batches: dict[str, Choices] = signal.read(by=self.name)
                if self.name in batches:
                    self._log(batches[self.name])
            self.env.recorder.record(
                self.env.now + self.env.tick_days, self.name, "model_version", self.version_
            )

    def _log(self, choices: Choices) -> None:
        """Log one step's choices and refit if the training protocol says so."""
        users = np.flatnonzero(choices.items >= 0)
        items = choices.items[users]
        self.consumed_.add(users, items)  # type: ignore[union-attr]
        self.steps_seen_ += 1
        if self.params.algorithm != "content":
            return
        self.model_.add_interactions(users, self.attributes_[items])
        in_startup = self.steps_seen_ <= max(self.params.startup_steps, 1)
        if in_startup or self.params.training == "repeated":
            self.model_.fit()
            deployed = self.steps_seen_ >= self.params.startup_steps  # it ranks from next step
            self.version_ += int(deployed)
            self.env.recorder.event(
                self.env.now, self.name, "retrain", version=self.version_, deployed=deployed
            )
