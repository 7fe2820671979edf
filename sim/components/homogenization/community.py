"""The community world of Chaney, Stewart & Engelhardt (RecSys 2018), with an ideal twin.

Truth lives here: user preferences ``θ_u``, item attributes ``β_i``, true utility ``V_ui``
and the part users know, ``η_ui·V_ui`` (see :mod:`.dynamics`). Each step (one day)
``new_items_per_step`` items join the catalogue, every user asks each serving system for a
ranked list and picks one item by known utility × rank attention ``rank^−a`` among the items
they have not consumed yet (:func:`.attention.attention_choice`); the picks are published on
``world.interactions``. Item attributes are public (content filtering uses them);
``world.truth`` carries true utility and preferences for the ideal recommender, the paper's
oracle.

To measure homogenization *relative to the ideal recommender* within one run, the world also
simulates the same users under the ideal recommender, an internal twin: it ranks by true
utility from step 1 and its users choose by the same deterministic rule, so it draws no
random numbers and is identical in every variant of a replicate. Each step every user (or a
fixed sample of ``metric_users``) is paired with the user most similar to them by cosine
similarity of the representation the serving system ranked with (``pairing = "learned"``;
``"preferences"`` pairs by true preferences, ``"random"`` at random, both fixed), and the world
records the mean Jaccard index of the pairs' interaction sets minus the same pairs' index
under the twin (``homogenization``), and the mean true utility of the chosen items minus the
twin's (``utility``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from sim.analysis.homogenization import nearest_partners, random_partners
from sim.components.base import World
from sim.components.homogenization.attention import attention_choice
from sim.components.homogenization.columns import GrowingColumns
from sim.components.homogenization.dynamics import (
    draw_hyperparameters,
    draw_profiles,
    draw_utilities,
)
from sim.components.homogenization.item_sets import ItemSets
from sim.components.homogenization.payloads import (
    CatalogueRequest,
    Choices,
    CommunityTruth,
    Ranking,
)
from sim.core.errors import ConfigError
from sim.core.params import param
from sim.engine.signals import PerSystem, SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["TWIN", "Community", "CommunityParams"]

TWIN = "ideal"  # entity of the ideal twin's rows


@dataclass(frozen=True)
class CommunityParams:
    """Parameters of the community world (published values of Chaney et al. as defaults)."""

    users: int = param(100, ge=2, doc="number of users")
    attributes: int = param(20, ge=1, doc="K, attributes of preferences and items")
    initial_items: int = param(0, ge=0, doc="items in the catalogue before the first step")
    new_items_per_step: int = param(10, ge=0, doc="items added to the catalogue every step")
    user_concentration: float = param(1.0, gt=0, doc="μ_ρ ~ Dirichlet(this · 1_K) · user_scale")
    user_scale: float = param(10.0, gt=0, doc="scale of the user hyper-parameter μ_ρ")
    item_concentration: float = param(100.0, gt=0, doc="μ_α ~ Dirichlet(this · 1_K) · item_scale")
    item_scale: float = param(0.1, gt=0, doc="scale of the item hyper-parameter μ_α")
    utility_variance: float = param(1e-5, gt=0, lt=0.25, doc="variance of V_ui ~ Beta'(θ·β, ·)")
    known_share: float = param(0.98, gt=0, le=1, doc="mean share η of true utility users know")
    known_variance: float = param(1e-5, ge=0, lt=0.25, doc="variance of η ~ Beta'(known_share, ·)")
    attention_exponent: float = param(0.8, ge=0, doc="a in the attention rank^-a")
    pairing: Literal["learned", "preferences", "random"] = param(
        "learned",
        doc="pair users by the serving system's representation, by true θ, or at random",
    )
    metric_users: int = param(0, ge=0, doc="users whose pairs are measured (0: all users)")

    def __post_init__(self) -> None:
        share = self.known_share
        if self.known_variance > 0 and self.known_variance >= share * (1 - share):
            raise ConfigError(
                f"got {self.known_variance!r}; must be < known_share·(1 − known_share) = "
                f"{share * (1 - share):.3g} (no Beta has that mean and variance), or 0",
                path="known_variance",
            )


@dataclass
class _Population:
    """One copy of the users: what they consumed, what they may still pick, their picks."""

    consumed: ItemSets  # what each user consumed
    known_left: GrowingColumns  # known utility, -inf once consumed
    bound: np.ndarray  # each row's largest known_left: what attention_choice calls m_u
    history: list[np.ndarray] = field(default_factory=list)  # picks per step (-1: none)

    @property
    def sizes(self) -> np.ndarray:
        """Items consumed per user."""
        return self.consumed.sizes


class Community(World):
    """Users × growing catalogue; rankings in, choices out; an ideal twin as the reference."""

    kind = "community"
    Params = CommunityParams
    answer = "rankings"
    request_payload = CatalogueRequest
    answer_payload = Ranking

    def resource_needs(self, wiring: Wiring) -> Needs:
        """The users × items utilities of a catalogue that grows every step, and the rankings."""
        p = self.params
        items = p.initial_items + p.new_items_per_step * wiring.ticks
        return super().resource_needs(wiring) + Needs.arrays(
            (p.users, items),
            (items, p.attributes),
            (p.users, wiring.ticks),
            copies=4 + 3 * len(self.servers),
        )

    def declare(self, bus: SignalBus) -> None:
        self.declare_world(bus, ("interactions", PerSystem(Choices)), ("truth", CommunityTruth))

    def on_setup(self) -> None:
        p, rng, env = self.params, self.rng, self.env
        k = p.attributes
        self.user_hyper = draw_hyperparameters(rng, k, p.user_concentration, p.user_scale)
        self.item_hyper = draw_hyperparameters(rng, k, p.item_concentration, p.item_scale)
        self.preferences = draw_profiles(rng, self.user_hyper, p.users)
        # The measurement draws from a stream of its own: how it samples and pairs users
        # never changes the community.
        metric_rng = env.streams.stream(f"{self.name}.metric")
        self.measured = np.arange(p.users)
        if 0 < p.metric_users < p.users:
            self.measured = np.sort(metric_rng.choice(p.users, p.metric_users, replace=False))
        self._fixed_partners: np.ndarray | None = None
        self._cached: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # server: (profiles, partners)
        if p.pairing == "random":
            self._fixed_partners = random_partners(metric_rng, p.users)[self.measured]
        self.item_attributes = np.empty((0, p.attributes))
        self.true_utility = GrowingColumns(p.users, dtype=np.float32)  # see _population
        self._twin_true_left = GrowingColumns(p.users, dtype=np.float32, fill=-np.inf)
        self.twin = self._population()
        self.populations = {server: self._population() for server in self.servers}
        self.step = 0
        rec = env.recorder
        rec.declare(
            "homogenization",
            "final",
            "Jaccard index of paired users minus the ideal's",
            unit="Jaccard difference",
            bounds=(-1.0, 1.0),
        )
        rec.declare(
            "utility",
            "mean",
            "mean true utility of chosen items minus the ideal's",
            unit="utility difference",
        )
        rec.declare(
            "jaccard",
            "final",
            "mean Jaccard index of paired users' interaction sets",
            unit="Jaccard index",
            bounds=(0.0, 1.0),
        )
        rec.declare(
            "chosen_utility",
            "mean",
            "mean true utility of the items chosen in a step",
            unit="true utility",
        )
        if p.initial_items:
            self._add_items(p.initial_items)

    def _population(self) -> _Population:
        """Utilities are kept in float32: 7 digits rank and choose as well and halve the memory
        traffic of the users × items matrices that every step reads."""
        users = self.params.users
        return _Population(
            ItemSets(users),
            GrowingColumns(users, dtype=np.float32, fill=-np.inf),
            np.full(users, -np.inf, dtype=np.float32),
        )

    def _add_items(self, count: int) -> None:
        """Draw ``count`` new items and every user's true and known utility for them."""
        p, rng = self.params, self.rng
        attributes = draw_profiles(rng, self.item_hyper, count)
        true, known = draw_utilities(
            rng,
            self.preferences,
            attributes,
            p.utility_variance,
            p.known_share,
            p.known_variance,
            dtype=np.float32,  # as stored (see _population)
        )
        self.item_attributes = np.concatenate([self.item_attributes, attributes])
        self.true_utility.append(true)
        self._twin_true_left.append(true)
        for population in [self.twin, *self.populations.values()]:
            population.consumed.grow(count)
            population.known_left.append(known)
            if count:
                np.maximum(population.bound, known.max(axis=1), out=population.bound)

    def make_request(self) -> CatalogueRequest:
        """A new step: new items join the catalogue; truth is published for the oracle."""
        p = self.params
        self.step += 1
        self._add_items(p.new_items_per_step)
        self.publish("truth", CommunityTruth(self.true_utility.view, self.preferences))
        return CatalogueRequest(self.env.now, self.step, p.users, self.item_attributes)

    def resolve(self, request: CatalogueRequest, answers: Sequence[Ranking]) -> None:
        """The twin and every server's users choose; the step is measured; choices published."""
        p = self.params
        twin_picks = attention_choice(
            self._twin_true_left.view,
            self.twin.known_left.view,
            p.attention_exponent,
            self.twin.bound,
        )
        twin_utility = self._consume(self.twin, twin_picks)
        self._twin_true_left.view[self._valid(twin_picks)] = -np.inf
        outcomes = {}
        for server, ranking in zip(self.servers, answers, strict=True):
            population = self.populations[server]
            if ranking.scores.shape != population.known_left.view.shape:
                raise ValueError(
                    f"{server} ranked {ranking.scores.shape} users × items; "
                    f"the catalogue is {population.known_left.view.shape}"
                )
            picks = attention_choice(
                ranking.scores,
                population.known_left.view,
                p.attention_exponent,
                population.bound,
            )
            utility = self._consume(population, picks)
            partners = self._partners(server, ranking)
            self._record(server, population, partners, utility, twin_utility)
            outcomes[server] = Choices(self.env.now, request.step, server, picks)
        self.publish("interactions", outcomes)

    @staticmethod
    def _valid(picks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        users = np.flatnonzero(picks >= 0)
        return users, picks[users]

    def _consume(self, population: _Population, picks: np.ndarray) -> float:
        """Apply one step's picks; return the mean true utility of the chosen items."""
        users, items = self._valid(picks)
        population.consumed.add(users, items)
        known = population.known_left.view
        # A row's largest known utility changes only if its pick was that item: only those
        # rows are searched again.
        stale = users[known[users, items] == population.bound[users]]
        known[users, items] = -np.inf
        if stale.size:
            population.bound[stale] = known[stale].max(axis=1)
        population.history.append(picks)
        if users.size == 0:
            return 0.0
        return float(self.true_utility.view[users, items].mean(dtype=np.float64))

    def _partners(self, server: str, ranking: Ranking) -> np.ndarray:
        """The partner of each measured user for this step's comparison."""
        profiles = ranking.profiles
        if self.params.pairing == "learned" and profiles is not None:
            if profiles.shape[0] != self.params.users:
                raise ValueError(f"profiles {profiles.shape} must have one row per user")
            cached = self._cached.get(server)
            if cached is not None and cached[0] is profiles:  # the same representation object
                return cached[1]
            partners = nearest_partners(profiles, self.measured)
            self._cached[server] = (profiles, partners)
            return partners
        if self._fixed_partners is None:  # "preferences", or a system without a representation
            self._fixed_partners = nearest_partners(self.preferences, self.measured)
        return self._fixed_partners

    def _record(
        self,
        server: str,
        population: _Population,
        partners: np.ndarray,
        utility: float,
        twin_utility: float,
    ) -> None:
        rows = None if self.measured.size == self.params.users else self.measured
        jaccard = float(population.consumed.jaccard(rows, partners).mean())
        twin = float(self.twin.consumed.jaccard(rows, partners).mean())
        day, rec = self.env.now + self.env.tick_days, self.env.recorder
        rec.record(day, server, "homogenization", jaccard - twin)
        rec.record(day, server, "utility", utility - twin_utility)
        rec.record(day, server, "jaccard", jaccard)
        rec.record(day, server, "jaccard", twin, TWIN)
        rec.record(day, server, "chosen_utility", utility)
        rec.record(day, server, "chosen_utility", twin_utility, TWIN)
