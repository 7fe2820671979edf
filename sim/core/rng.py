"""Name-keyed random streams from one root seed.

Every component draws from its own ``numpy.random.Generator`` keyed by its *name*: a stable
hash of the name extends the spawn key of the replicate's ``SeedSequence``. Adding, removing or
reordering components therefore never changes another component's draws. Replicates use
``SeedSequence.spawn`` identities, never ``seed + i``.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["RandomStreams", "name_key", "replicate_seed"]


def name_key(name: str) -> int:
    """A stable 32-bit integer for ``name`` (independent of Python's hash randomisation)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest(), "little")


def replicate_seed(
    root_seed: int, replicate: int, key: tuple[int, ...] = ()
) -> np.random.SeedSequence:
    """The seed sequence of replicate ``replicate``: child ``replicate`` of the root's spawn.

    ``key`` extends the spawn key before the replicate (independent sweep seeds). This is the
    one place a task's seed is derived.
    """
    return np.random.SeedSequence(root_seed, spawn_key=(*key, replicate))


class RandomStreams:
    """Hands out one independent generator per name; the same name gives the same stream."""

    def __init__(self, seed: np.random.SeedSequence | int):
        self.seed = (
            seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        )
        self._streams: dict[str, np.random.Generator] = {}

    def stream(self, name: str) -> np.random.Generator:
        """The generator keyed by ``name`` (created on first use, then reused)."""
        if name not in self._streams:
            child = np.random.SeedSequence(
                self.seed.entropy, spawn_key=(*self.seed.spawn_key, name_key(name))
            )
            self._streams[name] = np.random.Generator(np.random.PCG64(child))
        return self._streams[name]

    @property
    def names(self) -> list[str]:
        """Names of the streams handed out so far."""
        return sorted(self._streams)
