"""TRANSITIONAL: kinds of components not yet moved into a family package (none are left)."""

from __future__ import annotations

from sim.engine.component import Component

__all__ = ["LEGACY"]

LEGACY: dict[str, dict[str, type[Component]]] = {}
