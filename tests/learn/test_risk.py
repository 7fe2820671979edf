"""The exact logistic minimiser of RRM: it reaches the optimum from any start, cheaply."""

from __future__ import annotations

import numpy as np
import pytest

import sim.learn.risk as risk
from sim.learn.risk import fit_logistic_l2, logistic_loss


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((4000, 5))
    y = rng.random(4000) < 1 / (1 + np.exp(-(X @ [1.0, -2.0, 0.5, 0.0, 0.3] - 0.8)))
    return X, y.astype(float)


def _gradient(theta: np.ndarray, X: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    A = np.hstack([X, np.ones((len(y), 1))])
    p = 1 / (1 + np.exp(-np.clip(A @ theta, -700, 700)))
    g = A.T @ (p - y) / len(y)
    g[:-1] += l2 * theta[:-1]
    return g


@pytest.mark.parametrize("scale", [0.0, 1.0, 20.0, 200.0, 2000.0])
def test_warm_starts_far_away_still_reach_the_minimiser(scale: float):
    """A deployed θ far from the optimum puts every p at 0 or 1 (a flat region where the Newton
    step is huge): the fit must still end at the minimiser, not crawl along ascending steps (the
    RRM of strategic_extreme used to report θ and losses thousands of times the minimum)."""
    X, y = _data()
    cold = fit_logistic_l2(X, y, l2=0.1)
    start = scale * np.array([1.0, -1.0, 1.0, -1.0, 1.0, 1.0])
    warm = fit_logistic_l2(X, y, l2=0.1, start=start)
    assert np.abs(_gradient(warm, X, y, 0.1)).max() < 1e-6
    assert logistic_loss(warm, X, y, 0.1) == pytest.approx(logistic_loss(cold, X, y, 0.1), abs=1e-9)
    np.testing.assert_allclose(warm, cold, atol=1e-4)


def test_a_converged_fit_stops_without_a_line_search_at_rounding_level(monkeypatch):
    """Started at its own optimum the fit costs one Newton step (the initial loss and none of
    the ~27 halvings that could not beat rounding)."""
    X, y = _data(1)
    theta = fit_logistic_l2(X, y, l2=0.1)
    calls = []
    real = risk.logistic_loss

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(risk, "logistic_loss", counted)
    again = risk.fit_logistic_l2(X, y, l2=0.1, start=theta)
    assert len(calls) <= 2
    np.testing.assert_allclose(again, theta, atol=1e-6)
