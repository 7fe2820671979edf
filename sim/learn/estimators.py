"""Pure numpy learners: Beta-Bernoulli posteriors, online logistic regression, ridge regression.

Learners follow scikit-learn's conventions: parameters are validated dataclass fields declared
with :func:`~sim.core.params.param`; ``fit`` learns from scratch, ``partial_fit`` continues; the
learned state ends in ``_`` (``alpha_``, ``weights_``) and exists only after fitting. Every
random draw comes from a ``numpy.random.Generator`` passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
from scipy.special import expit

from sim.core.params import param
from sim.learn._checks import as_contexts, as_counts, as_matrix, as_vector, check_params

__all__ = [
    "ESTIMATORS",
    "BetaBernoulli",
    "NotFittedError",
    "OnlineLogisticRegression",
    "RidgeRegression",
    "sigmoid",
]


class NotFittedError(ValueError, AttributeError):
    """A learner was asked for its learned state before it was fitted (or reset)."""


def _state(obj: Any, name: str, hint: str) -> Any:
    try:
        return getattr(obj, name)
    except AttributeError:
        raise NotFittedError(f"{type(obj).__name__} is not fitted yet; {hint}") from None


def sigmoid(z: Any) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, exact in [0, 1] for any z, never overflowing.

    SciPy's ``expit`` ufunc: one pass, no overflow warnings; ``±inf`` map to 1 and 0, nan stays
    nan.
    """
    return expit(np.asarray(z, dtype=float))


@dataclass
class BetaBernoulli:
    """Independent Beta-Bernoulli posteriors, one per (context, arm).

    The posterior of arm ``j`` in context ``c`` is
    ``Beta(prior_alpha + clicks[c, j], prior_beta + impressions[c, j] - clicks[c, j])``;
    its mean is the estimate ``ctr_hat``. Counts may be fractional (e.g. discounted counts).
    """

    prior_alpha: float = param(1.0, gt=0, doc="prior pseudo-count of clicks per (context, arm)")
    prior_beta: float = param(1.0, gt=0, doc="prior pseudo-count of non-clicks per (context, arm)")
    alpha_: np.ndarray = field(init=False, repr=False, compare=False)
    beta_: np.ndarray = field(init=False, repr=False, compare=False)
    impressions_: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_params(self)

    def reset(self, n_contexts: int, n_arms: int) -> Self:
        """Forget all data: every (context, arm) posterior becomes the prior."""
        if n_contexts < 1 or n_arms < 1:
            raise ValueError(f"need n_contexts >= 1 and n_arms >= 1, got {n_contexts}, {n_arms}")
        shape = (int(n_contexts), int(n_arms))
        self.alpha_ = np.full(shape, float(self.prior_alpha))
        self.beta_ = np.full(shape, float(self.prior_beta))
        self.impressions_ = np.zeros(shape)
        return self

    def fit(self, impressions: np.ndarray, clicks: np.ndarray) -> Self:
        """The posterior from scratch given count arrays of shape (n_contexts, n_arms)."""
        imps, clks = as_counts(impressions, clicks)
        self.reset(*imps.shape)
        return self._add(imps, clks)

    def partial_fit(self, impressions: np.ndarray, clicks: np.ndarray) -> Self:
        """Add counts to the current posterior (fits from the prior if never fitted)."""
        imps, clks = as_counts(impressions, clicks)
        if not hasattr(self, "alpha_"):
            self.reset(*imps.shape)
        elif imps.shape != self.alpha_.shape:
            raise ValueError(f"counts have shape {imps.shape}, the posterior {self.alpha_.shape}")
        return self._add(imps, clks)

    def _add(self, imps: np.ndarray, clks: np.ndarray) -> Self:
        self.alpha_ = self.alpha_ + clks
        self.beta_ = self.beta_ + (imps - clks)
        self.impressions_ = self.impressions_ + imps
        return self

    def _alpha_beta(self) -> tuple[np.ndarray, np.ndarray]:
        hint = "call reset(n_contexts, n_arms) or fit(impressions, clicks) first"
        return _state(self, "alpha_", hint), _state(self, "beta_", hint)

    def mean(self) -> np.ndarray:
        """Posterior means ``alpha / (alpha + beta)``, shape (n_contexts, n_arms)."""
        alpha, beta = self._alpha_beta()
        return alpha / (alpha + beta)

    def counts(self) -> np.ndarray:
        """Impressions observed behind each estimate, shape (n_contexts, n_arms)."""
        self._alpha_beta()
        return self.impressions_.copy()

    def sample(self, rng: np.random.Generator, contexts: np.ndarray) -> np.ndarray:
        """One posterior draw of every arm per request: shape (len(contexts), n_arms)."""
        alpha, beta = self._alpha_beta()
        ids = as_contexts(contexts, alpha.shape[0])
        return rng.beta(alpha[ids], beta[ids])

    @property
    def n_contexts(self) -> int:
        """Number of contexts (rows of the posterior)."""
        return int(self._alpha_beta()[0].shape[0])

    @property
    def n_arms(self) -> int:
        """Number of arms (columns of the posterior)."""
        return int(self._alpha_beta()[0].shape[1])


@dataclass
class OnlineLogisticRegression:
    """Logistic regression trained by (mini-batch) stochastic gradient descent with L2.

    Each step moves along the gradient of the batch's mean log loss plus
    ``l2 / 2 * ||weights||^2`` (the intercept is not penalised). Labels may be soft, in [0, 1].
    """

    learning_rate: float = param(0.1, gt=0, doc="step size of each gradient step")
    l2: float = param(0.0, ge=0, doc="L2 penalty on the weights (not the intercept)")
    fit_intercept: bool = param(True, doc="learn an intercept")
    epochs: int = param(1, ge=1, doc="passes over each batch given to partial_fit")
    batch_size: int = param(256, ge=1, doc="rows per gradient step")
    weights_: np.ndarray = field(init=False, repr=False, compare=False)
    intercept_: float = field(init=False, repr=False, compare=False)
    n_seen_: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_params(self)

    def fit(self, X: np.ndarray, y: np.ndarray, rng: np.random.Generator | None = None) -> Self:
        """Train from scratch (zero weights) on ``X`` (n, d) and labels ``y`` (n,)."""
        for name in ("weights_", "intercept_", "n_seen_"):
            self.__dict__.pop(name, None)
        return self.partial_fit(X, y, rng)

    def partial_fit(
        self, X: np.ndarray, y: np.ndarray, rng: np.random.Generator | None = None
    ) -> Self:
        """``epochs`` passes of mini-batch SGD over this batch, continuing from the current fit.

        Rows are visited in a fresh ``rng`` permutation each epoch when ``rng`` is given, else
        in order. ``n_seen_`` counts rows given, not rows times epochs.
        """
        fitted = hasattr(self, "weights_")
        X = as_matrix(X, self.weights_.shape[0] if fitted else None)
        y = as_vector(y, X.shape[0])
        if ((y < 0) | (y > 1)).any():
            raise ValueError("labels y must lie in [0, 1]")
        if not fitted:
            self.weights_ = np.zeros(X.shape[1])
            self.intercept_ = 0.0
            self.n_seen_ = 0
        n = X.shape[0]
        w, b = self.weights_.copy(), float(self.intercept_)
        for _ in range(self.epochs):
            order = rng.permutation(n) if rng is not None else np.arange(n)
            for start in range(0, n, self.batch_size):
                rows = order[start : start + self.batch_size]
                Xb, yb = X[rows], y[rows]
                residual = sigmoid(Xb @ w + b) - yb
                w -= self.learning_rate * (Xb.T @ residual / len(rows) + self.l2 * w)
                if self.fit_intercept:
                    b -= self.learning_rate * float(residual.mean())
        self.weights_, self.intercept_ = w, b
        self.n_seen_ += n
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The logits ``X @ weights_ + intercept_``, shape (n,); ±inf where they overflow."""
        w = _state(self, "weights_", "call fit or partial_fit first")
        X = as_matrix(X, w.shape[0])
        with np.errstate(over="ignore", invalid="ignore"):
            z = X @ w + self.intercept_
            bad = ~np.isfinite(z)
            if bad.any():
                # Rescale overflowing rows so the dot product is finite; only the scale overflows,
                # which gives a logit of the right sign (±inf) instead of nan from inf - inf.
                scale = np.abs(X[bad]).max(axis=1)
                z[bad] = scale * ((X[bad] / scale[:, None]) @ w) + self.intercept_
        return z

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(y = 1 | x) for each row, shape (n,), in [0, 1]."""
        return sigmoid(self.decision_function(X))

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean log loss on (X, y); the L2 penalty is *not* included."""
        z = self.decision_function(X)
        y = as_vector(y, z.shape[0])
        # -log s(z) = log(1 + e^-z) and -log(1 - s(z)) = log(1 + e^z), each term skipped where
        # its weight is zero so that infinite logits never give 0 * inf.
        with np.errstate(invalid="ignore"):
            pos = np.where(y > 0, y * np.logaddexp(0.0, -z), 0.0)
            neg = np.where(y < 1, (1.0 - y) * np.logaddexp(0.0, z), 0.0)
        return float((pos + neg).mean())


@dataclass
class RidgeRegression:
    """Closed-form least squares with an L2 penalty ``l2 * ||weights||^2``.

    The intercept is unpenalised (the data are centred). With ``l2 = 0`` a rank-deficient
    problem gets the minimum-norm solution, as :func:`numpy.linalg.lstsq` gives.
    """

    l2: float = param(1.0, ge=0, doc="L2 penalty on the weights (not the intercept)")
    fit_intercept: bool = param(True, doc="learn an unpenalised intercept")
    weights_: np.ndarray = field(init=False, repr=False, compare=False)
    intercept_: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_params(self)

    def fit(self, X: np.ndarray, y: np.ndarray) -> Self:
        """Solve ``min ||y - X w - b||^2 + l2 ||w||^2`` exactly."""
        X = as_matrix(X)
        y = as_vector(y, X.shape[0])
        if X.shape[0] == 0:
            raise ValueError("cannot fit on zero rows")
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        y_mean = float(y.mean()) if self.fit_intercept else 0.0
        A, t = X - x_mean, y - y_mean
        if self.l2 > 0:
            # Augmented least squares: rows sqrt(l2) * I with zero targets add the penalty.
            A = np.vstack([A, np.sqrt(self.l2) * np.eye(X.shape[1])])
            t = np.concatenate([t, np.zeros(X.shape[1])])
        self.weights_ = np.linalg.lstsq(A, t, rcond=None)[0]
        self.intercept_ = y_mean - float(x_mean @ self.weights_)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions ``X @ weights_ + intercept_``, shape (n,)."""
        w = _state(self, "weights_", "call fit first")
        return as_matrix(X, w.shape[0]) @ w + self.intercept_


ESTIMATORS: dict[str, type] = {
    "beta_bernoulli": BetaBernoulli,
    "logistic": OnlineLogisticRegression,
    "ridge": RidgeRegression,
}
"""Model kinds, as a scenario names them, mapped to their learner class."""
