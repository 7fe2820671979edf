"""Dask clusters: a LocalCluster only its owner can use, or a client of a running scheduler.

The LocalCluster debtsim starts listens on loopback with TLS and temporary credentials
(``Security.temporary()``: a fresh self-signed certificate and key held in this process, with
``require_encryption``), so another local user cannot connect to its scheduler and run code in
its workers. Unless a dashboard is asked for, it serves no HTTP routes: Dask's scheduler and
workers always bind an HTTP port (on loopback here), but with every route removed (no dashboard,
no info pages, no proxy to the workers, no metrics) it answers nothing but 404.

A running scheduler (``--scheduler``) is checked before any work: its address must be
``[PROTOCOL://]HOST:PORT`` and a Dask scheduler must answer there within the timeout
(``--scheduler-timeout``, 10 s by default), or the command exits 2 with one message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

from sim.core.errors import ConfigError
from sim.core.safe_text import clip, printable, short_value

__all__ = ["check_address", "check_scheduler", "dask_client", "local_cluster"]

_PROTOCOLS = ("tcp", "tls", "ws", "wss", "ucx")
_ADDRESS = re.compile(
    rf"(?:(?:{'|'.join(_PROTOCOLS)})://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<port>\d{{1,5}})"
)


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


def check_address(address: str) -> None:
    """Raise a :class:`ConfigError` at ``--scheduler`` unless ``address`` is
    ``[PROTOCOL://]HOST:PORT``."""
    match = _ADDRESS.fullmatch(address)
    if match is None or not 0 < int(match["port"]) < 65536:
        raise ConfigError(
            f"got {short_value(address)}; expected a scheduler address [PROTOCOL://]HOST:PORT, "
            f"e.g. tls://10.0.0.5:8786 (protocols: {', '.join(_PROTOCOLS)})",
            path="--scheduler",
        )


def check_scheduler(address: str, timeout: float) -> None:
    """Raise a :class:`ConfigError` at ``--scheduler`` unless a Dask scheduler at ``address``
    answers within ``timeout`` seconds (connection and handshake: ``distributed`` bounds the
    first, not the second, so a peer that accepts and stays silent would hang the client)."""
    check_address(address)
    _distributed()
    from distributed.comm import connect
    from distributed.security import Security

    async def handshake() -> None:
        args = Security().get_connection_args("client")
        comm = await connect(address, timeout=timeout, **args)
        await comm.close()

    failure: list[BaseException] = []

    def probe() -> None:
        try:
            asyncio.run(asyncio.wait_for(handshake(), timeout))
        except BaseException as error:  # reported below, in the caller's thread
            failure.append(error)

    thread = threading.Thread(target=probe, name="debtsim-scheduler-probe", daemon=True)
    thread.start()
    thread.join(timeout + 5)
    if thread.is_alive() or failure:
        timed_out = thread.is_alive() or isinstance(failure[0], TimeoutError)
        timed_out = timed_out or str(failure[0]).startswith("Timed out")  # distributed's retries
        reason = _why_silent(address) if timed_out else _reason(failure[0])
        raise ConfigError(
            f"no Dask scheduler answered at {short_value(address, 80)} within {timeout:g} s "
            f"({reason}); check the address, or give more time with --scheduler-timeout",
            path="--scheduler",
        )


def _why_silent(address: str) -> str:
    """Why nothing answered in time: one plain TCP connection tells a refusal from silence."""
    match = _ADDRESS.fullmatch(address)
    if match is None:
        return "timed out"
    host = match["host"].strip("[]")
    try:
        with socket.create_connection((host, int(match["port"])), timeout=1):
            return "timed out: it accepted the connection but did not answer"
    except OSError as error:
        return f"timed out: {_reason(error)}"


def _reason(error: BaseException) -> str:
    """Why a connection failed, in a few words."""
    if isinstance(error, TimeoutError):
        return "timed out"
    if not isinstance(error, OSError):  # e.g. a MemoryError decoding another protocol's bytes
        return f"what answered does not speak Dask's protocol: {type(error).__name__}"
    text = error.strerror or str(error) or type(error).__name__
    return clip(printable(text.splitlines()[0]), 120)


@contextlib.contextmanager
def dask_client(
    jobs: int, scheduler: str | None, dashboard: bool = False, timeout: float = 10.0
) -> Iterator[Any]:
    """A client of ``scheduler`` (within ``timeout`` seconds), or of a fresh
    :func:`local_cluster` of ``jobs`` workers."""
    distributed = _distributed()
    if scheduler:
        check_scheduler(scheduler, timeout)
        try:
            client = distributed.Client(scheduler, timeout=timeout)
        except Exception as error:  # whatever the peer sent: one located error
            raise ConfigError(
                f"cannot connect to the Dask scheduler {short_value(scheduler, 80)}: "
                f"{_reason(error)}",
                path="--scheduler",
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
