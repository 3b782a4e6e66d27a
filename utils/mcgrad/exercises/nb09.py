"""Expected answers for the exercises of notebook 09, computed independently of the solutions.

The solutions use mcgrad's composite Gauss-Legendre rules and bisection; these
use SciPy's adaptive quadrature and Brent's root finder, mpmath's normal
distribution functions, closed forms, or finite differences of the objective
instead of the mean of the estimator's terms.
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


def _smooth_pathwise_variance(tau: float, theta: float, sigma: float) -> float:
    """Var[f_tau'(x)], x ~ N(theta, sigma^2), by SciPy's adaptive quadrature, breaks at 0."""
    from scipy import integrate, stats

    def slope(x: float) -> float:
        return 1 / (4 * tau * math.cosh(min(x / (2 * tau), 700.0)) ** 2)

    def moment(power: int) -> float:
        pts = [-40 * tau, -tau, 0.0, tau, 40 * tau]
        inner = integrate.quad(lambda x: stats.norm.pdf(x, theta, sigma) * slope(x) ** power,
                               pts[0], pts[-1], points=pts[1:-1], epsabs=0, epsrel=1e-12,
                               limit=200)[0]
        # outside |x| < 40 tau the slope is below e^-80 / tau: negligible
        return inner

    m1 = moment(1)
    return moment(2) - m1**2


@exercise("09.1", "value", rtol=1e-6, hint="solve V_RP(tau) = V_SF,b* with eq. (8a)")
def crossing_with_baseline(theta: float = 0.5, sigma: float = 1.0) -> float:
    from scipy import optimize

    target = float(_step_baseline_variance(theta, sigma))
    # V_RP(tau) falls from above the target at tau = 1e-3 to below it at tau = 3
    root = optimize.brentq(lambda lt: _smooth_pathwise_variance(math.exp(lt), theta, sigma)
                           - target, math.log(1e-3), math.log(3.0), xtol=1e-14, rtol=1e-13)
    return math.exp(root)


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
