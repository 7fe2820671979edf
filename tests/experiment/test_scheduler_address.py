"""A running Dask scheduler (``--scheduler``) is checked before any work (issue 13): a bad
address, nothing listening, a peer that accepts and stays silent (distributed's client would
wait for its handshake forever) or speaks another protocol is one message, exit 2, within
``--scheduler-timeout`` seconds; nothing is written to ``--out``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.cli import main
from tests.cli_checks import one_error

pytest.importorskip("distributed")


def dask_argv(tiny: Path, out: Path, address: str, timeout: str = "1") -> list[str]:
    return ["run", str(tiny), "--executor", "dask", "--scheduler", address,
            "--scheduler-timeout", timeout, "--out", str(out), "--no-progress"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    """A socket that accepts connections (the kernel completes the handshake) and never
    answers unless the test makes it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server, int(server.getsockname()[1])
    server.close()


def test_nothing_listening(capsys, tmp_path, tiny, nothing_runs):
    port = free_port()
    out = tmp_path / "out"
    line = one_error(capsys, dask_argv(tiny, out, f"tcp://127.0.0.1:{port}"))
    assert line == (
        f"debtsim: error: --scheduler: no Dask scheduler answered at 'tcp://127.0.0.1:{port}' "
        "within 1 s (timed out: Connection refused); check the address, or give more time "
        "with --scheduler-timeout"
    )
    assert not out.exists()


def test_a_peer_that_accepts_and_stays_silent(capsys, tmp_path, tiny, nothing_runs, listener):
    _, port = listener
    line = one_error(capsys, dask_argv(tiny, tmp_path / "out", f"127.0.0.1:{port}"))
    assert "within 1 s (timed out: it accepted the connection but did not answer)" in line


def test_a_peer_that_speaks_another_protocol(capsys, tmp_path, tiny, nothing_runs, listener):
    server, port = listener

    def babble() -> None:
        connection, _ = server.accept()
        with connection:
            connection.sendall(b"\xff" * 64)  # a frame length no allocation can hold
            connection.recv(1)

    threading.Thread(target=babble, daemon=True).start()
    line = one_error(capsys, dask_argv(tiny, tmp_path / "out", f"tcp://127.0.0.1:{port}"))
    assert f"no Dask scheduler answered at 'tcp://127.0.0.1:{port}' within 1 s" in line


@pytest.mark.parametrize(
    "address", ["", "tcp://host", "host", "tcp://host:0", "tcp://host:99999", "http://h:80"]
)
def test_an_address_that_is_not_one(capsys, tmp_path, tiny, nothing_runs, address):
    line = one_error(capsys, dask_argv(tiny, tmp_path / "out", address))
    assert line.startswith("debtsim: error: --scheduler: got ")
    assert "expected a scheduler address [PROTOCOL://]HOST:PORT" in line


@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "inf", "x"])
def test_a_timeout_that_is_not_one(capsys, tmp_path, tiny, timeout):
    line = one_error(capsys, dask_argv(tiny, tmp_path / "out", "tcp://h:1", timeout))
    assert "--scheduler-timeout: expected a positive number" in line


def test_a_running_scheduler_is_used(capsys, tmp_path, tiny):
    """The check lets a real scheduler through: the run completes on it."""
    import distributed

    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        dashboard_address=None,
    ) as cluster:
        argv = dask_argv(tiny, tmp_path / "out", cluster.scheduler_address, "10")
        assert main(argv) == 0, capsys.readouterr().err
    assert (tmp_path / "out" / "manifest.json").is_file()
