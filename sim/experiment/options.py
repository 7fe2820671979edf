"""The options of an experiment, shared by the CLI and the Python API.

``run``, ``sweep`` and ``cace`` take the same :class:`Options`, so ``--executor``,
``--scheduler``, ``--jobs``, ``--seed``, ``--reps``, ``--set``, ``--variant``, ``--out`` and
``--no-progress`` and ``--force`` (run what the resource estimate refuses) mean the same
everywhere; ``--quick`` (the scenario's ``[quick]`` preset) is
taken by ``run``. :meth:`Options.checked` refuses bad values with one
:class:`~sim.core.errors.ConfigError` (exit 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.core.errors import ConfigError
from sim.experiment.cluster import check_address

__all__ = ["EXECUTORS", "SCHEDULER_TIMEOUT", "Options"]

EXECUTORS: tuple[str, ...] = ("serial", "processes", "dask")
SCHEDULER_TIMEOUT = 10.0  # seconds a running Dask scheduler has to answer
_ALIASES = {"local": "processes"}  # the name of earlier versions


def _positive(name: str, value: Any, kinds: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, kinds) or not 0 < value < float("inf"):
        raise ConfigError(f"must be a positive number, got {value!r}", path=f"--{name}")


@dataclass(frozen=True)
class Options:
    """How to run an experiment (``None``: the scenario's default)."""

    reps: int | None = None
    seed: int | None = None
    horizon_days: float | None = None
    overrides: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    jobs: int = 1
    executor: str | Executor | None = None
    scheduler: str | None = None
    out: Path | None = None
    progress: bool = True
    dashboard: bool = False
    quick: bool = False
    force: bool = False  # run even what the resource estimate says cannot fit this machine
    scheduler_timeout: float = SCHEDULER_TIMEOUT  # seconds for a --scheduler to answer

    @classmethod
    def make(
        cls,
        *,
        reps: int | None = None,
        seed: int | None = None,
        horizon_days: float | None = None,
        overrides: Sequence[str] = (),
        variants: Sequence[str] | None = None,
        jobs: int = 1,
        executor: str | Executor | None = None,
        scheduler: str | None = None,
        out: str | Path | None = None,
        progress: bool = True,
        dashboard: bool = False,
        quick: bool = False,
        force: bool = False,
        scheduler_timeout: float = SCHEDULER_TIMEOUT,
    ) -> Options:
        """Options from loosely typed arguments, checked."""
        if isinstance(overrides, str) or isinstance(variants, str):
            raise ConfigError("overrides and variants are lists of strings, not one string")
        return cls(
            reps=reps,
            seed=seed,
            horizon_days=horizon_days,
            overrides=tuple(overrides),
            variants=tuple(dict.fromkeys(variants or ())),
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            out=Path(out) if out is not None else None,
            progress=progress,
            dashboard=dashboard,
            quick=quick,
            force=force,
            scheduler_timeout=scheduler_timeout,
        ).checked()

    def checked(self) -> Options:
        """These options, validated (executor names normalised); raises ConfigError."""
        _positive("reps", self.reps, int)
        _positive("jobs", self.jobs, int)
        _positive("horizon-days", self.horizon_days, (int, float))
        if self.scheduler_timeout is None:
            raise ConfigError("must be a positive number, got None", path="--scheduler-timeout")
        _positive("scheduler-timeout", self.scheduler_timeout, (int, float))
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0
        ):
            raise ConfigError(f"must be a non-negative integer, got {self.seed!r}", path="--seed")
        executor = self.executor
        if isinstance(executor, str):
            executor = _ALIASES.get(executor, executor)
            if executor not in EXECUTORS:
                raise ConfigError(
                    f"unknown executor {executor!r}; allowed: {', '.join(EXECUTORS)}",
                    path="--executor",
                )
        elif executor is not None and not isinstance(executor, Executor):
            raise ConfigError(
                f"expected an executor name ({', '.join(EXECUTORS)}) or a "
                f"concurrent.futures.Executor, got {type(executor).__name__}",
                path="--executor",
            )
        if self.scheduler is not None and executor != "dask":
            raise ConfigError(
                "a scheduler address needs --executor dask "
                f"(the executor is {self.executor_name(2)!r})",
                path="--scheduler",
            )
        if not isinstance(self.force, bool):
            raise ConfigError(f"expected true or false, got {self.force!r}", path="--force")
        if self.scheduler is not None:
            check_address(self.scheduler)
        if not isinstance(self.quick, bool):
            raise ConfigError(f"expected true or false, got {self.quick!r}", path="--quick")
        if self.dashboard and executor != "dask":
            raise ConfigError("a dashboard needs --executor dask", path="--dashboard")
        return replace(self, executor=executor)

    def executor_name(self, tasks: int) -> str:
        """The executor that runs ``tasks`` tasks: what the manifest records."""
        executor = self.executor
        if isinstance(executor, Executor):
            return type(executor).__name__
        if executor is None:
            return "processes" if self.jobs > 1 and tasks > 1 else "serial"
        return _ALIASES.get(executor, executor)
