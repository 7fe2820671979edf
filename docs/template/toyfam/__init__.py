"""A template family: a drifting quantity and a system that tracks it from delayed labels.

Scenario: ``toy_drift`` (``docs/template/toy_drift.toml``). Copy this folder to start a new
family: a world (``world.py``), a system (``system.py``), the contract (``payloads.py``) and the
pure dynamics (``dynamics.py``, no SimPy); declare them here in ``FAMILY``.
"""

from __future__ import annotations

from sim.components.base import Family
from toyfam.system import Tracker
from toyfam.world import DriftingLevel

__all__ = ["FAMILY"]

FAMILY = Family(name="toyfam", components=(DriftingLevel, Tracker), scenarios=("toy_drift",))
