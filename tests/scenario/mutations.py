"""Mutations of the catalogue's scenario files, and the contract every mutated file must keep:
``debtsim check`` exits 2 with one located line (no traceback), or exits 0 and the file runs a
simulated week to completion with finite metrics.

Shared by the default property test (a few examples) and the slow one (10,000 and more), which
records what it saw (:data:`OUTCOMES`) for its report.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import signal
import tomllib
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st
from tiny_scenario import to_toml

import sim
from sim.cli import main
from sim.experiment import resources
from sim.scenario.loader import catalogue
from sim.scenario.resolve import load_scenario

CATALOGUE: dict[str, dict[str, Any]] = {
    name: tomllib.loads(path.read_text(encoding="utf-8"))
    for name, path in sorted(catalogue().items())
}
WEEK = 7.0
SECONDS_PER_EXAMPLE = 120  # a hang is a failure, not a stuck suite
MEMORY_BUDGET = 2.0 * 2**30  # what a run may use here: larger ones must be refused up front
OUTCOMES: Counter[str] = Counter()  # refused / ran, over the examples of one session

Path_ = tuple[str | int, ...]


def leaves(node: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every key path of a tree, tables and list items included (not the root)."""
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, (*path, i))


def _numbers_near(value: Any) -> list[Any]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    near: list[Any] = [-value, value * 1000, value / 1000, value + 1, value - 1]
    if isinstance(value, int):
        near = [int(v) if isinstance(v, (int, float)) and math.isfinite(v) else v for v in near]
    return near


BOUNDARY_NUMBERS: list[Any] = [
    0,
    1,
    -1,
    2,
    0.0,
    1.0,
    0.5,
    1e-9,
    -1e-9,
    1e-300,
    0.999999,
    1.000001,
    1e6,
    1e9,
    1e15,
    1e300,
    -1e300,
    2**31,
    2**53,
    2**63 - 1,
    -(2**63),
    math.inf,
    -math.inf,
    math.nan,
]
OTHER_VALUES: list[Any] = [
    "",
    "x",
    "nope",
    "world",
    True,
    False,
    [],
    [0],
    [""],
    ["world.nope"],
    [[]],
    {},
    {"kind": "nope"},
]


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[str]]:
    """A catalogue file with one to three mutations, and what each mutation did."""
    name = draw(st.sampled_from(sorted(CATALOGUE)))
    tree = copy.deepcopy(CATALOGUE[name])
    done: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in leaves(tree) if p[0] != "teaching" or len(p) < 3]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = tree
        for part in path[:-1]:
            parent = parent[part]
        current = parent[path[-1]]
        how = draw(st.sampled_from(["number", "near", "other", "delete", "empty", "string"]))
        if how == "delete":
            del parent[path[-1]]
            done.append(f"delete {path}")
            continue
        if how == "number":
            value = draw(st.sampled_from(BOUNDARY_NUMBERS))
        elif how == "near" and _numbers_near(current):
            value = draw(st.sampled_from(_numbers_near(current)))
        elif how == "empty":
            value = [] if isinstance(current, list) else {} if isinstance(current, dict) else ""
        elif how == "string":
            value = draw(st.text(max_size=6))
        else:
            value = draw(st.sampled_from(OTHER_VALUES))
        parent[path[-1]] = copy.deepcopy(value)  # later mutations must not edit the constants
        done.append(f"{path} = {value!r}")
    return name, tree, done


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with its stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


class Hung(Exception):
    """An example ran longer than :data:`SECONDS_PER_EXAMPLE`."""


@contextlib.contextmanager
def budget(seconds: float = SECONDS_PER_EXAMPLE) -> Iterator[None]:
    """At most ``seconds``, and runs estimated above :data:`MEMORY_BUDGET` refused (the
    machine's available memory stands in for a test's share of it)."""
    saved = resources.available_memory
    resources.available_memory = lambda: MEMORY_BUDGET
    try:
        with time_limit(seconds):
            yield
    finally:
        resources.available_memory = saved


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_refused_or_runs(folder: Path, name: str, tree: dict[str, Any], variant: int) -> str:
    """The contract, for one file: returns ``refused`` or ``ran``."""
    path = folder / f"{name}.toml"
    try:
        text = to_toml(tree)
    except TypeError:
        return "unwritable"  # not a TOML tree (cannot happen with the values above)
    path.write_text(text, encoding="utf-8")
    with budget():
        code, out, err = run_cli(["check", str(path)])
        if code == 2:
            assert err.startswith("debtsim: error: "), err
            assert err.count("\n") == 1, err
            assert "Traceback" not in err
            assert str(path) in err, err
            OUTCOMES["refused with exit 2"] += 1
            return "refused"
        assert (code, err) == (0, ""), (code, out, err)
        variants = load_scenario(path).variants
        chosen = variants[variant % len(variants)]
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            result = sim.run(
                path,
                reps=1,
                horizon_days=WEEK,
                variants=[chosen],
                figures=False,
                executor="serial",
            )
    values = result.metrics["value"].to_numpy(dtype=float)
    assert np.isfinite(values).all(), result.metrics[~np.isfinite(values)].head()
    OUTCOMES["ran cleanly"] += 1
    return "ran"
