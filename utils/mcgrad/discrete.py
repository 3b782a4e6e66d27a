"""A Bernoulli variable: the score function and the binary concrete relaxation.

Notebook 09.  b ~ Bernoulli(p) with the cost f(b) = (b - t)^2, so

    J(p) = E[f(b)] = (1 - p) f(0) + p f(1),     dJ/dp = f(1) - f(0) = 1 - 2t   (exact).

Both estimators are driven by the same logistic noise L ~ Logistic(0, 1)
(``rng.logistic(size=n)``), which gives an exact Bernoulli sample and its
relaxation (Maddison et al. 2017; Jang et al. 2017), with a = logit(p):

    hard     b       = 1[a + L > 0]           (P(b = 1) = p exactly)
    relaxed  b_tau   = s((a + L) / tau)       (binary concrete, temperature tau)

Score function:  f(b) (b - p) / (p (1 - p))                        unbiased for dJ/dp.
Concrete:        f'(b_tau) s'((a + L)/tau) / (tau p (1 - p))       the pathwise
derivative d f(b_tau) / dp; unbiased for d/dp E[f(b_tau)], the gradient of the
RELAXED objective, which tends to dJ/dp as tau -> 0 while its variance grows
like 1/tau.  Exact moments over L come from :func:`mcgrad.quadrature.logistic_rule`.
"""

from __future__ import annotations

import math

import numpy as np

from mcgrad import _checks, quadrature
from mcgrad.relaxations import _sigmoid, _sigmoid_slope, sigmoid, sigmoid_slope  # noqa: F401

ESTIMATORS = ("score_function", "concrete")


def _p(p: object) -> float:
    p = _checks.real_scalar("p", p)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be a probability strictly between 0 and 1, got {p!r}")
    return p


def _t(t: object) -> float:
    t = _checks.real_scalar("t", t)
    if abs(t) > 1e6:
        raise ValueError(f"t must lie in [-1e6, 1e6] (a target for b in [0, 1]), got {t!r}")
    return t


def cost(b: np.ndarray, t: float = 0.45) -> np.ndarray:
    """f(b) = (b - t)^2, elementwise, for b in {0, 1} or relaxed b in (0, 1)."""
    b = _checks.real_array("b", b)
    if np.any((b < 0) | (b > 1)):
        raise ValueError("b must lie in [0, 1] (a Bernoulli value or its relaxation)")
    return (b - _t(t)) ** 2


def exact_objective(p: float, t: float = 0.45) -> float:
    """J(p) = (1 - p) t^2 + p (1 - t)^2."""
    p, t = _p(p), _t(t)
    return (1 - p) * t**2 + p * (1 - t) ** 2


def exact_gradient(p: float, t: float = 0.45) -> float:
    """dJ/dp = f(1) - f(0) = (1 - t)^2 - t^2 = 1 - 2t (the same for every p)."""
    _p(p)
    t = _t(t)
    return (1 - t) ** 2 - t**2


def score_variance(p: float, t: float = 0.45) -> float:
    """Exact per-sample variance of the score terms: f0^2/(1-p) + f1^2/p - (f1 - f0)^2."""
    p, t = _p(p), _t(t)
    f0, f1 = t**2, (1 - t) ** 2
    with _checks.quiet():
        var = np.float64(f0)**2 / (1 - p) + np.float64(f1)**2 / p - (f1 - f0) ** 2
    return float(_checks.finite(var, "the score-function variance", p=p, t=t))


def hard_sample(p: float, noise: np.ndarray) -> np.ndarray:
    """b = 1[logit(p) + L > 0] as floats; shape of ``noise`` (logistic draws)."""
    p = _p(p)
    noise = _checks.float_array("noise", noise)
    return (math.log(p / (1 - p)) + noise > 0).astype(float)


def relaxed_sample(p: float, noise: np.ndarray, tau: float) -> np.ndarray:
    """b_tau = s((logit(p) + L) / tau), in (0, 1); shape of ``noise``."""
    p = _p(p)
    noise = _checks.float_array("noise", noise)
    tau = _checks.positive_scalar("tau", tau)
    with _checks.quiet():
        z = (math.log(p / (1 - p)) + noise) / tau
    return _sigmoid(z)  # s(+-inf) = 1, 0: an overflow of z is harmless here


def score_terms(p: float, noise: np.ndarray, t: float = 0.45) -> np.ndarray:
    """Per-sample f(b) (b - p)/(p (1 - p)) with b = hard_sample(p, noise)."""
    b = hard_sample(p, noise)
    return cost(b, t) * (b - p) / (p * (1 - p))


def concrete_terms(p: float, noise: np.ndarray, tau: float, t: float = 0.45) -> np.ndarray:
    """Per-sample pathwise derivative d f(b_tau)/dp = 2 (b_tau - t) s'(z) / (tau p (1 - p)).

    z = (logit(p) + L)/tau and d logit(p)/dp = 1/(p (1 - p)).  Shape of ``noise``.
    """
    b = relaxed_sample(p, noise, tau)
    t = _t(t)
    with _checks.quiet():
        z = (math.log(p / (1 - p)) + noise) / tau
        terms = 2 * (b - t) * _sigmoid_slope(z) / (tau * p * (1 - p))
    return _checks.finite(terms, "the concrete terms", p=p, noise=noise, tau=tau)


def relaxed_objective(p: float, tau: float, t: float = 0.45) -> float:
    """E[f(b_tau)] over L ~ Logistic(0, 1), by quadrature (about 1e-10 accurate)."""
    p, tau = _p(p), _checks.positive_scalar("tau", tau)
    nodes, w = quadrature.logistic_rule(-math.log(p / (1 - p)), tau)
    return float(np.sum(w * cost(relaxed_sample(p, nodes, tau), t)))


def moments(estimator: str, p: float, t: float = 0.45, tau: float | None = None) -> tuple[float, float]:
    """Exact (mean, per-sample variance) of ``"score_function"`` or ``"concrete"`` terms.

    The concrete estimator needs ``tau``; its mean is d/dp of
    :func:`relaxed_objective`, not dJ/dp.  Variance of a mean of N terms: var / N.
    """
    _checks.choice("estimator", estimator, ESTIMATORS)
    p, t = _p(p), _t(t)
    if estimator == "score_function":
        return exact_gradient(p, t), score_variance(p, t)
    if tau is None:
        raise ValueError("tau must be given (a temperature > 0) for the concrete estimator")
    tau = _checks.positive_scalar("tau", tau)
    nodes, w = quadrature.logistic_rule(-math.log(p / (1 - p)), tau)
    terms = concrete_terms(p, nodes, tau, t)
    mean = float(np.sum(w * terms))
    with _checks.quiet():
        var = float(np.sum(w * (terms - mean) ** 2))
    return mean, _checks.finite(var, "the variance", p=p, tau=tau, t=t)
