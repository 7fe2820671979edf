"""A family of phenomena: the component kinds it contributes and the scenarios that use them."""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.component import Component

__all__ = ["Family"]


@dataclass(frozen=True)
class Family:
    """Declared in a family package's ``__init__`` as ``FAMILY``; read by the registry.

    Each component class names its own ``section`` (world, systems, monitors, injectors) and
    ``kind``; the registry files it there.
    """

    name: str
    components: tuple[type[Component], ...]
    scenarios: tuple[str, ...] = ()
