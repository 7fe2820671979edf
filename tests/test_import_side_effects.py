"""Importing ``sim`` (every module of it) changes no global state: matplotlib's backend and
rcParams stay as the user set them, and pyplot is never imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import matplotlib
    {setup}
    backend = matplotlib.rcParams._get("backend")
    def snapshot():  # _get: reading "backend" through [] would resolve it
        return {{k: matplotlib.rcParams._get(k) for k in matplotlib.rcParams.keys()}}
    before = snapshot()
    import sim
    names = [m.name for m in pkgutil.walk_packages(sim.__path__, "sim.")]
    for name in names:
        if name != "sim.__main__":
            importlib.import_module(name)
    assert len(names) > 50, names
    assert matplotlib.rcParams._get("backend") == backend, matplotlib.rcParams._get("backend")
    {check_backend}
    after = snapshot()
    changed = {{k for k in before if before[k] != after.get(k)}}
    assert not changed, changed
    assert "matplotlib.pyplot" not in sys.modules
    print("ok")
    """
)


def _run(setup: str, check_backend: str) -> None:
    code = SCRIPT.format(setup=setup, check_backend=check_backend)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_importing_sim_keeps_a_chosen_backend():
    _run('matplotlib.use("svg")', 'assert matplotlib.get_backend() == "svg"')


def test_importing_sim_leaves_the_default_backend_unresolved():
    _run("", "")
