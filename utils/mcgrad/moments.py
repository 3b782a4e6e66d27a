"""Exact moments of the gradient estimators, derived with SymPy (notebook 04).

For x ~ N(theta, sigma^2) written as x = theta + sigma*eps with eps ~ N(0, 1),
each estimator's per-sample term t(eps) (see :mod:`mcgrad.estimators`) is a
function of eps, so its exact mean and per-sample variance are integrals
against the standard normal density phi(eps) = exp(-eps^2/2) / sqrt(2 pi)::

    E[t]   = integral t(eps) phi(eps) d eps
    Var[t] = E[t^2] - E[t]^2          (the variance of a mean of N terms is Var[t] / N)

The integrals are done term by term: an objective whose ``symbolic(x)`` is a
polynomial in x gives a polynomial in eps, integrated with the moments
E[eps^k]; a step 1[x > c] (``Step``) restricts the integral to eps > (c - theta)/sigma.

``symbolic_moments`` returns the formulas in ``THETA`` and ``SIGMA``;
``estimator_moments`` evaluates them as floats and ``variance_function`` as a
numpy-vectorised function for plotting against a grid of theta.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

from mcgrad import _checks
from mcgrad.estimators import ESTIMATORS, WRT
from mcgrad.objectives import Objective

THETA = sp.Symbol("theta", real=True)
SIGMA = sp.Symbol("sigma", positive=True)
X = sp.Symbol("x", real=True)
EPS = sp.Symbol("epsilon", real=True)
_LOWER = sp.Symbol("a", real=True)  # lower limit of a truncated integral

PHI = sp.exp(-EPS**2 / 2) / sp.sqrt(2 * sp.pi)
"""The standard normal density phi(eps) as a SymPy expression."""


@lru_cache(maxsize=None)
def _normal_moment(k: int) -> sp.Expr:
    """E[eps^k] = integral over the real line of eps^k phi(eps)."""
    return sp.integrate(EPS**k * PHI, (EPS, -sp.oo, sp.oo))


@lru_cache(maxsize=None)
def _tail_moment(k: int) -> sp.Expr:
    """E[eps^k 1[eps > a]] = integral from a to infinity of eps^k phi(eps), in the symbol a."""
    return sp.simplify(sp.integrate(EPS**k * PHI, (EPS, _LOWER, sp.oo)))


MAX_DEGREE = 400  # highest power of eps integrated; beyond, expanding takes minutes


def _degree_bound(expr: sp.Expr, eps: sp.Symbol) -> int:
    """An upper bound on the degree of ``expr`` in ``eps``, read from the tree without expanding.

    Powers multiply the bound of their base, products add, sums and function arguments take
    the largest; a non-integer power of an expression in eps counts as MAX_DEGREE + 1.
    """
    if not expr.has(eps):
        return 0
    if expr == eps:
        return 1
    if expr.is_Pow:
        base = _degree_bound(expr.base, eps)
        if expr.exp.is_Integer and expr.exp >= 0 and not expr.exp.has(eps):
            return base * int(expr.exp) if base else 0
        return MAX_DEGREE + 1
    parts = [_degree_bound(a, eps) for a in expr.args]
    return sum(parts) if expr.is_Mul else max(parts, default=0)


def _own_symbol(expr: sp.Expr, eps: sp.Symbol) -> sp.Expr:
    """``expr`` with any other symbol named like ``eps`` (e.g. a plain Symbol('epsilon')) made ``eps``."""
    twins = {s: eps for s in expr.free_symbols if s.name == eps.name and s != eps}
    return expr.xreplace(twins) if twins else expr


def _check_degree(expr: sp.Expr, eps: sp.Symbol, name: str = "expr") -> sp.Expr:
    """``expr`` if its degree in ``eps`` is at most MAX_DEGREE, else a ValueError naming it."""
    if _degree_bound(expr, eps) > MAX_DEGREE:
        raise ValueError(f"{name} must have degree at most {MAX_DEGREE} in {eps} (a higher power "
                         f"would take minutes to expand), got degree up to "
                         f"{_degree_bound(expr, eps)}")
    return expr


def _polynomial_expectation(expr: sp.Expr, moment: Callable[[int], sp.Expr]) -> sp.Expr:
    try:
        poly = sp.Poly(expr, EPS)
    except sp.PolynomialError:
        poly = None
    if poly is None or any(c.has(EPS) for c in poly.coeffs()):
        raise ValueError(
            f"mcgrad.moments can only integrate polynomials in eps, optionally times one "
            f"step 1[x > c]; got {expr}"
        )
    return sp.Add(*(coeff * moment(k) for (k,), coeff in poly.terms()))


def expect(expr: sp.Expr) -> sp.Expr:
    """E[expr] for eps ~ N(0, 1), where ``expr`` is an expression in ``EPS``.

    Supported: polynomials in eps of degree at most ``MAX_DEGREE`` (coefficients may involve
    ``THETA``, ``SIGMA``), plus terms multiplied by one Heaviside step whose argument
    increases with eps.  A symbol named ``epsilon`` without assumptions counts as ``EPS``.
    """
    expr = _own_symbol(_checks.expression("expr", expr), EPS).replace(
        lambda e: e.is_Pow and isinstance(e.base, sp.Heaviside) and e.exp.is_positive,
        lambda e: e.base,  # 1[.]^n = 1[.]
    )
    expr = sp.expand(_check_degree(expr, EPS))
    steps = expr.atoms(sp.Heaviside)
    if not steps:
        return _polynomial_expectation(expr, _normal_moment)
    step = steps.pop()
    arg = sp.expand(step.args[0])
    slope = sp.diff(arg, EPS)
    if steps or slope.has(EPS) or not slope.is_positive:
        raise ValueError(
            "mcgrad.moments handles one step 1[x > c] with x = theta + sigma*eps; "
            f"got {expr}"
        )
    inside = expr.coeff(step)
    outside = sp.expand(expr - inside * step)
    lower = -arg.subs(EPS, 0) / slope  # 1[arg > 0] = 1[eps > lower]
    tail = _polynomial_expectation(inside, lambda k: _tail_moment(k).subs(_LOWER, lower))
    return tail + _polynomial_expectation(outside, _normal_moment)


def gaussian_moment(k: int) -> sp.Expr:
    """E[x^k] for x ~ N(THETA, SIGMA^2), as a polynomial in THETA and SIGMA.

    E[x] = theta, E[x^2] = theta^2 + sigma^2, E[x^3] = theta^3 + 3 theta sigma^2, ...
    Introduced in notebook 04.
    """
    return _gaussian_moment(_checks.integer("k", k, minimum=0, maximum=100))


@lru_cache(maxsize=None)
def _gaussian_moment(k: int) -> sp.Expr:
    return sp.expand(expect((THETA + SIGMA * EPS) ** k))


def _check_objective(objective: object) -> Objective:
    return _checks.objective("objective", objective)


def _check_names(estimator_name: object, wrt: object) -> None:
    _checks.choice("estimator_name", estimator_name, ESTIMATORS)
    _checks.choice("wrt", wrt, WRT)


def _key(estimator_name: object, objective: object, wrt: object) -> tuple:
    """Validated cache key: (name, wrt, repr(objective), symbolic f, differentiable, f's name).

    The exact symbolic f is part of the key because reprs round parameters to 6 digits.
    """
    _check_names(estimator_name, wrt)
    objective = _check_objective(objective)
    return (estimator_name, wrt, repr(objective), sp.sympify(objective.symbolic(X)),
            bool(objective.differentiable), objective.name)


def _term(name: str, wrt: str, f: sp.Expr, differentiable: bool, fname: str) -> sp.Expr:
    x = THETA + SIGMA * EPS
    if name == "score_function":
        score = EPS / SIGMA if wrt == "theta" else (EPS**2 - 1) / SIGMA
        return f.subs(X, x) * score
    if not differentiable:
        raise TypeError(
            f"objective {fname} has no derivative f'(x), so the reparameterization "
            "(pathwise) estimator does not apply; use score_function instead"
        )
    dx = 1 if wrt == "theta" else EPS  # dx/dtheta = 1, dx/dsigma = eps
    return sp.diff(f, X).subs(X, x) * dx


def per_sample_term(estimator_name: str, objective: Objective, *,
                    wrt: str = "theta") -> sp.Expr:
    """The per-sample term of ``estimators.<estimator_name>`` as an expression in EPS.

    score_function:     f(x) eps / sigma  (wrt theta),  f(x) (eps^2 - 1) / sigma  (wrt sigma)
    reparameterization: f'(x)             (wrt theta),  f'(x) eps                 (wrt sigma)
    with x = THETA + SIGMA*EPS.
    """
    _check_names(estimator_name, wrt)
    objective = _check_objective(objective)
    return _term(estimator_name, wrt, objective.symbolic(X), objective.differentiable,
                 objective.name)


@lru_cache(maxsize=None)
def _derive(name: str, wrt: str, key: str, f: sp.Expr, differentiable: bool,
            fname: str) -> tuple[sp.Expr, sp.Expr]:
    term = _term(name, wrt, f, differentiable, fname)
    tidy = sp.expand if f.has(sp.Float) else sp.simplify  # simplify crawls on a Float 1e-300
    try:
        mean = tidy(expect(term))
        var = tidy(expect(term**2) - mean**2)
    except ValueError as exc:
        raise ValueError(
            f"objective {fname} is not supported by mcgrad.moments, which integrates objectives "
            f"whose f is a polynomial of degree <= {MAX_DEGREE // 4} (Constant, Linear, Square, "
            f"ShiftedSquare, baselines.Monomial) or the step 1[x > 0] (Step); for Cosine and "
            f"GaussianBump use mcgrad.families.variance ({exc})") from None
    if var.is_rational_function(THETA, SIGMA) and not f.has(sp.Float):
        var = sp.factor(var)  # one fraction: (theta^4 + 14 theta^2 sigma^2 + 15 sigma^4) / sigma^2
    return mean, var


def symbolic_moments(estimator_name: str, objective: Objective, *,
                     wrt: str = "theta") -> tuple[sp.Expr, sp.Expr]:
    """Exact (mean, per-sample variance) of the estimator's terms, in THETA and SIGMA.

    Mean = E[t], variance = E[t^2] - E[t]^2 for the term t of :func:`per_sample_term`
    with eps ~ N(0, 1).  For f = x^2 and wrt="theta": means 2 theta, variances
    (theta^4 + 14 theta^2 sigma^2 + 15 sigma^4) / sigma^2 (score function) and
    4 sigma^2 (reparameterization).  Results are cached.  Introduced in notebook 04.

    Raises ``TypeError`` for the reparameterization estimator on an objective
    without a derivative (``Step``), like :func:`mcgrad.estimators.reparameterization`.
    """
    return _derive(*_key(estimator_name, objective, wrt))


# numpy has no erf: element-wise math.erf / math.erfc for lambdify
_NUMPY = [{"erf": np.vectorize(math.erf, otypes=[float]),
           "erfc": np.vectorize(math.erfc, otypes=[float])}, "numpy"]


@lru_cache(maxsize=None)
def _lambdified(name: str, wrt: str, key: str, f: sp.Expr, differentiable: bool,
                fname: str) -> tuple[Callable, Callable]:
    mean, var = _derive(name, wrt, key, f, differentiable, fname)
    return (sp.lambdify((THETA, SIGMA), mean, _NUMPY),
            sp.lambdify((THETA, SIGMA), var, _NUMPY))


def estimator_moments(estimator_name: str, objective: Objective, theta: float,
                      sigma: float, *, wrt: str = "theta") -> tuple[float, float]:
    """Exact (mean, per-sample variance) as floats at one (theta, sigma).

    The variance of the Monte Carlo mean of N terms is the second value / N.  Evaluated in
    mpmath with digits added until the value is stable to 1e-13 (relative), so a formula that
    cancels in float64 is still right; values below 1e-320 come back as 0.
    Example: ``estimator_moments("score_function", Square(), 2, 1)`` is (4.0, 87.0).
    Introduced in notebook 04.
    """
    key = _key(estimator_name, objective, wrt)
    theta = _checks.real_scalar("theta", theta)
    sigma = _checks.positive_scalar("sigma", sigma)
    out = _mp_moments(key, theta, sigma)
    mean, var = _checks.finite(out, "the exact moments", theta=theta, sigma=sigma)
    return float(mean), float(var)


@lru_cache(maxsize=None)
def _mp_lambdified(name: str, wrt: str, key: str, f: sp.Expr, differentiable: bool,
                   fname: str) -> Callable:
    return sp.lambdify((THETA, SIGMA), list(_derive(name, wrt, key, f, differentiable, fname)),
                       "mpmath")


def _mp_moments(key: tuple, theta: float, sigma: float) -> np.ndarray:
    """The exact formulas evaluated in mpmath with 30, 60, ... digits until two agree to 1e-13.

    A float64 evaluation of a formula such as E[t^2] - E[t]^2 can cancel every digit (the
    step at theta / sigma = -1e12); extra digits cannot.
    """
    import mpmath

    fn = _mp_lambdified(*key)
    previous = None
    for dps in (30, 60, 120, 240, 480):
        with mpmath.workdps(dps):
            values = [mpmath.re(v) for v in fn(mpmath.mpf(theta), mpmath.mpf(sigma))]
            if previous is not None and all(
                    abs(v - p) <= mpmath.mpf(10) ** -13 * abs(v) or abs(v) < mpmath.mpf(10) ** -320
                    for v, p in zip(values, previous)):
                break
            previous = values
    with _checks.quiet():
        return np.array([float(v) if abs(v) < mpmath.mpf(10) ** 308 else np.inf
                         for v in values])


def variance_function(estimator_name: str, objective: Objective, *,
                      wrt: str = "theta") -> Callable[[object, object], np.ndarray]:
    """A vectorised function (theta, sigma) -> exact per-sample variance.

    ``theta`` and ``sigma`` are scalars or arrays that broadcast together; the
    result has the broadcast shape.  Made with ``sympy.lambdify`` and cached.
    Introduced in notebook 04 (figure of both variances against theta).
    """
    _, var_fn = _lambdified(*_key(estimator_name, objective, wrt))

    def variance(theta: object, sigma: object = 1.0) -> np.ndarray:
        theta = _finite_array("theta", theta)
        sigma = _finite_array("sigma", sigma)
        if np.any(sigma <= 0):
            raise ValueError(f"sigma must be > 0 everywhere, got minimum {float(sigma.min())}")
        try:
            shape = np.broadcast_shapes(theta.shape, sigma.shape)
        except ValueError:
            raise ValueError(f"theta and sigma must broadcast together, got shapes "
                             f"{theta.shape} and {sigma.shape}") from None
        with _checks.quiet():
            var = np.asarray(var_fn(theta, sigma), dtype=float)
        _checks.finite(var, "the exact variance", theta=theta, sigma=sigma)
        return np.broadcast_to(var, shape).copy()

    variance.__doc__ = f"Exact per-sample variance of {estimator_name} for {objective!r}."
    return variance


def _finite_array(name: str, value: object) -> np.ndarray:
    if isinstance(value, (bool, np.bool_, str)):
        raise TypeError(f"{name} must be a real number or array, got {value!r}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must contain only finite values; it contains NaN or inf")
    return arr
