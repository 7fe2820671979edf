"""An ML system that ranks items: model (belief) + policy (slates) + training pipeline.

Serving answers every request batch of the world it serves with the deployed model's policy;
a ``holdout_share`` slice gets uniformly random slates, flagged so that unbiased logs exist.
Training runs as its own process on its own cadence over a window of delivered logs; each deploy
bumps ``version_``. In ``shadow`` mode the system scores requests but is not shown: it learns from
the production logs of the systems that are.

Truth may change over time (a world whose users change), so evaluation metrics read the world's
truth afresh each time they are recorded. A request batch that names an ``available`` number of
items (a growing candidate pool) restricts every slate to items ``0 … available − 1``. The
``oracle`` model is the optimal recommender of published models: it reads the world's truth
before every decision, a declared (non-audit) read that is part of the published model.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.components.base.legacy import ServingSystem
from sim.components.payloads import Outcomes, Requests, Slates
from sim.components.pipeline import CountLog, TrainingParams
from sim.core.errors import ConfigError
from sim.core.params import from_mapping, param, suggest
from sim.engine.component import Process
from sim.engine.environment import Environment
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
    training: TrainingParams = dataclasses.field(default_factory=TrainingParams)


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


class Recommender(ServingSystem):
    """Model + policy + training pipeline, serving one world."""

    kind = "recommender"
    Params = RecommenderParams

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> RecommenderParams:
        """Validate the system table (nested ``model``, ``policy``, ``training`` tables)."""
        flat = {k: v for k, v in raw.items() if k not in ("model", "policy", "training")}
        base = from_mapping(RecommenderParams, flat, path, ignore=("kind", "owner"))
        if not base.inputs or len(set(base.inputs)) != len(base.inputs):
            raise ConfigError(
                f"expected one or more distinct signals, got {list(base.inputs)!r}",
                path=f"{path}.inputs",
            )
        return RecommenderParams(
            serves=base.serves,
            inputs=base.inputs,
            mode=base.mode,
            model=_build_part(MODELS, raw.get("model"), f"{path}.model", "beta_bernoulli"),
            policy=_build_part(POLICIES, raw.get("policy"), f"{path}.policy", "greedy"),
            training=from_mapping(TrainingParams, raw.get("training", {}), f"{path}.training"),
        )

    @property
    def serving(self) -> bool:
        """Whether the world shows this system's slates."""
        return self.params.mode == "serve"

    def declare(self, bus: SignalBus) -> None:
        world = self.params.serves
        self.slates_signal = self.declare_system(bus, "slates")
        self.estimates_signal = bus.produce(f"{self.name}.estimates", self.name)
        # Truth is read for evaluation only (audit), unless the model is an oracle that decides
        # from it as part of a published model: then it is a declared data dependency.
        self._reads_truth = bool(getattr(self.params.model, "reads_truth", False))
        bus.declare_read(self.name, f"{world}.truth", audit=not self._reads_truth)
        self._check_catalogue(bus)

    def _check_catalogue(self, bus: SignalBus) -> None:
        """A world that publishes its catalogue when declaring must offer a full first slate."""
        world = self.params.serves
        catalogue = bus.signals.get(f"{world}.catalogue")
        if catalogue is None:
            return
        bus.declare_read(self.name, catalogue.name)
        initial = getattr(catalogue.read(by=self.name), "initial", None)
        slate = self.params.policy.slate
        if initial is not None and initial < slate:
            raise ConfigError(
                f"got {initial}; must be >= the slate of systems.{self.name} ({slate}): a slate "
                "holds distinct available items",
                path=f"{world}.initial_items",
            )

    def setup(self, env: Environment) -> None:
        super().setup(env)
        self._truth_signal = self._bus.get(f"{self.params.serves}.truth")
        contexts, items = self._ctr_true().shape
        self.log = CountLog(contexts, items, self.params.training.window_days)
        self.model_ = dataclasses.replace(self.params.model)
        self.model_.reset(contexts, items)
        self.version_ = 0
        self._explore = UniformRandom(slate=self.params.policy.slate)
        rec = env.recorder
        rec.declare("estimate_error", "final", "mean |ctr_hat - ctr_true| over items")
        rec.declare("model_version", "final", "deployed model version")

    def start(self) -> None:
        self.env.process(self._serve())
        self.env.process(self._collect())
        self.env.process(self._train())

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
        if available is None or available >= self.log.shape[1]:
            return belief
        if available < self.params.policy.slate:
            raise ConfigError(
                f"only {available} items are available on day {self.env.now:g}, fewer than the "
                f"slate of {self.name!r} ({self.params.policy.slate})",
                path=f"{self.params.serves}.initial_items",
            )
        return AvailableArms(belief, available)

    def _serve(self) -> Process:
        requests_signal = self._bus.get(f"{self.params.serves}.requests")
        policy, share = self.params.policy, self.params.training.holdout_share
        while True:
            requests: Requests = yield requests_signal.changed()
            requests = requests_signal.read(by=self.name)
            belief = self._available(requests)
            items = policy.choose(belief, requests.contexts, self.rng, day=self.env.now)
            holdout = np.zeros(len(requests.users), dtype=bool)
            if share > 0:
                holdout = self.rng.random(len(requests.users)) < share
                if holdout.any():
                    items[holdout] = self._explore.choose(
                        belief, requests.contexts[holdout], self.rng
                    )
            self.slates_signal.publish(Slates(items, holdout, self.version_), by=self.name)

    def _collect(self) -> Process:
        clicks_signals = [self._bus.get(s) for s in self.params.inputs]
        delay = self.params.training.label_delay_days
        while True:
            yield self.env.any_of([s.changed() for s in clicks_signals])
            for signal in clicks_signals:
                batches: dict[str, Outcomes] = signal.read(by=self.name)
                for outcome in self._own(batches):
                    arrival = self.env.timeout(delay, value=outcome)
                    arrival.callbacks.append(lambda event: self._log(event.value))
            self._record()

    def _own(self, batches: Mapping[str, Outcomes]) -> list[Outcomes]:
        if self.serving:
            return [batches[self.name]] if self.name in batches else []
        return [batches[k] for k in sorted(batches)]

    def _log(self, outcome: Outcomes) -> None:
        keep = slice(None)
        if self.params.training.learn_from == "holdout":
            keep = outcome.holdout
        self.log.add(outcome.day, outcome.contexts[keep], outcome.items[keep], outcome.clicks[keep])

    def _train(self) -> Process:
        training = self.params.training
        while True:
            yield self.env.timeout(training.every_days)
            impressions, clicks = self.log.training_counts(self.env.now)
            candidate = copy.copy(self.params.model)  # a fresh copy of the validated template
            candidate.fit(impressions, clicks)
            self.env.recorder.event(self.env.now, self.name, "retrain", rows=int(impressions.sum()))
            if training.deploy_latency_days > 0:
                yield self.env.timeout(training.deploy_latency_days)
            self.model_ = candidate
            self.version_ += 1
            self.env.recorder.event(self.env.now, self.name, "deploy", version=self.version_)

    def _record(self) -> None:
        rec, now = self.env.recorder, self.env.now
        estimates = self._belief().mean()
        error = np.abs(estimates - self._ctr_true())
        rec.record(now, self.name, "estimate_error", error.mean())
        shown = self.log.total_impressions.ravel()
        rare = np.argsort(shown, kind="stable")[: max(1, shown.size // 4)]
        rec.record(now, self.name, "estimate_error", error.ravel()[rare].mean(), "rarely_shown")
        rec.record(now, self.name, "model_version", self.version_)
        self.estimates_signal.publish(estimates, by=self.name)
