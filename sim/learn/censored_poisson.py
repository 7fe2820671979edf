"""Maximum-likelihood incident rates from censored counts (no SimPy).

An allocator that sends ``a`` attention units to a site discovers ``ŷ = min(a, y)`` of the
``y ~ Poisson(λ)`` incidents there. ``ŷ < a`` is an exact count; ``ŷ = a`` only says "at least
``a``" (a censored observation, probability ``P(Y ≥ a) = gammainc(a, λ)``); ``a = 0`` says
nothing. The log-likelihood of a site's window,

    L(λ) = S·log λ − n·λ + Σ_a c_a·log P(Y ≥ a; λ)      (S, n: sum and number of exact counts;
                                                          c_a: censored observations at level a)

is concave in λ (a Poisson log-pmf and log-concave Gamma CDFs), so the MLE is the unique root
of the score ``S/λ − n + Σ_a c_a·h_a(λ)``, ``h_a = pmf(a − 1)/P(Y ≥ a)``. Since
``λ·(1 + h_a(λ)) = E[Y | Y ≥ a] ≥ a`` the score is non-negative at the mean of the informative
``ŷ``: the MLE is never below the naive mean, which censoring biases downwards. Special cases
in closed form: no censored observation → the sample mean; only censored ones → the likelihood
grows without bound (the estimate is ``max_rate``); nothing informative → nan.

:class:`CensoredPoissonWindow` keeps the sufficient statistics of a sliding window up to date
one step at a time, so a refit costs a few score evaluations whatever the window.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from scipy import special

__all__ = [
    "CensoredPoissonWindow",
    "censored_poisson_loglik",
    "censored_poisson_mle",
    "mle_from_statistics",
    "sufficient_statistics",
]


def _check(discovered: np.ndarray, attention: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(discovered, dtype=float)
    a = np.asarray(attention)
    if y.shape != a.shape:
        raise ValueError(f"discovered and attention differ in shape: {y.shape} vs {a.shape}")
    if (y < 0).any() or (y > a).any() or (y != np.round(y)).any():
        raise ValueError("expected integer counts with 0 <= discovered <= attention")
    return y, a


def sufficient_statistics(
    discovered: np.ndarray, attention: np.ndarray, levels: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per site (columns of (T, K) inputs): ``S``, ``n`` (K,) and ``c`` (K, levels).

    ``c[k, a − 1]`` counts the censored observations ``ŷ = a ≥ 1`` of site ``k``; ``levels``
    defaults to the largest attention seen.
    """
    y, a = _check(discovered, attention)
    if y.ndim != 2:
        raise ValueError(f"expected (steps, sites) arrays, got shape {y.shape}")
    exact = y < a
    top = max(int(a.max(initial=0)), 1)
    levels = top if levels is None else levels
    if top > levels:
        raise ValueError(f"attention {top} exceeds the {levels} censoring levels")
    censored = (y == a) & (a > 0)
    c = np.zeros((y.shape[1], levels))
    np.add.at(c, (np.nonzero(censored)[1], a[censored].astype(np.int64) - 1), 1.0)
    return (y * exact).sum(axis=0), exact.sum(axis=0).astype(float), c


def _score(
    lam: np.ndarray, total: np.ndarray, count: np.ndarray, c: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The derivative of L at ``lam`` (K,) and its slope, for each site.

    With ``p = pmf(a − 1)`` and ``Q = P(Y ≥ a)``: ``dQ/dλ = p`` and ``dp/dλ = p·((a − 1)/λ − 1)``,
    so ``h' = h·((a − 1)/λ − 1) − h²``.
    """
    below = np.arange(c.shape[1], dtype=float)  # a − 1 for the levels a = 1, 2, ...
    lg = lam[:, None]
    tail = special.gammainc(below + 1.0, lg)
    pmf = np.exp(below * np.log(lg) - lg - special.gammaln(below + 1.0))
    safe = tail > 0
    hazard = np.where(safe, pmf / np.where(safe, tail, 1.0), (below + 1.0) / lg)
    slope = hazard * (below / lg - 1.0 - hazard)
    score = total / lam - count + (c * hazard).sum(axis=1)
    return score, -total / (lam * lam) + (c * slope).sum(axis=1)


def censored_poisson_loglik(
    rate: float | np.ndarray, discovered: np.ndarray, attention: np.ndarray
) -> np.ndarray:
    """L(rate) per site (constants dropped) for (T, K) windows; ``rate`` scalar or (K,)."""
    total, count, c = sufficient_statistics(discovered, attention)
    lam = np.broadcast_to(np.asarray(rate, dtype=float), total.shape)
    levels = np.arange(1, c.shape[1] + 1)
    with np.errstate(divide="ignore"):
        log_tail = np.log(special.gammainc(levels, lam[:, None]))
        log_lam = np.where(total > 0, np.log(lam), 0.0)
    return total * log_lam - count * lam + (c * np.where(c > 0, log_tail, 0.0)).sum(axis=1)


def mle_from_statistics(
    total: np.ndarray,
    count: np.ndarray,
    censored: np.ndarray,
    max_rate: float | np.ndarray = 100.0,
    start: np.ndarray | None = None,
    rtol: float = 1e-10,
) -> np.ndarray:
    """The MLE per site from its sufficient statistics; nan where nothing is informative.

    ``max_rate`` is one cap or one per site. ``start`` (e.g. the previous estimates) only speeds
    the search up: Newton steps in ``log λ`` from there, kept inside a bracket that starts at the
    naive mean.
    """
    total = np.asarray(total, dtype=float)
    cap = np.broadcast_to(np.asarray(max_rate, dtype=float), total.shape)
    count = np.asarray(count, dtype=float)
    c = np.asarray(censored, dtype=float)
    n_censored = c.sum(axis=1)
    out = np.full(total.shape, np.nan)
    plain = (count > 0) & (n_censored == 0)
    out[plain] = total[plain] / count[plain]
    only_censored = (count == 0) & (n_censored > 0)
    out[only_censored] = cap[only_censored]
    mixed = np.flatnonzero((count > 0) & (n_censored > 0))
    if mixed.size:
        guess = None if start is None else np.asarray(start, dtype=float)[mixed]
        out[mixed] = _solve(total[mixed], count[mixed], c[mixed], cap[mixed], guess, rtol)
    return out


def censored_poisson_mle(
    discovered: np.ndarray,
    attention: np.ndarray,
    max_rate: float | np.ndarray = 100.0,
    start: np.ndarray | None = None,
    rtol: float = 1e-10,
) -> np.ndarray:
    """The censored-Poisson MLE of each site's rate from (T, K) windows; nan if uninformative."""
    total, count, c = sufficient_statistics(discovered, attention)
    return mle_from_statistics(total, count, c, max_rate, start, rtol)


def _solve(
    total: np.ndarray,
    count: np.ndarray,
    c: np.ndarray,
    max_rate: np.ndarray,
    start: np.ndarray | None,
    rtol: float,
) -> np.ndarray:
    """Root of the (decreasing) score by safeguarded Newton steps in log λ."""
    lo = np.minimum((total + c @ np.arange(1, c.shape[1] + 1)) / (count + c.sum(axis=1)), max_rate)
    hi = np.array(max_rate, dtype=float)
    x = lo.copy()
    if start is not None:
        x = np.where(np.isfinite(start), np.clip(start, lo, hi), lo)
    active = np.ones(lo.shape, dtype=bool)
    capped = np.zeros(lo.shape, dtype=bool)
    for _ in range(100):
        f, df = _score(x, total, count, c)
        lo = np.where(f >= 0, x, lo)
        hi = np.where(f <= 0, x, hi)
        capped = (x >= max_rate) & (f > 0)  # the likelihood still rises at the cap
        # L is concave in log λ too: dL/dlog λ = λ·f, with slope λ·(f + λ·df) < 0.
        slope = f + x * df
        step = x * np.exp(np.minimum(-f / np.where(slope < 0, slope, -np.inf), 5.0))
        step = np.minimum(step, max_rate)
        new = np.where((step >= lo) & (step <= hi), step, 0.5 * (lo + hi))
        new = np.where(active & ~capped, new, x)
        active &= ~capped & (np.abs(new - x) > rtol * x)
        x = new
        if not active.any():
            break
    return np.where(capped, max_rate, x)


class CensoredPoissonWindow:
    """Sufficient statistics of the last ``window`` steps (0: all), updated one step at a time."""

    def __init__(self, sites: int, levels: int, window: int = 0):
        self.levels = levels
        self.window = window
        self.total_ = np.zeros(sites)
        self.count_ = np.zeros(sites)
        self.censored_ = np.zeros((sites, levels))
        self._steps: deque[tuple[np.ndarray, np.ndarray, np.ndarray]] = deque()

    def add(self, discovered: np.ndarray, attention: np.ndarray) -> None:
        """Log one step: ``discovered`` and ``attention`` per site (K,)."""
        y, a = _check(discovered, attention)
        if int(a.max(initial=0)) > self.levels:
            raise ValueError(f"attention {a.max()} exceeds the {self.levels} censoring levels")
        exact = (y < a).astype(float)
        cut = np.flatnonzero((y == a) & (a > 0))
        step = (y * exact, exact, np.stack([cut, a[cut].astype(np.int64) - 1]))
        self._apply(step, 1.0)
        self._steps.append(step)
        if self.window and len(self._steps) > self.window:
            self._apply(self._steps.popleft(), -1.0)

    def _apply(self, step: tuple[np.ndarray, np.ndarray, np.ndarray], sign: float) -> None:
        total, count, cells = step
        self.total_ += sign * total
        self.count_ += sign * count
        self.censored_[cells[0], cells[1]] += sign

    def fit(self, max_rate: float = 100.0, start: np.ndarray | None = None) -> np.ndarray:
        """The MLE of every site over the window (nan where nothing is informative)."""
        return mle_from_statistics(self.total_, self.count_, self.censored_, max_rate, start)
