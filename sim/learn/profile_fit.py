"""Content filtering: user profiles fitted to interactions on known item attributes.

Each user's profile is the non-negative least-squares fit of their interaction vector over
the catalogue on the item attributes, ``θ̂_u = argmin_{θ ≥ 0} ‖B θ − y_u‖²`` (``B`` items ×
attributes, ``y_ui = 1`` if ``u`` interacted with ``i``), and an item's score is ``θ̂_u·β_i``.
The problem only needs the Gram matrix ``G = BᵀB`` (shared by all users) and ``c_u = Bᵀy_u``
(the sum of the attributes of the items ``u`` interacted with), which a training log keeps as
running sums (the homogenization family's ``InteractionLog``), and all users are solved at
once: :func:`nnls_gram` runs cyclic coordinate descent on
``½θᵀGθ − cᵀθ`` over ``θ ≥ 0``, vectorised over users, warm-started from the last fit. Rows
it has not settled after ``max_sweeps`` (nearly collinear attributes, as in the first steps
when few items exist) are solved exactly by Lawson–Hanson (SciPy's ``nnls``) on a ``K × K``
square root of the same problem.
"""

from __future__ import annotations

import numpy as np

from sim.learn.linalg import matmul_rows

__all__ = ["nnls_gram"]


def nnls_gram(
    gram: np.ndarray,
    rhs: np.ndarray,
    *,
    init: np.ndarray | None = None,
    ridge: float = 0.0,
    max_sweeps: int = 100,
    tol: float = 1e-9,
) -> np.ndarray:
    """``argmin_{θ ≥ 0} ½θᵀ(G + ridge·I)θ − c_uᵀθ`` for every row ``c_u`` of ``rhs``.

    ``gram`` is ``K × K`` symmetric positive semi-definite, ``rhs`` is ``users × K``. Sweeps
    stop when the KKT conditions hold to ``tol`` relative to the data: every ``|min(θ_k, ∇_k)|``
    is within ``tol · max|c|`` of 0. Rows still unsettled after ``max_sweeps`` are solved
    exactly. A coordinate whose diagonal is 0 (no item carries that attribute) stays at 0.
    """
    gram = np.asarray(gram, dtype=float)
    rhs = np.asarray(rhs, dtype=float)
    k = gram.shape[0]
    if gram.shape != (k, k) or rhs.ndim != 2 or rhs.shape[1] != k:
        raise ValueError(f"gram {gram.shape} must be K × K and rhs {rhs.shape} users × K")
    if max_sweeps < 1:
        raise ValueError(f"max_sweeps must be >= 1, got {max_sweeps!r}")
    gram = gram + ridge * np.eye(k)
    diag = np.diag(gram).copy()
    active = np.flatnonzero(diag > 0)
    inverse = np.divide(1.0, diag, out=np.zeros(k), where=diag > 0)
    if init is None:  # the exact solution when G is diagonal: a good start when it nearly is
        theta = np.maximum(rhs * inverse, 0.0)
    else:
        theta = np.maximum(np.array(init, dtype=float), 0.0)
    if theta.shape != rhs.shape:
        raise ValueError(f"init {theta.shape} must match rhs {rhs.shape}")
    theta = np.asfortranarray(theta)
    theta[:, diag <= 0] = 0.0
    if rhs.shape[0] == 0:
        return np.ascontiguousarray(theta)
    # θ_j ← max(0, (c_j − Σ_{k≠j} θ_k G_kj) / G_jj): scaled columns with a zero diagonal.
    coupling = gram * inverse[None, :]
    np.fill_diagonal(coupling, 0.0)
    target = rhs * inverse[None, :]
    scale = tol * max(float(np.max(np.abs(rhs))), 1e-300)
    # Sweeps run on the rows not settled yet (`live`); a settled row keeps its fit.
    live = np.arange(rhs.shape[0])
    rows, row_target, row_rhs = theta, target, rhs
    for _ in range(max_sweeps):
        for j in active:
            column = rows @ coupling[:, j]
            np.subtract(row_target[:, j], column, out=column)
            np.maximum(column, 0.0, out=rows[:, j])
        residual = _kkt_residual(rows, gram, row_rhs)
        open_ = residual > scale
        if not open_.any():
            break
        if open_.sum() <= rows.shape[0] // 2:  # drop the settled rows from the next sweeps
            if rows is not theta:
                theta[live] = rows
            live = live[open_]
            rows = np.asfortranarray(rows[open_])
            row_target, row_rhs, residual = target[live], rhs[live], residual[open_]
    else:
        unsettled = residual > scale
        rows[np.ix_(np.flatnonzero(unsettled), active)] = _exact(
            gram[np.ix_(active, active)], row_rhs[unsettled][:, active]
        )
    if rows is not theta:
        theta[live] = rows
    return np.ascontiguousarray(theta)


def _kkt_residual(theta: np.ndarray, gram: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Per row, the largest ``|min(θ_k, ∇_k)|``: 0 exactly at the NNLS optimum (θ ⊥ ∇ ≥ 0)."""
    gradient = matmul_rows(theta, gram)
    gradient -= rhs
    return np.max(np.abs(np.minimum(theta, gradient)), axis=1)


def _exact(gram: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Lawson–Hanson NNLS per row on ``A = Λ^½Vᵀ``, ``b = Λ^-½Vᵀc`` (``G = VΛVᵀ``)."""
    from scipy.optimize import nnls  # here: scipy.optimize costs workers ~0.5 s to import

    eigenvalues, vectors = np.linalg.eigh(gram)
    keep = eigenvalues > eigenvalues.max() * 1e-12
    root = np.sqrt(eigenvalues[keep])
    design = root[:, None] * vectors[:, keep].T
    targets = matmul_rows(rhs, vectors[:, keep]) / root
    return np.array([nnls(design, target)[0] for target in targets]).reshape(rhs.shape)
