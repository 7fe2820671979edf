"""debtsim: a discrete-event simulator of interacting ML systems and their hidden technical debt.

The import package is ``sim``. The notebook API (``sim.run``, ``sim.load``, ``sim.sweep``) is
loaded lazily so that importing a low layer such as ``sim.core`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["RunResult", "__version__", "load", "run", "sweep"]


def __getattr__(name: str) -> Any:
    if name in {"run", "load", "RunResult"}:
        from sim.experiment import api

        return getattr(api, name)
    if name == "sweep":
        from sim.experiment.sweep_api import sweep

        return sweep
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
