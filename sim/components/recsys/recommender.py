"""An ML system that ranks items: model (belief) + policy (slates) + the shared training pipeline.

Serving answers every request batch of the world it serves with the deployed model's policy;
a ``training.holdout_share`` slice gets uniformly random slates, flagged so that unbiased logs
exist (``training.learn_from = "holdout"`` trains on that slice alone). The base pipeline
retrains on its cadence over a window of delivered logs (kept as counts, :class:`CountLog`) and
deploys with its latency. In ``shadow`` mode the system scores requests but is not shown: it
learns from the production logs of the systems that are.

Truth may change over time (a world whose users change), so evaluation metrics read the world's
truth afresh each time they are recorded. A request batch that names an ``available`` number of
items (a growing candidate pool) restricts every slate to items ``0 … available − 1``. The
``oracle`` model is the optimal recommender of published models: it reads the world's truth
before every decision, a declared (non-audit) read that is part of the published model.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base import HOLDOUT_OPTIONS, MLSystem, TrainingParams
from sim.components.recsys.count_log import CountLog
from sim.components.recsys.payloads import Outcomes, Requests, Slates
from sim.core.errors import ConfigError
from sim.core.params import from_mapping, param, suggest, table
from sim.engine.signals import SignalBus
from sim.learn.beliefs import AvailableArms, Oracle
from sim.learn.estimators import BetaBernoulli
from sim.learn.policies import POLICIES, UniformRandom

__all__ = ["MODELS", "Recommender", "RecommenderParams"]

MODELS: dict[str, type] = {"beta_bernoulli": BetaBernoulli, "oracle": Oracle}


@dataclass(frozen=True)
class RecommenderParams:
    """A recommender: which world it serves, what it reads, and its parts."""

    serves: str = param("world", doc="the world whose requests it answers")
    inputs: tuple[str, ...] = param(["world.clicks"], doc="signals its training reads")
    mode: Literal["serve", "shadow"] = param("serve", doc="shadow systems are not shown")
    model: Any = None
    policy: Any = None
    training: TrainingParams = table(TrainingParams(every_days=1.0), doc="training pipeline")


def _build_part(registry: Mapping[str, type], raw: Any, path: str, default_kind: str) -> Any:
    """Validate a ``{kind = ..., ...}`` table against the registry's parameter classes."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError("expected a table with a 'kind' key", path=path)
    kind = raw.get("kind", default_kind)
    if not isinstance(kind, str) or kind not in registry:
        raise ConfigError(
            f"unknown kind {kind!r}{suggest(str(kind), registry)}; "
            f"allowed: {', '.join(sorted(registry))}",
            path=f"{path}.kind",
        )
    return from_mapping(registry[kind], raw, path, ignore=("kind",))


class Recommender(MLSystem):
    """Model + policy + training pipeline, serving one world."""

    kind = "recommender"
    Params = RecommenderParams
    output = "slates"
    output_payload = Slates
    request_payload = Requests
    training_options = HOLDOUT_OPTIONS

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> RecommenderParams:
        """Validate the system table (nested ``model``, ``policy``, ``training`` tables)."""
        cls.check_keys(raw, path)
        flat = {k: v for k, v in raw.items() if k not in ("model", "policy")}
        base = from_mapping(RecommenderParams, flat, path, ignore=("kind", "owner"))
        if not base.inputs or len(set(base.inputs)) != len(base.inputs):
            raise ConfigError(
                f"expected one or more distinct signals, got {list(base.inputs)!r}",
                path=f"{path}.inputs",
            )
        return dataclasses.replace(
            base,
            model=_build_part(MODELS, raw.get("model"), f"{path}.model", "beta_bernoulli"),
            policy=_build_part(POLICIES, raw.get("policy"), f"{path}.policy", "greedy"),
        )

    @property
    def slate(self) -> int:
        """Items per slate."""
        return int(self.params.policy.slate)

    def declare(self, bus: SignalBus) -> None:
        super().declare(bus)
        self.estimates_signal = bus.produce(f"{self.name}.estimates", self.name, np.ndarray)
        # Truth is read for evaluation only (audit), unless the model is an oracle that decides
        # from it as part of a published model: then it is a declared data dependency.
        self._reads_truth = bool(getattr(self.params.model, "reads_truth", False))
        bus.declare_read(self.name, f"{self.params.serves}.truth", audit=not self._reads_truth)

    def make_log(self) -> CountLog:
        return CountLog(self.training.window_days, self.training.learn_from == "holdout")

    def on_setup(self) -> None:
        self._truth_signal = self.bus.get(f"{self.params.serves}.truth")
        self._explore = UniformRandom(slate=self.slate)
        self.env.recorder.declare(
            "estimate_error",
            "final",
            "mean |ctr_hat - ctr_true| over items",
            unit="click probability",
            bounds=(0.0, 1.0),
        )

    def on_start(self) -> None:
        contexts, items = self._ctr_true().shape
        self.log_.resize(contexts, items)
        self.model_ = dataclasses.replace(self.params.model)  # the prior, version 0
        self.model_.reset(contexts, items)

    def _ctr_true(self) -> np.ndarray:
        """The world's current true click rates: audit only (evaluation), or an oracle's input."""
        return self._truth_signal.read(by=self.name).ctr_true

    def _belief(self) -> Any:
        """The deployed model; an oracle is first told the current truth."""
        if self._reads_truth:
            self.model_.observe(self._ctr_true())
        return self.model_

    def _available(self, requests: Requests) -> Any:
        """The belief the policy chooses from: restricted to the available items, if limited."""
        belief = self._belief()
        available = getattr(requests, "available", None)
        if available is None or available >= self.log_.shape[1]:
            return belief
        if available < self.slate:
            raise ConfigError(
                f"only {available} items are available on day {self.env.now:g}, fewer than the "
                f"slate of {self.name!r} ({self.slate})",
                path=f"{self.params.serves}.initial_items",
            )
        return AvailableArms(belief, available)

    # -- the pipeline's hooks ------------------------------------------------------------
    def act(self, request: Requests) -> Slates:
        share = self.training.holdout_share
        belief = self._available(request)
        items = self.params.policy.choose(belief, request.contexts, self.rng, day=self.env.now)
        holdout = np.zeros(len(request.users), dtype=bool)
        if share > 0:
            holdout = self.rng.random(len(request.users)) < share
            if holdout.any():
                items[holdout] = self._explore.choose(belief, request.contexts[holdout], self.rng)
        return Slates(items, holdout, self.version_)

    def select(self, signal: str, value: Mapping[str, Outcomes]) -> Iterable[Outcomes]:
        """Its own outcomes; a shadow system learns from every system shown."""
        if self.serving:
            return [value[self.name]] if self.name in value else []
        return [value[k] for k in sorted(value)]

    def fit(self, window: tuple[np.ndarray, np.ndarray]) -> Any:
        impressions, clicks = window
        candidate = copy.copy(self.params.model)  # a fresh copy of the validated template
        candidate.fit(impressions, clicks)
        return candidate

    def retrain_detail(self, window: tuple[np.ndarray, np.ndarray]) -> Mapping[str, Any]:
        return {"rows": int(window[0].sum())}

    def on_outcomes(self) -> None:
        rec, now = self.env.recorder, self.env.now
        estimates = self._belief().mean()
        error = np.abs(estimates - self._ctr_true())
        rec.record(now, self.name, "estimate_error", error.mean())
        rare = _rarely_shown(self.log_.total_impressions.ravel())
        rec.record(now, self.name, "estimate_error", error.ravel()[rare].mean(), "rarely_shown")
        self.estimates_signal.publish(estimates, by=self.name)


def _rarely_shown(shown: np.ndarray) -> np.ndarray:
    """Mask of the quarter of (user, item) cells shown least, ties to the earlier cell: the
    first quarter of a stable sort, found by a partition (a sort every day was a hot spot)."""
    k = max(1, shown.size // 4)
    kth = np.partition(shown, k - 1)[k - 1]
    rare = shown < kth
    rare[np.flatnonzero(shown == kth)[: k - int(rare.sum())]] = True
    return rare
