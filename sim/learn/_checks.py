"""Validation helpers shared by the learners and policies (private).

:func:`check_params` re-checks a parameter dataclass built directly in Python against the
ranges and literals declared with :func:`sim.core.params.param`, so that ``Greedy(slate=0)``
fails as loudly as the same value read from a scenario file. The array helpers turn inputs into
validated numpy arrays with messages that say what was expected.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, get_args, get_origin

import numpy as np

from sim.core.errors import ConfigError
from sim.core.params import field_types

__all__ = ["as_contexts", "as_counts", "as_matrix", "as_vector", "check_params"]

_BOUNDS = (
    ("ge", ">=", lambda a, b: a >= b),
    ("gt", ">", lambda a, b: a > b),
    ("le", "<=", lambda a, b: a <= b),
    ("lt", "<", lambda a, b: a < b),
)


def check_params(obj: Any) -> None:
    """Raise :class:`ConfigError` if a field of dataclass ``obj`` breaks its declared range."""
    hints = field_types(type(obj))
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        value = getattr(obj, f.name)
        tp = hints.get(f.name)
        if get_origin(tp) is Literal and value not in get_args(tp):
            allowed = ", ".join(repr(a) for a in get_args(tp))
            raise ConfigError(f"got {value!r}; allowed: {allowed}", path=f.name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if value != value:
            raise ConfigError("got nan; expected a number", path=f.name)
        for key, symbol, ok in _BOUNDS:
            bound = f.metadata.get(key)
            if bound is not None and not ok(value, bound):
                raise ConfigError(f"got {value!r}; must be {symbol} {bound}", path=f.name)


def as_counts(impressions: Any, clicks: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validated float copies of two (n_contexts, n_arms) count arrays, clicks <= impressions."""
    imps = np.array(impressions, dtype=float)
    clks = np.array(clicks, dtype=float)
    if imps.ndim != 2:
        raise ValueError(f"impressions must be 2-D (n_contexts, n_arms), got shape {imps.shape}")
    if clks.shape != imps.shape:
        raise ValueError(
            f"clicks and impressions must have the same shape, got {clks.shape} and {imps.shape}"
        )
    if not (np.isfinite(imps).all() and np.isfinite(clks).all()):
        raise ValueError("impressions and clicks must be finite")
    if (imps < 0).any() or (clks < 0).any():
        raise ValueError("impressions and clicks must be non-negative")
    if (clks > imps).any():
        raise ValueError("clicks must not exceed impressions")
    return imps, clks


def as_contexts(contexts: Any, n_contexts: int) -> np.ndarray:
    """A validated 1-D integer array of context ids in ``[0, n_contexts)``."""
    ids = np.asarray(contexts)
    if ids.ndim != 1:
        raise ValueError(f"contexts must be a 1-D array of context ids, got shape {ids.shape}")
    if ids.size == 0:
        return ids.astype(np.intp)
    if not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"contexts must be integer context ids, got dtype {ids.dtype}")
    if ids.min() < 0 or ids.max() >= n_contexts:
        raise ValueError(
            f"context ids must lie in [0, {n_contexts}), got values in [{ids.min()}, {ids.max()}]"
        )
    return ids.astype(np.intp, copy=False)


def as_matrix(X: Any, n_features: int | None = None) -> np.ndarray:
    """A validated finite 2-D float array (n_rows, n_features)."""
    arr = np.asarray(X, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"X must be 2-D (n_rows, n_features), got shape {arr.shape}")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(f"X has {arr.shape[1]} features, the model was fitted with {n_features}")
    if not np.isfinite(arr).all():
        raise ValueError("X must be finite (no nan or inf)")
    return arr


def as_vector(y: Any, n_rows: int, name: str = "y") -> np.ndarray:
    """A validated finite 1-D float array of length ``n_rows``."""
    arr = np.asarray(y, dtype=float)
    if arr.shape != (n_rows,):
        raise ValueError(f"{name} must have shape ({n_rows},), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no nan or inf)")
    return arr
