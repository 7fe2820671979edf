"""Declared expectations on a batch (pure), and the feed fault's bad data."""

from __future__ import annotations

import numpy as np

from sim.components.tabular.validation import ValidationParams, failures, reference_of

EXPECT = ValidationParams(enabled=True)


def batch(rng: np.random.Generator, n: int = 1000) -> dict[str, np.ndarray]:
    return {"x": rng.standard_normal(n), "y": 2 + 3 * rng.standard_normal(n)}


def test_clean_batches_pass():
    rng = np.random.default_rng(1)
    reference = reference_of(batch(rng, 28_000))
    assert sum(bool(failures(batch(rng), reference, EXPECT)) for _ in range(200)) == 0


def test_each_kind_of_bad_data_fails_its_expectation():
    rng = np.random.default_rng(2)
    reference = reference_of(batch(rng, 28_000))
    clean = batch(rng)
    nulls = clean["x"].copy()
    nulls[:300] = np.nan
    found = dict(failures({**clean, "x": nulls}, reference, EXPECT))
    assert list(found) == ["x"] and found["x"].startswith("null share 0.30")
    unit = failures({**clean, "y": clean["y"] * 100}, reference, EXPECT)
    assert {name for name, _ in unit} == {"y"} and len(unit) == 3  # range, mean and spread
    frozen = failures({**clean, "x": np.full(1000, reference["x"].mean)}, reference, EXPECT)
    assert [what.split()[0] for _, what in frozen] == ["spread"]  # frozen at its mean


def test_tight_expectations_refuse_clean_batches():
    rng = np.random.default_rng(3)
    reference = reference_of(batch(rng, 28_000))
    tight = ValidationParams(enabled=True, max_mean_shift=0.02)
    refused = sum(bool(failures(batch(rng), reference, tight)) for _ in range(200))
    assert refused > 50  # the false-quarantine cost of a tight expectation
