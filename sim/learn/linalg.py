"""Matrix products for simulation loops: blocked so that BLAS stays on one thread.

OpenBLAS splits a product over threads once it is larger than about 10⁶ multiply-adds. In a
simulation loop that alternates many medium-sized products with other numpy work, the
threads go to sleep between calls and must be woken for the next one; on a shared or
oversubscribed machine (several worker processes, other jobs) a wake-up costs far more than
the product: measured on the project's 2-core machine under load, 0.035 ns per multiply-add
on one thread against 3 to 20 ns once threads are involved. :func:`matmul_rows` computes
``a @ b`` in row blocks of ``a`` below that size, which OpenBLAS runs on the calling thread.
Tasks run by :func:`sim.experiment.runner.run_task` also hold BLAS to one thread for the whole
simulation (threadpoolctl), which covers every other product (the matrix-vector products of
:mod:`sim.learn.profile_fit` among them); code that builds and runs an ecosystem directly
(tests, notebooks) gets the same results, and only the large products are kept off BLAS
threads there.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SINGLE_THREAD_WORK", "matmul_rows"]

SINGLE_THREAD_WORK = 1 << 19  # multiply-adds per call: OpenBLAS uses one thread below this


def matmul_rows(
    a: np.ndarray, b: np.ndarray, work: int = SINGLE_THREAD_WORK, dtype: type = np.float64
) -> np.ndarray:
    """``a @ b`` for 2-D ``a`` (n × k) and ``b`` (k × m), in row blocks of ``a``, in ``dtype``."""
    a = np.asarray(a, dtype=dtype)
    b = np.asarray(b, dtype=dtype)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"cannot multiply {a.shape} by {b.shape}")
    n, k = a.shape
    m = b.shape[1]
    out: np.ndarray = np.empty((n, m), dtype=dtype)
    rows = max(1, work // max(k * m, 1))
    if rows >= n:
        return np.matmul(a, b, out=out)
    for start in range(0, n, rows):
        np.matmul(a[start : start + rows], b, out=out[start : start + rows])
    return out
