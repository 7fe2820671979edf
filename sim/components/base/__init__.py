"""The shared lifecycle every family stands on.

- :class:`World` (``world.py``): the final tick loop — make a request, publish it, wait for the
  serving systems' answers, resolve them into outcomes;
- :class:`MLSystem` (``system.py``) with :class:`TrainingParams` (``training.py``): the training
  pipeline — serve, collect with label delay, retrain on a cadence over a window, deploy with
  latency, versions, rollback; the training window's rule and :class:`DailySums`, the log of
  additive tables that applies it (``windows.py``);
- :class:`Monitor` (``monitor.py``) and :class:`Injector` (``injector.py``): alerts with declared
  responses, and faults at scheduled or random times;
- the shared contract (``payloads.py``: :class:`Deploy`, :class:`Command`) and :class:`Family`,
  the declaration the registry reads.

Generic kinds (any scenario may use them): the ``churn_monitor`` monitor and the
``scale_fault`` injector.
"""

from __future__ import annotations

from sim.components.base.churn_monitor import ChurnMonitor
from sim.components.base.family import Family
from sim.components.base.injector import Injector
from sim.components.base.monitor import Alert, Monitor, ResponseParams
from sim.components.base.payloads import Command, Deploy
from sim.components.base.scale_fault import ScaleFault
from sim.components.base.system import MLSystem
from sim.components.base.training import (
    BASE_OPTIONS,
    HOLDOUT_OPTIONS,
    OutcomeLog,
    TrainingLog,
    TrainingParams,
)
from sim.components.base.windows import DailySums
from sim.components.base.world import World

__all__ = [
    "BASE_OPTIONS",
    "FAMILY",
    "HOLDOUT_OPTIONS",
    "Alert",
    "ChurnMonitor",
    "Command",
    "DailySums",
    "Deploy",
    "Family",
    "Injector",
    "MLSystem",
    "Monitor",
    "OutcomeLog",
    "ResponseParams",
    "ScaleFault",
    "TrainingLog",
    "TrainingParams",
    "World",
]

FAMILY = Family(name="base", components=(ChurnMonitor, ScaleFault))
