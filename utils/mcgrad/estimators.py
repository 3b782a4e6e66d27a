"""Per-sample gradient terms of the two estimators, with one signature.

Both functions take the same arguments::

    estimator(objective, theta, sigma, eps, *, wrt="theta") -> terms

``eps`` is an array of standard-normal base noise of any shape and the sample
is x = theta + sigma * eps.  The returned ``terms`` have the shape of ``eps``;
their mean over the sample axis is the Monte Carlo gradient estimate.  Because
both estimators are driven by the same ``eps``, one set of draws serves both
estimators and every theta (common random numbers).

Score function (REINFORCE, log-derivative; notebook 02)::

    d/dtheta: f(x) * d/dtheta log p(x) = f(x) * (x - theta) / sigma^2 = f(x) * eps / sigma
    d/dsigma: f(x) * d/dsigma log p(x) = f(x) * (eps^2 - 1) / sigma

Reparameterization (pathwise; notebook 03), needs f'(x)::

    d/dtheta: f'(theta + sigma*eps) * dx/dtheta = f'(x)
    d/dsigma: f'(theta + sigma*eps) * dx/dsigma = f'(x) * eps
"""

from __future__ import annotations

import numpy as np

from mcgrad import _checks
from mcgrad.objectives import Objective

WRT = ("theta", "sigma")
ESTIMATORS = ("score_function", "reparameterization")


def _check(objective: object, theta: object, sigma: object, eps: object,
           wrt: object) -> tuple[float, float, np.ndarray]:
    _checks.objective("objective", objective)
    theta = _checks.real_scalar("theta", theta)
    sigma = _checks.positive_scalar("sigma", sigma)
    eps = _checks.float_array("eps", eps)
    _checks.choice("wrt", wrt, WRT)
    return theta, sigma, eps


def score_function(objective: Objective, theta: float, sigma: float,
                   eps: np.ndarray, *, wrt: str = "theta") -> np.ndarray:
    """Score-function terms f(x) * d/d(wrt) log N(x; theta, sigma^2), x = theta + sigma*eps.

    Shapes: ``eps`` any shape, result the same shape.  Mean of the result
    estimates d/dtheta E[f(x)] (or d/dsigma with ``wrt="sigma"``).
    """
    theta, sigma, eps = _check(objective, theta, sigma, eps, wrt)
    with _checks.quiet(), _checks.NamedError(theta=theta, sigma=sigma, eps=eps):
        x = _checks.finite(theta + sigma * eps, "x = theta + sigma * eps",
                           theta=theta, sigma=sigma, eps=eps)
        fx = objective.value(x)
        if wrt == "theta":
            terms = fx * eps / sigma  # = f(x) (x - theta) / sigma^2
        else:
            terms = fx * (eps * eps - 1) / sigma
        return _checks.finite(terms, "the score-function terms", theta=theta, sigma=sigma,
                              eps=eps)


def reparameterization(objective: Objective, theta: float, sigma: float,
                       eps: np.ndarray, *, wrt: str = "theta") -> np.ndarray:
    """Pathwise terms f'(theta + sigma*eps) * d x / d(wrt).

    Shapes: ``eps`` any shape, result the same shape.  Raises ``TypeError`` for
    an objective without a derivative (e.g. the step function 1[x > 0]).
    """
    theta, sigma, eps = _check(objective, theta, sigma, eps, wrt)
    if not objective.differentiable:
        raise TypeError(
            f"objective {objective.name} has no derivative f'(x), so the "
            "reparameterization (pathwise) estimator does not apply; "
            "use score_function instead"
        )
    with _checks.quiet(), _checks.NamedError(theta=theta, sigma=sigma, eps=eps):
        x = _checks.finite(theta + sigma * eps, "x = theta + sigma * eps",
                           theta=theta, sigma=sigma, eps=eps)
        dfx = objective.derivative(x)
        terms = dfx if wrt == "theta" else dfx * eps
        return _checks.finite(terms, "the pathwise terms", theta=theta, sigma=sigma, eps=eps)


RESOLUTION = 1e-8  # smallest sigma / |theta| at which theta + sigma * noise keeps 8 digits


def _resolvable(theta: float, sigma: float, what: str) -> None:
    """ValueError unless sigma >= RESOLUTION * |theta| (x = theta + sigma * noise resolves noise).

    Below, rounding x to float64 changes sigma * noise by more than 1e-8 of itself, so a
    difference f(x_+) - f(x_-) loses more than half its digits (and is 0 for sigma below
    1e-16 |theta|).
    """
    if sigma < RESOLUTION * abs(theta):
        raise ValueError(f"sigma must be >= {RESOLUTION:g} * |theta| = {RESOLUTION * abs(theta):.3g} "
                         f"for {what}, got sigma={sigma!r} at theta={theta!r}: theta + sigma * noise "
                         "would round away most digits of sigma * noise")


def get(name: str):
    """Return the estimator function called ``name`` (one of ``ESTIMATORS``)."""
    _checks.choice("estimator name", name, ESTIMATORS)
    return {"score_function": score_function, "reparameterization": reparameterization}[name]


MV_NOISE = 3  # standard normals per coupled measure-valued term (the trailing axis of eps)
MV_NOISE_UNCOUPLED = 4  # standard normals per independent (uncoupled) term


def measure_valued(objective: Objective, theta: float, sigma: float,
                   eps: np.ndarray, *, wrt: str = "theta", coupling: bool = True) -> np.ndarray:
    """Measure-valued (weak-derivative) terms from standard-normal noise (notebook 11).

    The derivative of the density is written as c (p_+ - p_-) with two densities p_+, p_-;
    each term is c (f(x_+) - f(x_-)) with x_+ ~ p_+ and x_- ~ p_-.  It needs two
    evaluations of f and no derivative.  The result has shape ``eps.shape[:-1]``.

    ``coupling=True`` (the default) draws x_+ and x_- from shared noise; ``eps`` has shape
    ``(..., 3)``, three independent standard normals per term.

    d/dtheta: the derivative of the density is c (Rayleigh(+) - Rayleigh(-)), c = 1/(sigma
    sqrt(2 pi)), coupled with one W on both sides::

        W = ||(eps_1, eps_2)||  (Rayleigh, density w exp(-w^2/2)),
        term = (f(theta + sigma W) - f(theta - sigma W)) / (sigma sqrt(2 pi))

    d/dsigma: the derivative is (double-sided Maxwell - Gaussian) / sigma, coupled by
    sharing eps_1: the Maxwell point M = sign(eps_1) ||(eps_1, eps_2, eps_3)|| (density
    m^2 phi(m)) and the Gaussian point eps_1 = U M with U = |eps_1| / ||eps|| uniform on
    (0, 1) and independent of M::

        term = (f(theta + sigma M) - f(theta + sigma eps_1)) / sigma

    ``eps_3`` is unused for ``wrt="theta"``, so one array of draws serves both.

    ``coupling=False`` draws the two sides independently; ``eps`` has shape ``(..., 4)``,
    four independent standard normals per term::

        theta: W_+ = ||(eps_1, eps_2)||, W_- = ||(eps_3, eps_4)||  (two Rayleighs),
               term = (f(theta + sigma W_+) - f(theta - sigma W_-)) / (sigma sqrt(2 pi))
        sigma: M = sign(eps_1) ||(eps_1, eps_2, eps_3)|| (Maxwell), and eps_4 (Gaussian),
               term = (f(theta + sigma M) - f(theta + sigma eps_4)) / sigma

    Accuracy: x_+ and x_- are rounded to float64 and f is evaluated twice, so each term has a
    relative rounding error of about 2e-16 (|f(x_+)| + |f(x_-)|) / |f(x_+) - f(x_-)| plus
    2e-16 |theta| / (sigma |noise|); sigma below ``RESOLUTION * |theta|`` = 1e-8 |theta| is
    refused with a ValueError naming sigma.  Terms below about 1e-290 in magnitude may
    underflow to 0.

    Both are unbiased.  The coupled variance is Var(f_+ - f_-) c^2, the independent one
    (Var f_+ + Var f_-) c^2; coupling wins exactly when Cov(f_+, f_-) > 0
    (:func:`mcgrad.families.variance` gives both).  For f = (x - k)^2 and d/dtheta
    coupling loses when |theta - k| > sigma sqrt(2 / (4 - pi)) = 1.526 sigma.

    The gradient with respect to log sigma is sigma times the sigma gradient.  Not part of
    ``ESTIMATORS`` (the two-estimator list behind notebooks 05 and 06).
    """
    theta, sigma, eps = _check(objective, theta, sigma, eps, wrt)
    coupling = _checks.flag("coupling", coupling)
    _resolvable(theta, sigma, "the measure-valued terms")
    width = MV_NOISE if coupling else MV_NOISE_UNCOUPLED
    if eps.ndim < 1 or eps.shape[-1] != width:
        raise ValueError(f"eps must have a trailing axis of length {width} ({width} standard "
                         f"normals per term with coupling={coupling}, e.g. "
                         f"rng.standard_normal((n, {width}))), got shape {eps.shape}")
    eps = eps.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if wrt == "theta":
            w = np.hypot(eps[..., 0], eps[..., 1])
            w_minus = w if coupling else np.hypot(eps[..., 2], eps[..., 3])
            plus, minus = theta + sigma * w, theta - sigma * w_minus
            scale = 1.0 / (sigma * np.sqrt(2 * np.pi))
        else:
            m = np.copysign(np.sqrt(np.sum(eps[..., :3] ** 2, axis=-1)), eps[..., 0])
            plus = theta + sigma * m
            minus = theta + sigma * (eps[..., 0] if coupling else eps[..., 3])
            scale = 1.0 / sigma
        if not (np.isfinite(plus).all() and np.isfinite(minus).all()):
            raise ValueError(f"theta + sigma * noise overflows float64 for theta={theta!r}, "
                             f"sigma={sigma!r}; use smaller values")
        with _checks.NamedError(theta=theta, sigma=sigma, eps=eps):
            terms = scale * (objective.value(plus) - objective.value(minus))
    if not np.isfinite(terms).all():
        raise ValueError(f"the terms overflow float64 for {objective.name} at theta={theta!r}, "
                         f"sigma={sigma!r}; use smaller values")
    return terms
