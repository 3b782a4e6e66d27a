"""Exact per-sample variances of three estimators for three cost families (notebook 11).

Costs, x = theta + sigma * eps ~ N(theta, sigma^2):  ``"square"`` (x - k)^2,
``"bump"`` exp(-k x^2), ``"cosine"`` cos(k x)  (:func:`cost` builds the objective).
Estimators: ``"score_function"``, ``"reparameterization"`` and ``"measure_valued"``
(:mod:`mcgrad.estimators`); gradients with respect to ``wrt`` = theta or sigma.

* Score function and pathwise: closed forms.  Every term is a polynomial in eps times
  exp(a eps^2 + b eps + c) (cos is written with complex exponentials), and for p = 1 - 2a > 0

      E[eps^n e^(a eps^2 + b eps + c)] = e^(c + b^2/(2p)) / sqrt(p) * E[Y^n],
      Y ~ N(b/p, 1/p),                                                    (G)

  which :func:`gaussian_expectation` applies term by term in SymPy.
* Measure-valued: composite Gauss-Legendre quadrature (panels scaled with k sigma, relative
  accuracy about 1e-10 for sigma (|k| + 3 sqrt|k|) <= 20) of the terms written with stable
  differences D(h) = f(theta + h) - f(theta) (no cancellation at a tiny sigma), as centred sums:
      theta, coupled:      V = c^2 Var_W[D(sigma W) - D(-sigma W)],  c = 1/(sigma sqrt(2 pi)),
      theta, independent:  V = c^2 (Var_W[D(sigma W)] + Var_W[D(-sigma W)]),  W ~ Rayleigh,
      sigma, coupled:      V = Var_{M,U}[D(sigma M) - D(sigma U M)] / sigma^2,
      sigma, independent:  V = (Var_M[D(sigma M)] + Var_eps[D(sigma eps)]) / sigma^2,
  M ~ double-sided Maxwell, U ~ Uniform(0, 1) (the couplings of
  :func:`mcgrad.estimators.measure_valued`).  Coupling lowers the variance exactly when
  Cov(f(x_+), f(x_-)) > 0.  For f = (x - k)^2, a = theta - k: theta, coupled 4 a^2 (4 - pi)/pi,
  independent (8/pi - 2) a^2 + 4 sigma^2/pi, equal at |a| = sigma sqrt(2/(4 - pi)) = 1.526 sigma;
  sigma, coupled 4 (a^2 + sigma^2), independent 8 (2 a^2 + sigma^2).
  :func:`quadrature_moments` computes mean, variance and fourth central moment of any of
  the three estimators' terms directly from the estimators (two-dimensional for sigma).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from mcgrad import _checks, estimators, objectives
from mcgrad.quadrature import composite_legendre

FAMILIES = ("square", "bump", "cosine")
NAMES = ("score_function", "reparameterization", "measure_valued")
SCALE_LIMIT = 20.0  # largest |k| sigma for the measure-valued quadrature
_REACH = 12.0  # |eps| <= 12: the normal mass beyond is below 1e-32


def cost(family: str, k: float) -> objectives.Objective:
    """The objective of ``family`` ("square", "bump", "cosine") with constant ``k``."""
    _checks.choice("family", family, FAMILIES)
    k = _checks.real_scalar("k", k)
    if abs(k) > objectives.K_LIMIT:
        raise ValueError(f"k must be within [-{objectives.K_LIMIT:g}, {objectives.K_LIMIT:g}], "
                         f"got {k!r}")
    return {"square": objectives.ShiftedSquare, "bump": objectives.GaussianBump,
            "cosine": objectives.Cosine}[family](k)


def _symbols():
    import sympy as sp

    return (sp.Symbol("theta", real=True), sp.Symbol("sigma", positive=True),
            sp.Symbol("k", real=True), sp.Symbol("epsilon", real=True))


def gaussian_expectation(expr, eps=None):
    """E over eps ~ N(0, 1) of a SymPy expression: sums of eps^n exp(quadratic), eq. (G).

    ``eps`` defaults to the symbol ``epsilon`` (real); another symbol of the same name (e.g. a
    plain ``Symbol('epsilon')``) counts as ``eps``.  Degree in eps at most
    ``moments.MAX_DEGREE``.  Trigonometric factors are rewritten as complex exponentials;
    apply ``sympy.expand_complex`` for a real form.
    """
    import sympy as sp

    if eps is None:
        eps = _symbols()[3]
    elif not isinstance(eps, sp.Symbol):
        raise TypeError(f"eps must be a SymPy symbol such as sympy.Symbol('epsilon', real=True), "
                        f"got {eps!r} of type {type(eps).__name__}")
    from mcgrad.moments import _check_degree, _own_symbol

    expr = _check_degree(_own_symbol(_checks.expression("expr", expr), eps), eps)
    out = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(sp.powsimp(sp.expand(expr.rewrite(sp.exp))))):
        arg, n, rest = sp.Integer(0), 0, sp.Integer(1)
        for fac in sp.Mul.make_args(term):
            base, power = fac.as_base_exp()
            if isinstance(fac, sp.exp):
                arg += fac.args[0]
            elif base == sp.E:
                arg += power
            elif base == eps and power.is_Integer and power >= 0:
                n += int(power)
            elif fac.has(eps):
                raise ValueError(f"expr must be polynomials in {eps} times exponentials of "
                                 f"quadratics, got the factor {fac}")
            else:
                rest *= fac
        try:
            poly = sp.Poly(sp.expand(arg), eps)
        except sp.PolynomialError:
            poly = None
        if poly is None or poly.degree() > 2 or any(c.has(eps) for c in poly.coeffs()):
            raise ValueError(f"exponent {arg} is not quadratic in {eps}")
        a2, a1, a0 = (poly.coeff_monomial(eps**j) for j in (2, 1, 0))
        p = 1 - 2 * a2  # eq. (G); positive for every cost family here
        if p.is_number and not p > 0:
            raise ValueError(f"the expectation of exp({arg}) under N(0, 1) diverges")
        moment = sum(sp.binomial(n, j) * (a1 / p)**(n - j) * p**sp.Rational(-j, 2)
                     * sp.factorial2(j - 1) for j in range(0, n + 1, 2))
        out += rest * sp.exp(a0 + a1**2 / (2 * p)) / sp.sqrt(p) * moment
    return out


def symbolic_term(name: str, family: str, wrt: str = "theta"):
    """The per-sample term of the score function or pathwise estimator, in (theta, sigma, k, eps)."""
    _checks.choice("name", name, NAMES[:2])
    _checks.choice("family", family, FAMILIES)
    _checks.choice("wrt", wrt, estimators.WRT)
    theta, sigma, k, eps = _symbols()
    x = theta + sigma * eps
    import sympy as sp

    f = {"square": (x - k)**2, "bump": sp.exp(-k * x**2), "cosine": sp.cos(k * x)}[family]
    if name == "score_function":
        return f * (eps if wrt == "theta" else eps**2 - 1) / sigma
    return sp.diff(f, eps) / sigma * (1 if wrt == "theta" else eps)  # f'(x) dx/d(wrt)


@lru_cache(maxsize=None)
def symbolic_moments(name: str, family: str, wrt: str = "theta"):
    """(E[t], E[t^2]) of ``symbolic_term`` as SymPy expressions in (theta, sigma, k), eq. (G)."""
    term = symbolic_term(name, family, wrt)
    return gaussian_expectation(term), gaussian_expectation(term**2)


@lru_cache(maxsize=None)
def _closed_second(name: str, family: str, wrt: str):
    import sympy as sp

    theta, sigma, k, _ = _symbols()
    return sp.lambdify((theta, sigma, k), symbolic_moments(name, family, wrt)[1], "numpy")


@lru_cache(maxsize=None)
def _closed_mp(name: str, family: str, wrt: str):
    import sympy as sp

    theta, sigma, k, _ = _symbols()
    mean, second = symbolic_moments(name, family, wrt)
    return sp.lambdify((theta, sigma, k), [mean, second], "mpmath")


def _closed_variance_mp(name: str, family: str, wrt: str, theta: float, sigma: float,
                        k: float) -> float:
    """E[t^2] - E[t]^2 of the closed form in mpmath, with digits added until 12 survive."""
    import mpmath

    fn = _closed_mp(name, family, wrt)
    for dps in (40, 80, 160, 320, 640):
        with mpmath.workdps(dps):
            mean, second = (mpmath.re(v) for v in fn(mpmath.mpf(theta), mpmath.mpf(sigma),
                                                       mpmath.mpf(k)))
            var = second - mean * mean
            if second == 0 or abs(var) > mpmath.mpf(10) ** (12 - dps) * abs(second):
                return float(var)
    raise ValueError(f"the variance of {name} for k={k!r}, theta={theta!r}, sigma={sigma!r} "
                     "cancels beyond 640 digits; use a larger sigma")


MAX_KS = 10_000  # values of k in one call of variance


def _ks(k: object) -> np.ndarray:
    if isinstance(k, (bool, np.bool_)):
        raise TypeError(f"k must be a real number or a 1-D array of them, got {k!r}")
    if isinstance(k, np.ndarray):
        arr = _checks.float_array("k", k.astype(float) if k.dtype.kind in "iu" else k)
    else:
        arr = np.array([_checks.real_scalar("k", k)])
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"k must be a number or a non-empty 1-D array, got shape {arr.shape}")
    if arr.size > MAX_KS:
        raise ValueError(f"k must hold at most {MAX_KS} values, got {arr.size}; "
                         "split the grid into several calls")
    if np.abs(arr).max() > objectives.K_LIMIT:
        raise ValueError(f"k must be within [-{objectives.K_LIMIT:g}, {objectives.K_LIMIT:g}]")
    return arr


def exact_gradient(objective: objectives.Objective, theta: float, sigma: float = 1.0, *,
                   wrt: str = "theta") -> float:
    """dJ/dtheta or dJ/dsigma of ``objective`` (what every estimator's terms average to)."""
    _checks.objective("objective", objective)
    _checks.choice("wrt", wrt, estimators.WRT)
    if wrt == "theta":
        return objective.gradient(theta, sigma)
    return objective.gradient_sigma(theta, sigma)


def _target(f: objectives.Objective, theta: float, sigma: float, wrt: str) -> float:
    return exact_gradient(f, theta, sigma, wrt=wrt)


def variance(name: str, family: str, k: object, theta: float = 1.0, sigma: float = 1.0,
             *, wrt: str = "theta", coupling: bool = True) -> float | np.ndarray:
    """Exact per-sample variance V of estimator ``name`` for ``cost(family, k)``.

    ``k`` a number (returns a float) or a 1-D array (returns an array of its shape).
    Score function and pathwise: the closed form (G), evaluated in float64 and, where
    E[t^2] - (dJ)^2 cancels more than 6 digits (e.g. the pathwise variance 4 sigma^2 at a tiny
    sigma), again in mpmath with enough digits; relative accuracy about 1e-10.
    Measure-valued: quadrature of the differences f(x_+) - f(x_-) written without
    cancellation (module docstring), relative accuracy about 1e-10 for
    sigma (|k| + 3 sqrt|k|) <= 20 and every sigma > 0 below.  ``coupling`` (measure-valued
    only): True for the coupled terms of :func:`mcgrad.estimators.measure_valued`, False for
    its independent sides (``coupling=False``).  ``k`` arrays hold at most ``MAX_KS`` values.
    Introduced in notebook 11.
    """
    _checks.choice("name", name, NAMES)
    _checks.choice("family", family, FAMILIES)
    _checks.choice("wrt", wrt, estimators.WRT)
    coupling = _checks.flag("coupling", coupling)
    ks = _ks(k)
    theta, sigma = objectives._family_params(theta, sigma)
    if family == "bump" and ks.min() < 0:
        raise ValueError(f"k must be >= 0 for the bump exp(-k x^2), got {ks.min()!r}")
    targets = np.array([_target(cost(family, kk), theta, sigma, wrt) for kk in ks])
    try:
        with _checks.quiet():
            if name == "measure_valued":
                var = np.array([_mv_variance(cost(family, kk), theta, sigma, wrt, coupling)
                                for kk in ks])
            else:
                second = np.real(_closed_second(name, family, wrt)(theta, sigma, ks + 0j))
                var = second - targets**2
                lost = ~(var > 1e-6 * np.abs(second))  # more than 6 digits cancelled
                for i in np.flatnonzero(lost & np.isfinite(second)):
                    var[i] = _closed_variance_mp(name, family, wrt, theta, sigma, ks[i])
    except (ZeroDivisionError, OverflowError):  # e.g. 1 / sigma^2 for a tiny sigma
        var = np.array([math.inf])
    _checks.finite(var, f"the variance of {name}", k=k, theta=theta, sigma=sigma)
    return float(var[0]) if np.ndim(k) == 0 else var


def _scale(f: objectives.Objective, sigma: float) -> float:
    k = abs(getattr(f, "k", 0.0)) if isinstance(f, (objectives.Cosine,
                                                    objectives.GaussianBump)) else 0.0
    s = sigma * (k + 3 * math.sqrt(k))
    if s > SCALE_LIMIT:
        raise ValueError(f"sigma * (|k| + 3 sqrt|k|) = {s:.3g} exceeds {SCALE_LIMIT:g}, the range "
                         "where the measure-valued quadrature is accurate; use smaller k or sigma")
    return s


def _rule(lo: float, hi: float, panels: int) -> tuple[np.ndarray, np.ndarray]:
    return composite_legendre(np.linspace(lo, hi, panels + 1))


def _breaks_rule(lo: float, hi: float, panels: int,
                 extra: list[float]) -> tuple[np.ndarray, np.ndarray]:
    inside = [b for b in extra if lo < b < hi]
    return composite_legendre(np.concatenate([np.linspace(lo, hi, panels + 1), inside]))


def _delta(f: objectives.Objective, theta: float, h: np.ndarray) -> np.ndarray:
    """f(theta + h) - f(theta) without cancellation, for the three cost families."""
    with _checks.quiet():
        if isinstance(f, objectives.ShiftedSquare):
            return h * (2 * (theta - f.k) + h)
        if isinstance(f, objectives.Cosine):
            return -2 * np.sin(f.k * (theta + h / 2)) * np.sin(f.k * h / 2)
        # bump: exp(-k (theta + h)^2) - exp(-k theta^2) = exp(-k theta^2) expm1(-k h (2 theta + h))
        return np.exp(-f.k * theta * theta) * np.expm1(-f.k * h * (2 * theta + h))


def _centered(w: np.ndarray, t: np.ndarray) -> float:
    """Var of t under the quadrature weights w (summing to 1), as a centred sum."""
    return float(np.sum(w * (t - np.sum(w * t)) ** 2))


def _mv_variance(f: objectives.Objective, theta: float, sigma: float, wrt: str,
                 coupling: bool) -> float:
    """Per-sample variance of the measure-valued terms, by quadrature of stable differences."""
    s = _scale(f, sigma)
    panels = 48 + math.ceil(4 * s)
    if wrt == "theta":  # Rayleigh weight w exp(-w^2/2) on w > 0; c = 1 / (sigma sqrt(2 pi))
        w, ww = _rule(0.0, _REACH, panels)
        ww = ww * w * np.exp(-0.5 * w * w)
        plus, minus = _delta(f, theta, sigma * w), _delta(f, theta, -sigma * w)
        c2 = 1.0 / (2 * math.pi * sigma * sigma)
        if coupling:
            return c2 * _centered(ww, plus - minus)
        return c2 * (_centered(ww, plus) + _centered(ww, minus))
    m, wm = _rule(-_REACH, _REACH, panels)
    phi = np.exp(-0.5 * m * m) / math.sqrt(2 * math.pi)
    maxwell = wm * m * m * phi  # double-sided Maxwell density m^2 phi(m)
    fm = _delta(f, theta, sigma * m)
    if not coupling:  # (Var_M f(theta + sigma M) + Var f(theta + sigma eps)) / sigma^2
        return (_centered(maxwell, fm) + _centered(wm * phi, fm)) / (sigma * sigma)
    u, wu = _rule(0.0, 1.0, 2 + math.ceil(2 * s))  # eps_1 = U M, U ~ Uniform(0, 1)
    t = (fm[:, None] - _delta(f, theta, sigma * np.outer(m, u))) / sigma
    return _centered(np.outer(maxwell, wu), t)


def _noise(name: str, wrt: str, nodes: np.ndarray, extra: np.ndarray | None = None):
    if name != "measure_valued":
        return nodes
    if wrt == "theta":  # W = |eps_1| = w
        return np.stack([nodes, np.zeros_like(nodes), np.zeros_like(nodes)], axis=-1)
    u = extra  # eps_1 = u m, ||eps|| = |m|, sign(eps_1) = sign(m)
    return np.stack([u * nodes, np.sqrt(1 - u * u) * np.abs(nodes), np.zeros_like(nodes)],
                    axis=-1)


def quadrature_moments(name: str, objective: objectives.Objective, theta: float,
                       sigma: float = 1.0, *, wrt: str = "theta") -> tuple[float, float, float]:
    """Mean, variance and fourth central moment m4 of one estimator's terms, by quadrature.

    Integrates the terms of ``mcgrad.estimators`` itself: over eps ~ N(0, 1) (score function,
    pathwise), W ~ Rayleigh (measure-valued, theta), or M ~ double-sided Maxwell and
    U ~ Uniform(0, 1) (measure-valued, sigma).  Relative accuracy about 1e-10 for smooth
    objectives with sigma (|k| + 3 sqrt|k|) <= 20, and for ``Step`` (a breakpoint at its
    jump) except measure-valued with wrt="sigma", which is refused.  The terms are computed
    at x = theta + sigma * noise in float64, so sigma >= 1e-8 |theta| is required
    (``mcgrad.estimators.RESOLUTION``).  Introduced in notebook 11.
    """
    _checks.choice("name", name, NAMES)
    _checks.objective("objective", objective)
    _checks.choice("wrt", wrt, estimators.WRT)
    theta, sigma = objectives._family_params(theta, sigma)
    estimators._resolvable(theta, sigma, "quadrature_moments")
    smooth = objective.differentiable and not isinstance(objective, objectives.Step)
    if not smooth and not isinstance(objective, objectives.Step):
        raise ValueError(f"objective must be smooth or the Step for quadrature_moments, got "
                         f"{objective.name}")
    if not smooth and name == "measure_valued" and wrt == "sigma":
        raise ValueError("objective Step with name='measure_valued' and wrt='sigma' is not "
                         "supported by quadrature_moments (its jump moves with U); use a smooth "
                         "objective")
    s = _scale(objective, sigma)
    panels = 48 + math.ceil(4 * s)
    estimator = getattr(estimators, name)
    jump = [] if smooth else [-theta / sigma]  # Step jumps at x = 0: eps = -theta / sigma
    if name != "measure_valued":
        x, w = _breaks_rule(-_REACH, _REACH, panels, jump)
        w = w * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    elif wrt == "theta":  # x_+ = theta + sigma w and x_- = theta - sigma w jump at w = -+theta/sigma
        x, w = _breaks_rule(0.0, _REACH, panels, jump + [theta / sigma])
        w = w * x * np.exp(-0.5 * x * x)
    else:
        m, wm = _rule(-_REACH, _REACH, panels)
        u, wu = _rule(0.0, 1.0, 2 + math.ceil(2 * s))
        x, w = np.repeat(m, u.size), np.outer(wm * m * m * np.exp(-0.5 * m * m), wu).ravel()
        w = w / math.sqrt(2 * math.pi)
        return _moments(estimator(objective, theta, sigma, _noise(name, wrt, x,
                                                                  np.tile(u, m.size)),
                                  wrt=wrt), w, theta, sigma)
    return _moments(estimator(objective, theta, sigma, _noise(name, wrt, x), wrt=wrt), w,
                    theta, sigma)


def _moments(terms: np.ndarray, w: np.ndarray, theta: float,
             sigma: float) -> tuple[float, float, float]:
    with _checks.quiet():
        mean = float(np.sum(w * terms))
        c = terms - mean
        out = np.array([mean, np.sum(w * c * c), np.sum(w * c**4)])
    _checks.finite(out, "the moments of the terms", theta=theta, sigma=sigma)
    return float(out[0]), float(out[1]), float(out[2])


def crossing(family: str, theta: float = 1.0, sigma: float = 1.0, *, lo: float = 0.1,
             hi: float = 3.0, wrt: str = "theta", tol: float = 1e-6) -> float:
    """The k in [lo, hi] where V_RP(k) = V_SF(k), by bisection on the closed forms to ``tol``.

    ``ValueError`` when V_RP - V_SF has the same sign at both ends (no crossing bracketed).
    """
    _checks.choice("family", family, FAMILIES)
    lo, hi = _checks.real_scalar("lo", lo), _checks.real_scalar("hi", hi)
    tol = _checks.positive_scalar("tol", tol)
    least = 0.0 if family == "bump" else -objectives.K_LIMIT
    for arg, value in (("lo", lo), ("hi", hi)):
        if not least <= value <= objectives.K_LIMIT:
            raise ValueError(f"{arg} must be within [{least:g}, {objectives.K_LIMIT:g}] "
                             f"(the allowed k of the {family} family), got {value!r}")
    if not lo < hi:
        raise ValueError(f"lo must be < hi, got lo={lo!r}, hi={hi!r}")

    def gap(k: float) -> float:
        return (variance("reparameterization", family, k, theta, sigma, wrt=wrt)
                - variance("score_function", family, k, theta, sigma, wrt=wrt))

    g_lo, g_hi = gap(lo), gap(hi)
    if g_lo * g_hi > 0:
        raise ValueError(f"V_RP - V_SF has the same sign at k = lo = {lo:g} and k = hi = "
                         f"{hi:g}: no crossing in between; choose lo and hi around one")
    for _ in range(200):  # bisection halves the bracket; 200 steps exhaust float64
        if hi - lo <= tol:
            break
        mid = 0.5 * (lo + hi)
        if gap(mid) * g_lo > 0:
            lo, g_lo = mid, gap(mid)
        else:
            hi = mid
    return 0.5 * (lo + hi)


def fisher_information():
    """(I_theta, I_sigma) = (Var[d/dtheta log p], Var[d/dsigma log p]) for N(theta, sigma^2), SymPy.

    Derived from the log-density with eq. (G): (1/sigma^2, 2/sigma^2).  The score-function
    variance for a constant f = c is c^2 I_theta (notebook 11).
    """
    import sympy as sp

    theta, sigma, _, eps = _symbols()
    x = sp.Symbol("x", real=True)
    log_p = -(x - theta)**2 / (2 * sigma**2) - sp.log(sigma) - sp.log(2 * sp.pi) / 2
    out = []
    for param in (theta, sigma):
        score = sp.diff(log_p, param).subs(x, theta + sigma * eps)
        mean = sp.simplify(gaussian_expectation(score))
        out.append(sp.simplify(gaussian_expectation(score**2) - mean**2))
    return tuple(out)
