"""The ML system's lifecycle: serve, collect, train, deploy — one pipeline for every system.

A system implements only how it acts on a request with its deployed model (:meth:`act`) and
how it fits a model to a training window (:meth:`fit`); the base owns the rest, with the same
names and units everywhere (:class:`~sim.components.base.training.TrainingParams`):

- **serve**: on each request of the world it ``serves``, publish ``act(request)`` on
  ``<name>.<output>`` (systems with no ``output`` publish on their own schedule);
- **collect**: on each publish of a learning input, take this system's outcomes
  (:meth:`select`) and deliver each to the log ``label_delay_days`` later;
- **train**: every ``every_days``, at the start of the day (before the world's tick), fit a
  candidate on the window, record a ``retrain`` event with the candidate's version, wait
  ``deploy_latency_days`` and deploy it: ``version_`` goes up, a ``deploy`` event and the
  ``model_version`` metric are recorded and a :class:`Deploy` is published on
  ``<name>.deploys``;
- **control**: monitors' commands addressed to the system (rollback to the version that served
  before the current one, pause retraining, retrain now, recalibrate).

A model available before any data (:meth:`initial_model`) is deployed as version 1 at time 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, final

from sim.components.base.payloads import Command, Deploy
from sim.components.base.training import BASE_OPTIONS, OutcomeLog, TrainingLog, TrainingParams
from sim.core.errors import ConfigError
from sim.core.params import from_mapping
from sim.engine.component import Component, Process, ProcessFactory
from sim.engine.signals import Contract, Signal, SignalBus
from sim.engine.wiring import Needs, Wiring

__all__ = ["KEEP_VERSIONS", "MLSystem"]

KEEP_VERSIONS = 5  # model versions kept for rollback
MOVED_TRAINING_KEYS = {
    "every_days": "training.every_days",
    "refit_every_steps": "training.every_days",
    "window_days": "training.window_days",
    "window_steps": "training.window_days",
    "label_delay_days": "training.label_delay_days",
    "train_on": "training.learn_from",
    "learn_from": "training.learn_from",
}


class MLSystem(Component):
    """Model + policy + training pipeline. ``Params`` has ``serves``, ``inputs``, ``training``.

    Class attributes: ``output`` (the answer signal's suffix; empty for a system that does not
    answer requests), ``output_payload``, ``request_payload`` (contracts), and
    ``training_options`` (the training keys this system supports).
    """

    section: ClassVar[str] = "systems"
    output: ClassVar[str] = ""
    output_payload: ClassVar[Contract | None] = None
    request_payload: ClassVar[Contract | None] = None
    training_options: ClassVar[frozenset[str]] = BASE_OPTIONS
    model_: Any  # the deployed model
    log_: Any  # the training log (a TrainingLog)
    moved_keys: ClassVar[Mapping[str, str]] = {}  # an old key → where it lives now

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "processes" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides processes(), which is final for ML systems; "
                "implement act()/fit() and, for other processes, more_processes()"
            )

    @classmethod
    def parse(cls, raw: Mapping[str, Any], path: str) -> Any:
        """Validate the system's table; training keys the system does not support are refused."""
        cls.check_keys(raw, path)
        return from_mapping(cls.Params, raw, path, ignore=("kind", "owner"))

    @classmethod
    def check_keys(cls, raw: Mapping[str, Any], path: str) -> None:
        """Refuse keys that moved (naming where they live now) and unsupported training keys."""
        moved = {**MOVED_TRAINING_KEYS, **cls.moved_keys}
        for key in raw:
            if key in moved and key not in {f.name for f in dataclasses.fields(cls.Params)}:
                raise ConfigError(
                    f"this setting moved: write {moved[key]} (the training pipeline has the same "
                    "keys and units in every system)",
                    path=f"{path}.{key}",
                )
        training = raw.get("training")
        if isinstance(training, Mapping):
            for key in training:
                if key in TrainingParams.__dataclass_fields__ and key not in cls.training_options:
                    allowed = ", ".join(sorted(cls.training_options))
                    raise ConfigError(
                        f"a {cls.kind} system has no {key.replace('_', ' ')}; allowed training "
                        f"keys: {allowed}",
                        path=f"{path}.training.{key}",
                    )

    @property
    def training(self) -> TrainingParams:
        """The training pipeline's settings."""
        return self.params.training

    @property
    def serving(self) -> bool:
        """Whether the world it serves waits for (and uses) this system's answers."""
        return bool(self.output) and getattr(self.params, "mode", "serve") == "serve"

    # -- wiring --------------------------------------------------------------------------
    def declare(self, bus: SignalBus) -> None:
        """Produce the answer and deploy signals; read the world's requests and the inputs.

        Overrides call ``super().declare(bus)`` and then declare their other signals.
        """
        if self.output:
            self.output_signal = bus.produce(
                f"{self.name}.{self.output}", self.name, self.output_payload
            )
            bus.declare_read(
                self.name, f"{self.params.serves}.requests", expects=self.request_payload
            )
        for name in self.params.inputs:
            bus.declare_read(self.name, name, expects=self.input_payload(name))
        self.deploys_signal = bus.produce(f"{self.name}.deploys", self.name, Deploy)

    # -- hooks ---------------------------------------------------------------------------
    def validate_wiring(self, wiring: Wiring) -> None:
        """The retrain cadence: 0 (never) or at most 100 retrains per tick. Overrides call
        ``super().validate_wiring(wiring)``."""
        wiring.check_cadence(self.training.every_days, "training.every_days", "retrain")

    def resource_needs(self, wiring: Wiring) -> Needs:
        """Serving and collecting at every tick, and a retrain every ``training.every_days``."""
        return Needs.per_tick(wiring, events=4, rows=3) + Needs.every(
            wiring, self.training.every_days, events=4, rows=4
        )

    def input_payload(self, signal: str) -> Contract | None:
        """The contract this system expects on the input ``signal`` (None: not checked)."""
        return None

    def act(self, request: Any) -> Any:
        """The answer to one request, with the deployed model (``None``: publish nothing)."""
        raise NotImplementedError(f"{type(self).__name__} answers requests but has no act()")

    def fit(self, window: Any) -> Any:
        """A candidate model fitted to the training window (``None``: nothing to deploy)."""
        return None

    def deploy(self, model: Any) -> Mapping[str, Any] | None:
        """Put ``model`` into service; return what the deploy changed (event detail)."""
        self.model_ = model
        return None

    def on_start(self) -> None:
        """First thing at time 0, when signals can be read (size state from the world)."""

    def initial_model(self) -> Any:
        """A model available before any data (deployed as version 1 at time 0), or None."""
        return None

    def make_log(self) -> TrainingLog:
        """The log that outcomes are delivered to."""
        return OutcomeLog()

    def learning_inputs(self) -> tuple[str, ...]:
        """The input signals whose outcomes are logged for training (default: all inputs)."""
        return tuple(self.params.inputs)

    def select(self, signal: str, value: Any) -> Iterable[Any]:
        """This system's outcomes in a published value (default: its entry in a per-system map)."""
        if isinstance(value, Mapping):
            return [value[self.name]] if self.name in value else []
        return [value]

    def on_outcomes(self) -> None:
        """Called after each publish of a learning input is handled (record metrics here)."""

    def on_logged(self, outcome: Any) -> None:
        """Called when an outcome arrives in the log, after its label delay."""

    def retrain_detail(self, window: Any) -> Mapping[str, Any]:
        """Extra detail of the ``retrain`` event (e.g. the rows trained on)."""
        return {}

    def recalibrate(self) -> None:
        """A monitor's ``recalibrate`` command (default: retrain now)."""
        self.env.process(self._retrain())

    def more_processes(self) -> Iterable[ProcessFactory]:
        """Processes besides serve, collect, train and control."""
        return ()

    # -- the fixed pipeline ----------------------------------------------------------------
    def setup_lifecycle(self) -> None:
        self.version_ = 0  # the deployed version
        self.latest_version_ = 0  # the newest version trained
        self.paused_ = False
        self.model_ = None
        self.log_ = self.make_log()
        self._versions: dict[int, Any] = {}
        self._served: list[int] = []  # versions deployed in turn, those rolled back removed
        self.env.recorder.declare(
            "model_version", "final", "deployed model version", unit="version", bounds=(0.0, None)
        )

    @final
    def processes(self) -> Iterable[ProcessFactory]:
        found: list[ProcessFactory] = [self._boot]
        if self.output:
            found.append(self._serve)
        if self.learning_inputs():
            found.append(self._collect)
        if self.training.every_days > 0:
            found.append(self._train)
        found.append(self._control)
        return (*found, *self.more_processes())

    def _boot(self) -> Process:
        yield self.env.urgent_timeout(0)  # every process listens; the world has not yet asked
        self.on_start()
        model = self.initial_model()
        if model is not None:
            self.latest_version_ = 1
            self.install(model, 1)
        else:
            self.env.recorder.record(self.env.now, self.name, "model_version", self.version_)

    def answer_trigger(self) -> Signal:
        """The signal whose publish prompts an answer (default: the world's requests)."""
        return self.bus.get(f"{self.params.serves}.requests")

    def _serve(self) -> Process:
        requests = self.bus.get(f"{self.params.serves}.requests")
        trigger = self.answer_trigger()
        while True:
            yield trigger.changed()
            answer = self.act(requests.read(by=self.name))
            if answer is not None:
                self.output_signal.publish(answer, by=self.name)

    def _collect(self) -> Process:
        env = self.env
        signals = [self.bus.get(name) for name in self.learning_inputs()]
        seen = {signal.name: signal.version for signal in signals}
        delay = self.training.label_delay_days
        while True:
            yield env.any_of([signal.changed() for signal in signals])
            for signal in signals:
                if signal.version == seen[signal.name]:
                    continue
                seen[signal.name] = signal.version
                for outcome in self.select(signal.name, signal.read(by=self.name)):
                    arrival = env.timeout(delay, value=(env.now, outcome))
                    arrival.callbacks.append(self._arrive)
            self.on_outcomes()

    def _arrive(self, event: Any) -> None:
        day, outcome = event.value
        self.log_.add(day, outcome)
        self.on_logged(outcome)

    def _train(self) -> Process:
        while True:
            yield self.env.urgent_timeout(self.training.every_days)
            if not self.paused_:
                yield from self._retrain()

    def _retrain(self) -> Process:
        env, training = self.env, self.training
        window = self.log_.window(env.now, training.window_days)
        candidate = self.fit(window)
        if candidate is None:
            return
        self.latest_version_ += 1
        version = self.latest_version_
        env.recorder.event(
            env.now, self.name, "retrain", version=version, **self.retrain_detail(window)
        )
        if training.deploy_latency_days > 0:
            yield env.timeout(training.deploy_latency_days)
        self.install(candidate, version)

    @final
    def install(self, model: Any, version: int, rollback: bool = False) -> None:
        """Deploy ``model`` as ``version``: events, metric and the published :class:`Deploy`."""
        env = self.env
        detail = dict(self.deploy(model) or {})
        self.version_ = version
        self._versions[version] = model
        if not rollback:
            self._served.append(version)
        for old in sorted(self._versions)[:-KEEP_VERSIONS]:
            del self._versions[old]
        extra = {"rollback": True} if rollback else {}
        env.recorder.event(env.now, self.name, "deploy", version=version, **detail, **extra)
        env.recorder.record(env.now, self.name, "model_version", version)
        self.deploys_signal.publish(Deploy(env.now, version, detail, rollback), by=self.name)

    def _rollback(self) -> None:
        """Serve again the version that served before the current one (if still kept)."""
        earlier = [v for v in self._served[:-1] if v in self._versions]
        if earlier:
            del self._served[self._served.index(earlier[-1]) + 1 :]
            self.install(self._versions[earlier[-1]], earlier[-1], rollback=True)

    def _control(self) -> Process:
        commands = [
            self.bus.get(read.signal)
            for read in self.bus.reads
            if read.reader == self.name and self.bus.signals[read.signal].payload is Command
        ]
        if not commands:
            return
        while True:
            yield self.env.any_of([signal.changed() for signal in commands])
            for signal in commands:
                command: Command = signal.read(by=self.name)
                if command.day == self.env.now and command.target == self.name:
                    self._obey(command)

    def _obey(self, command: Command) -> None:
        if command.action == "rollback":
            self._rollback()
        elif command.action == "pause":
            self.paused_ = True
        elif command.action == "retrain":
            self.env.process(self._retrain())
        elif command.action == "recalibrate":
            self.recalibrate()
