"""The promise of validation: a configuration that validates runs.

(a) Mutations of the catalogue's own files (types changed, boundary numbers, 0/1/negative/huge,
    empty lists, deletions, strings): ``debtsim check`` exits 2 with one located line, or the
    file runs a simulated week (one replicate, one of its variants) with finite metrics.
(b) Boundary values (minimum, maximum, just inside; large and negative where a side is open) of
    every declared parameter of every registered component kind, in a catalogue configuration
    that uses the kind: refused up front, or a week runs with finite metrics.

The default run tries 200 mutated files and 25 boundary values; ``-m slow`` tries 10,000
mutated files and every boundary value. Set ``DEBTSIM_PROPERTY_COUNTS`` to a file to get the
slow test's counts.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from boundaries import BOUNDARY_CASES, BoundaryCase, assert_boundary_refused_or_runs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import OUTCOMES, assert_refused_or_runs, mutated_files

SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck)}


def _check(case: tuple[str, dict, list[str]], variant: int) -> None:
    name, tree, _mutations = case
    with tempfile.TemporaryDirectory() as folder:
        assert_refused_or_runs(Path(folder), name, tree, variant)


@settings(max_examples=200, **SETTINGS)
@given(mutated_files(), st.integers(0, 20))
def test_a_mutated_catalogue_file_is_refused_or_runs(case, variant) -> None:
    _check(case, variant)


@pytest.mark.slow
@settings(max_examples=10_000, **SETTINGS)
@given(mutated_files(), st.integers(0, 20))
def test_ten_thousand_mutated_catalogue_files_are_refused_or_run(case, variant) -> None:
    _check(case, variant)
    counts = os.environ.get("DEBTSIM_PROPERTY_COUNTS")
    if counts:
        Path(counts).write_text(json.dumps(dict(OUTCOMES)), encoding="utf-8")


@settings(max_examples=25, **SETTINGS)
@given(st.sampled_from(BOUNDARY_CASES))
def test_a_boundary_value_is_refused_or_runs(case: BoundaryCase) -> None:
    assert_boundary_refused_or_runs(case)


@pytest.mark.slow
@pytest.mark.parametrize("case", BOUNDARY_CASES, ids=lambda c: c.label)
def test_every_boundary_value_is_refused_or_runs(case: BoundaryCase) -> None:
    assert_boundary_refused_or_runs(case)
