"""How the variance grows with dimension D (notebook 11).

x ~ N(theta 1, sigma^2 I) in R^D (theta the same in every coordinate), f(x) = ||x||^2 and
the gradient with respect to theta_1, whose exact value is 2 theta.  Write
x_1 = theta + sigma eps_1, A = x_1^2 and S = x_2^2 + ... + x_D^2 (independent of eps_1), so

    E[S] = (D - 1)(theta^2 + sigma^2),  Var[S] = (D - 1)(4 theta^2 sigma^2 + 2 sigma^4).  (a)

Per-sample terms (noise ``eps`` of shape (n, D + 1): columns 0..D-1 drive x, column D is
the extra normal of the Rayleigh W = ||(eps_1, eps_{D+1})||):

    score function       f(x) eps_1 / sigma
    with baseline b      (f(x) - b) eps_1 / sigma,   b* = E[f eps_1^2] = E[A eps_1^2] + E[S]
    pathwise             2 x_1
    measure-valued       (f(x+) - f(x-)) / (sigma sqrt(2 pi)),  x+- = x with x_1 = theta +- sigma W

The measure-valued pair shares x_2..x_D (coupling), so S cancels: 2 evaluations of f per
coordinate of the gradient, no derivative.  :func:`terms` computes the difference after
that cancellation, (theta + sigma W)^2 - (theta - sigma W)^2 = 4 theta sigma W, so the
terms are exact to rounding at every allowed theta, sigma and D.  :func:`symbolic_variances` derives all four
variances as SymPy functions of D (with mcgrad.families.gaussian_expectation).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from mcgrad import _checks

NAMES = ("score_function", "score_function_baseline", "reparameterization", "measure_valued")
MAX_ENTRIES = 50_000_000  # n * (D + 1) floats: 400 MB would not fit a Binder


@lru_cache(maxsize=None)
def symbolic_variances() -> dict:
    """Exact per-sample variances (SymPy, in D, theta, sigma) and the optimal baseline.

    Returns a dict with the keys of ``NAMES`` and ``"b_star"``.
    """
    import sympy as sp

    from mcgrad.families import gaussian_expectation

    theta, sigma = sp.Symbol("theta", real=True), sp.Symbol("sigma", positive=True)
    D, eps, b = sp.Symbol("D", positive=True, integer=True), sp.Symbol("epsilon", real=True), \
        sp.Symbol("b", real=True)
    A = (theta + sigma * eps)**2
    mean_s = (D - 1) * (theta**2 + sigma**2)  # eq. (a)
    second_s = (D - 1) * (4 * theta**2 * sigma**2 + 2 * sigma**4) + mean_s**2
    grad = 2 * theta

    def second(c: sp.Expr) -> sp.Expr:  # E[(A + S - c)^2 eps^2], S independent of eps
        return gaussian_expectation(sp.expand((A - c)**2 * eps**2)) + \
            2 * gaussian_expectation(sp.expand((A - c) * eps**2)) * mean_s + second_s

    v_b = second(b) / sigma**2 - grad**2
    b_star = sp.solve(sp.diff(v_b, b), b)[0]
    w = sp.Symbol("w", positive=True)
    rayleigh_w2 = sp.integrate(w**3 * sp.exp(-w**2 / 2), (w, 0, sp.oo))  # E[W^2] = 2
    mv_second = (4 * theta * sigma)**2 * rayleigh_w2 / (2 * sp.pi * sigma**2)
    return {"score_function": sp.factor(sp.expand(v_b.subs(b, 0))),
            "score_function_baseline": sp.factor(sp.expand(v_b.subs(b, b_star))),
            "reparameterization": sp.expand(gaussian_expectation(4 * A) - grad**2),
            "measure_valued": sp.simplify(mv_second - grad**2),
            "b_star": sp.expand(b_star)}


def variance(name: str, D: int, theta: float = 2.0, sigma: float = 1.0) -> float:
    """The exact per-sample variance of ``name`` at dimension ``D`` (a float)."""
    _checks.choice("name", name, NAMES)
    D = _checks.integer("D", D, minimum=1, maximum=10**6)
    theta, sigma = _params(theta, sigma)
    return float(_numeric(name)(D, theta, sigma))


@lru_cache(maxsize=None)
def _numeric(name: str):
    import sympy as sp

    expr = symbolic_variances()[name]
    symbols = {s.name: s for s in expr.free_symbols}
    args = [symbols.get(n, sp.Symbol(n)) for n in ("D", "theta", "sigma")]
    return sp.lambdify(args, expr, "math")


def _params(theta: object, sigma: object) -> tuple[float, float]:
    theta = _checks.real_scalar("theta", theta)
    sigma = _checks.positive_scalar("sigma", sigma)
    if abs(theta) > 1e6 or not 1e-6 <= sigma <= 1e6:
        raise ValueError(f"theta must be within [-1e6, 1e6] and sigma within [1e-6, 1e6], got "
                         f"theta={theta!r}, sigma={sigma!r}")
    return theta, sigma


def terms(name: str, eps: np.ndarray, theta: float = 2.0, sigma: float = 1.0) -> np.ndarray:
    """Per-sample terms of ``name`` for d/dtheta_1 E||x||^2; ``eps`` shape (n, D + 1), result (n,).

    ``D`` is read from ``eps.shape[1] - 1``; the baseline version uses the exact b*.
    """
    _checks.choice("name", name, NAMES)
    theta, sigma = _params(theta, sigma)
    eps = _checks.float_array("eps", eps)
    if eps.ndim != 2 or eps.shape[1] < 2:
        raise ValueError(f"eps must have shape (n, D + 1) with D >= 1, got {eps.shape}")
    if eps.size > MAX_ENTRIES:
        raise ValueError(f"eps has {eps.size:,} entries, more than {MAX_ENTRIES:,}; use fewer draws")
    with np.errstate(over="ignore", invalid="ignore"):
        out = _terms(name, eps, theta, sigma)
    if not np.isfinite(out).all():
        raise ValueError(f"the terms overflow float64 for theta={theta!r}, sigma={sigma!r} "
                         "and this eps; use smaller values")
    return out


def _terms(name: str, eps: np.ndarray, theta: float, sigma: float) -> np.ndarray:
    D = eps.shape[1] - 1
    x = theta + sigma * eps[:, :D]
    if name == "reparameterization":
        return 2 * x[:, 0]
    if name == "measure_valued":
        w = np.hypot(eps[:, 0], eps[:, D])
        # f(x+) - f(x-): the shared S = x_2^2 + ... + x_D^2 cancels exactly, and
        # (theta + sigma w)^2 - (theta - sigma w)^2 = 4 theta sigma w, computed without the
        # cancellation that subtracting the two sums (each about D theta^2) would suffer
        return 4 * theta * w / math.sqrt(2 * math.pi)
    f = np.sum(x * x, axis=1)
    b = variance_baseline(D, theta, sigma) if name == "score_function_baseline" else 0.0
    return (f - b) * eps[:, 0] / sigma


def variance_baseline(D: int, theta: float = 2.0, sigma: float = 1.0) -> float:
    """The optimal constant baseline b* = E[f eps_1^2] at dimension ``D`` (5 D + 2 at theta = 2)."""
    D = _checks.integer("D", D, minimum=1, maximum=10**6)
    theta, sigma = _params(theta, sigma)
    return float(_numeric("b_star")(D, theta, sigma))
