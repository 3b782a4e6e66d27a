"""Expected answers for the exercises of notebook 09, computed independently of the solutions.

The solutions use mcgrad's composite Gauss-Legendre rules and bisection; these
use mpmath's adaptive quadrature and root finder, closed forms, or finite
differences of the objective instead of the mean of the estimator's terms.
"""

from __future__ import annotations

import math

import mpmath as mp
import sympy as sp

from mcgrad.exercises import exercise


def _step_baseline_variance(theta: float, sigma: float) -> mp.mpf:
    """V_SF with the optimal baseline for 1[x > 0]: b*(1 - b*)/sigma^2 - phi(z)^2/sigma^2."""
    z = mp.mpf(theta) / sigma
    b_star = mp.ncdf(z) - z * mp.npdf(z)
    return (b_star * (1 - b_star) - mp.npdf(z) ** 2) / sigma**2


def _smooth_pathwise_variance(tau: mp.mpf, theta: float, sigma: float) -> mp.mpf:
    """Var[f_tau'(x)], x ~ N(theta, sigma^2), by mpmath quadrature with breaks at 0."""
    dens = lambda x: mp.npdf(x, theta, sigma)  # noqa: E731
    slope = lambda x: 1 / (4 * tau * mp.cosh(x / (2 * tau)) ** 2)  # noqa: E731
    pts = [-mp.inf, -40 * tau, -tau, 0, tau, 40 * tau, mp.inf]
    m1 = mp.quad(lambda x: dens(x) * slope(x), pts)
    m2 = mp.quad(lambda x: dens(x) * slope(x) ** 2, pts)
    return m2 - m1**2


@exercise("09.1", "value", rtol=1e-6, hint="solve V_RP(tau) = V_SF,b* with eq. (8a)")
def crossing_with_baseline(theta: float = 0.5, sigma: float = 1.0) -> float:
    target = _step_baseline_variance(theta, sigma)
    with mp.workdps(20):
        root = mp.findroot(
            lambda lt: _smooth_pathwise_variance(mp.e**lt, theta, sigma) - target, mp.log(0.25))
        return float(mp.e**root)


@exercise("09.2", "within", hint="use discrete.concrete_terms on fresh logistic noise")
def concrete_gradient(n: int = 50_000) -> tuple[float, float]:
    from mcgrad import discrete

    q, k, tau = 0.3, 0.45, 0.1  # the point of the exercise

    delta = 1e-5  # central difference of the relaxed objective J_tau(q), eq. (14)
    slope = (discrete.relaxed_objective(q + delta, tau, k)
             - discrete.relaxed_objective(q - delta, tau, k)) / (2 * delta)
    var = discrete.moments("concrete", q, k, tau=tau)[1]
    return slope, 5 * math.sqrt(var / n)  # five exact standard errors


@exercise("09.3", "formula", hint="integrate (2 (v - k))^2 v (1 - v) over (0, 1), eq. (15)")
def concrete_variance_limit(k: sp.Symbol = sp.Symbol("k", positive=True),
                            q: sp.Symbol = sp.Symbol("q", positive=True)) -> sp.Expr:
    for name, value in (("k", k), ("q", q)):
        if not isinstance(value, sp.Symbol):
            raise ValueError(f"{name} must be the SymPy symbol {name}_s defined in the exercise "
                             f"cell, got {value!r}")
    # by hand: int_0^1 v^j (1 - v) dv = 1/((j + 1)(j + 2)) for j = 1, 2, 3
    return 4 * (sp.Rational(1, 20) - 2 * k / 12 + k**2 / 6) / (q * (1 - q))
