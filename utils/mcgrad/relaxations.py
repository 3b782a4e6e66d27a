"""Smoothing a discontinuous objective so that the pathwise estimator applies.

Notebook 09 replaces the step 1[x > 0] by the sigmoid of temperature tau,

    f_tau(x) = s(x / tau),   s(z) = 1 / (1 + e^{-z}),   f_tau'(x) = s(z) (1 - s(z)) / tau,

which tends to the step as tau -> 0.  The reparameterization estimator of the
smoothed objective is unbiased for d/dtheta E[f_tau(x)], hence biased for the
gradient of the step, d/dtheta E[1[x > 0]] = phi(theta/sigma)/sigma.  Gaussian
expectations of f_tau have no closed form; they are computed here by the
composite quadrature of :mod:`mcgrad.quadrature` (accurate to about 1e-10).

:func:`estimator_moments` gives the exact mean and per-sample variance of any
estimator of :mod:`mcgrad.estimators` by quadrature over its own terms.
"""

from __future__ import annotations

from typing import Callable

import math

import numpy as np
import sympy as sp

from mcgrad import _checks, quadrature
from mcgrad.objectives import Objective, Step, _as_float_array, _params


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _sigmoid_slope(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


def sigmoid(z: object) -> np.ndarray:
    """s(z) = 1/(1 + e^{-z}), elementwise, computed as (1 + tanh(z/2))/2 (no overflow)."""
    return _sigmoid(_as_float_array(z, "z"))


def sigmoid_slope(z: object) -> np.ndarray:
    """s'(z) = s(z)(1 - s(z)) = e^{-|z|}/(1 + e^{-|z|})^2, elementwise and stable."""
    return _sigmoid_slope(_as_float_array(z, "z"))


class SmoothStep(Objective):
    """f(x) = s(x / tau), the step 1[x > 0] smoothed at temperature tau > 0.

    E[f], dE/dtheta = E[f'(x)] and dE/dsigma = E[f'(x) eps] for x ~ N(theta,
    sigma^2) are computed by composite Gauss-Legendre quadrature (see
    :func:`mcgrad.quadrature.normal_rule`).  Introduced in notebook 09.
    """

    differentiable = True

    def __init__(self, tau: float = 0.1) -> None:
        self.tau = _checks.positive_scalar("tau", tau)
        self.name = f"sigmoid(x/{self.tau:g})"
        self.latex = rf"\sigma(x/{self.tau:g})"

    def value(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        with _checks.quiet():
            return _sigmoid(x / self.tau)  # x / tau = +-inf gives the limits 1 and 0

    def derivative(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        with _checks.quiet():
            return _sigmoid_slope(x / self.tau) / self.tau

    def _expect(self, g: Callable[[np.ndarray], np.ndarray], theta: float, sigma: float) -> float:
        theta, sigma = _params(theta, sigma)
        eps, w = quadrature.normal_rule(theta, sigma, kink=0.0, width=self.tau)
        with _checks.quiet(), _checks.NamedError(theta=theta, sigma=sigma):
            x = _checks.finite(theta + sigma * eps, "x", theta=theta, sigma=sigma)
            return float(_checks.finite(np.sum(w * g(x, eps)), "the expectation",
                                        theta=theta, sigma=sigma))

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        return self._expect(lambda x, e: self.value(x), theta, sigma)

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        return self._expect(lambda x, e: self.derivative(x), theta, sigma)

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        return self._expect(lambda x, e: self.derivative(x) * e, theta, sigma)

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        x = _checks.expression("x", x)
        return 1 / (1 + sp.exp(-x / sp.nsimplify(self.tau)))

    def __repr__(self) -> str:
        return f"SmoothStep(tau={self.tau!r})"


def estimator_moments(estimator: Callable, objective: Objective, theta: float,
                      sigma: float = 1.0, *, wrt: str = "theta") -> tuple[float, float]:
    """Exact (mean, per-sample variance) of an estimator's terms, by quadrature.

    ``estimator`` is :func:`mcgrad.estimators.score_function` or
    ``reparameterization``; the terms are evaluated on quadrature nodes in eps
    with breakpoints at the objective's kink (x = 0 for ``Step``, scale tau for
    ``SmoothStep``).  The variance of a mean of N terms is the returned
    variance / N.  Used in notebook 09.
    """
    _checks.estimator("estimator", estimator)
    _checks.objective("objective", objective)
    _checks.choice("wrt", wrt, ("theta", "sigma"))
    theta, sigma = _params(theta, sigma)
    width = objective.tau if isinstance(objective, SmoothStep) else None
    if not isinstance(objective, (Step, SmoothStep)):
        width = 1.0
    eps, w = quadrature.normal_rule(theta, sigma, kink=0.0, width=width)
    terms = estimator(objective, theta, sigma, eps, wrt=wrt)
    with _checks.quiet():
        mean = float(np.sum(w * terms))
        var = float(np.sum(w * (terms - mean) ** 2))
    _checks.finite(np.array([mean, var]), "the moments", theta=theta, sigma=sigma)
    return mean, var


def step_bias(tau: float, theta: float, sigma: float = 1.0) -> float:
    """Bias of the smoothed pathwise gradient for the true step gradient.

    E[f_tau'(x)] - phi(theta/sigma)/sigma, x ~ N(theta, sigma^2); tends to 0 like
    tau^2 as tau -> 0 (notebook 09).
    """
    return SmoothStep(tau).gradient(theta, sigma) - Step().gradient(theta, sigma)


def _scalar_function(name: str, fun: object) -> Callable[[float], float]:
    if not callable(fun):
        raise TypeError(f"{name} must be a function of one real number, got {fun!r}")

    def call(x: float) -> float:
        try:
            value = fun(x)
        except (OverflowError, ZeroDivisionError) as exc:
            raise ValueError(f"{name}({x!r}) raised {type(exc).__name__} ({exc}); it must "
                             "return a finite number everywhere on the bracket") from None
        try:
            out = float(value)
        except (TypeError, ValueError, OverflowError):
            raise TypeError(f"{name}({x!r}) must return a real number, got {value!r}") from None
        if not np.isfinite(out):
            raise ValueError(f"{name}({x!r}) returned {out!r}; it must be finite on the bracket")
        return out

    return call


def _bracket(lo: object, hi: object, xtol: object) -> tuple[float, float, float]:
    lo, hi = _checks.real_scalar("lo", lo), _checks.real_scalar("hi", hi)
    if not lo < hi:
        raise ValueError(f"lo must be < hi, got lo={lo!r}, hi={hi!r}")
    xtol = _checks.positive_scalar("xtol", xtol)
    if not math.isfinite(hi - lo):
        raise ValueError(f"hi - lo must be finite (below 1.8e308), got lo={lo!r}, hi={hi!r}; "
                         "use a narrower bracket")
    return lo, hi, xtol


def bisect(fun: Callable[[float], float], lo: float, hi: float, *,
           xtol: float = 1e-12) -> float:
    """A root of ``fun`` in [lo, hi] by bisection, to within ``xtol``.

    ``fun`` must be continuous with fun(lo) and fun(hi) of opposite signs (or
    one of them zero); the interval halves at each step, so at most
    log2((hi - lo) / xtol) + 1 evaluations follow (never more than 2100 for float64: the
    loop also stops when no float lies strictly inside the bracket).  The result is within
    ``xtol`` of a sign change of ``fun`` (or the float next to it).
    Notebook 09 uses it for exact crossing points: where two variances are
    equal, or where a relaxed gradient changes sign.
    """
    call = _scalar_function("fun", fun)
    lo, hi, xtol = _bracket(lo, hi, xtol)
    f_lo, f_hi = call(lo), call(hi)
    if f_lo == 0.0:
        return lo
    if f_hi == 0.0:
        return hi
    if (f_lo > 0) == (f_hi > 0):
        raise ValueError(f"fun must change sign on [lo, hi]; got fun({lo!r}) = {f_lo:.6g} "
                         f"and fun({hi!r}) = {f_hi:.6g}: choose another bracket")
    for _ in range(2200):  # log2(2 * 1.8e308 / 5e-324) < 2100 halvings exhaust float64
        if hi - lo <= xtol:
            break
        mid = 0.5 * lo + 0.5 * hi  # no overflow for a bracket as wide as the float range
        if not lo < mid < hi:
            break
        f_mid = call(mid)
        if f_mid == 0.0:
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * lo + 0.5 * hi


def golden_max(fun: Callable[[float], float], lo: float, hi: float, *,
               xtol: float = 1e-9) -> float:
    """The maximiser of a unimodal ``fun`` on [lo, hi] by golden-section search.

    Each step keeps the sub-interval that must hold the maximum and shrinks
    the bracket by the factor (sqrt(5) - 1)/2, until it is shorter than
    ``xtol`` (at most 3100 steps for any finite bracket; the loop also stops when the two
    inner points no longer move).  For a function with several local maxima it
    returns one of them.  Notebook 09 uses it for the largest batch size at
    which a biased estimator still beats an unbiased one.
    """
    call = _scalar_function("fun", fun)
    lo, hi, xtol = _bracket(lo, hi, xtol)
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    f_a, f_b = call(a), call(b)
    for _ in range(3100):  # 0.618^3100 * 1.8e308 < 5e-324: every finite bracket shrinks
        if hi - lo <= xtol:
            break
        if not lo <= a < b <= hi:  # rounding drift over many steps: place both points afresh
            a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
            if not lo <= a < b <= hi:  # no two floats left inside the bracket
                break
            f_a, f_b = call(a), call(b)
        if f_a >= f_b:
            hi, b, f_b = b, a, f_a
            a = hi - ratio * (hi - lo)
            f_a = call(a)
        else:
            lo, a, f_a = a, b, f_b
            b = lo + ratio * (hi - lo)
            f_b = call(b)
    return 0.5 * lo + 0.5 * hi
