"""Dask clusters: a LocalCluster only its owner can use, or a client of a running scheduler.

The LocalCluster debtsim starts listens on loopback with TLS and temporary credentials
(``Security.temporary()``: a fresh self-signed certificate and key held in this process, with
``require_encryption``), so another local user cannot connect to its scheduler and run code in
its workers. Unless a dashboard is asked for, it serves no HTTP routes: Dask's scheduler and
workers always bind an HTTP port (on loopback here), but with every route removed (no dashboard,
no info pages, no proxy to the workers, no metrics) it answers nothing but 404.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from sim.core.errors import ConfigError

__all__ = ["dask_client", "local_cluster"]


def _distributed() -> Any:
    try:
        import distributed
        from distributed.security import Security  # noqa: F401  (needs cryptography)
    except ImportError:
        raise ConfigError(
            "the dask executor needs dask.distributed: pip install 'debtsim[dask]'",
            path="--executor",
        ) from None
    return distributed


@contextlib.contextmanager
def local_cluster(jobs: int, dashboard: bool = False) -> Iterator[Any]:
    """A loopback LocalCluster of ``jobs`` single-threaded worker processes, TLS only.

    Yields the cluster; its ``security`` attribute holds the only credentials it accepts.
    """
    distributed = _distributed()
    from distributed.security import Security

    try:
        security = Security.temporary()
    except ImportError:
        raise ConfigError(
            "the dask executor needs the cryptography package for its TLS credentials: "
            "pip install 'debtsim[dask]'",
            path="--executor",
        ) from None
    import dask

    no_routes: dict[str, list[str]] = {
        "distributed.scheduler.http.routes": [],
        "distributed.worker.http.routes": [],
    }
    with dask.config.set({} if dashboard else no_routes):
        cluster = distributed.LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            protocol="tls://",
            security=security,
            dashboard_address="127.0.0.1:0" if dashboard else None,
            silence_logs=logging.ERROR,
        )
    cluster.security = security
    try:
        yield cluster
    finally:
        cluster.close()


@contextlib.contextmanager
def dask_client(jobs: int, scheduler: str | None, dashboard: bool = False) -> Iterator[Any]:
    """A client of ``scheduler``, or of a fresh :func:`local_cluster` of ``jobs`` workers."""
    distributed = _distributed()
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as error:
            raise ConfigError(
                f"cannot reach the Dask scheduler {scheduler}: {error}", path="--scheduler"
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    with local_cluster(jobs, dashboard) as cluster:
        client = distributed.Client(cluster, security=cluster.security)
        try:
            if dashboard:
                logging.getLogger("sim").info("dask dashboard: %s", client.dashboard_link)
            yield client
        finally:
            client.close()
