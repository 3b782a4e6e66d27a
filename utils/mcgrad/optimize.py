"""Stochastic gradient descent on theta with each estimator (notebook 07).

Each step replaces the exact gradient dJ/dtheta by a Monte Carlo estimate::

    theta_{t+1} = theta_t - lr * g_t,   g_t = (1/N) sum_i term(theta_t, eps[t, i])

``term`` is the per-sample term of :mod:`mcgrad.estimators` (same formulas,
vectorised over many independent runs).  The base noise ``eps`` has shape
(seeds, steps, N) and is passed in, so the same draws drive both estimators
(common random numbers).  A run whose distance to the optimum exceeds ``cap``,
or becomes NaN/inf, is marked diverged at that step; its later values are NaN.
Nothing overflows and no warnings are printed.

For the quadratic objectives f = (x - k)^2 (``Square``, ``ShiftedSquare``) the
expected path is known from the moment recursions of notebook 07, with
u_t = theta_t - k and per-sample variance V(u) = c4 u^4 + c2 u^2 + c0::

    E[u_{t+1}]   = (1 - 2 lr) E[u_t]
    E[u_{t+1}^2] = (1 - 2 lr)^2 E[u_t^2] + lr^2 E[V(u_t)] / N

For the reparameterization estimator c4 = 0 and the recursion closes (exact).
For the score function c4 = 1/sigma^2 > 0 brings in E[u_t^4] >= E[u_t^2]^2
(Jensen), so the recursion run with that inequality is a lower bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

from mcgrad import _checks
from mcgrad.estimators import ESTIMATORS
from mcgrad.objectives import Objective, ShiftedSquare

MAX_DRAWS = 10_000_000  # seeds * steps * N, 80 MB of float64: safe on a 1 GB Binder
CAP = 1e6  # distance to the optimum beyond which a run counts as diverged

Gradient = Callable[[np.ndarray, np.ndarray], np.ndarray]


def draw_noise(rng: np.random.Generator, seeds: int, steps: int, N: int) -> np.ndarray:
    """Standard-normal base noise of shape (seeds, steps, N) for :func:`sgd`."""
    _checks.generator("rng", rng)
    seeds = _checks.integer("seeds", seeds, minimum=1)
    steps = _checks.integer("steps", steps, minimum=1)
    N = _checks.integer("N", N, minimum=1)
    if seeds * steps * N > MAX_DRAWS:
        raise ValueError(
            f"seeds * steps * N = {seeds * steps * N} exceeds the memory budget of "
            f"{MAX_DRAWS} draws; reduce seeds, steps or N"
        )
    return rng.standard_normal((seeds, steps, N))


def _record_array(name: str, value: object, ndim: int) -> np.ndarray:
    """A float array with ``ndim`` axes (NaN and inf allowed: they mark divergence)."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu" or value.ndim != ndim:
        raise TypeError(f"{name} must be a {ndim}-D numpy array of floats, got "
                        f"{type(value).__name__}"
                        + (f" of dtype {value.dtype} and shape {value.shape}"
                           if isinstance(value, np.ndarray) else ""))
    return value.astype(float)


@dataclass(frozen=True)
class Run:
    """SGD trajectories of many independent runs.

    theta        (seeds, steps + 1)  theta_0 .. theta_steps, NaN after divergence
    grads        (seeds, steps)      the gradient estimates g_t used, NaN after divergence
    diverged_at  (seeds,)            first step whose theta was non-finite or beyond the cap; -1 if none
    """

    theta: np.ndarray
    grads: np.ndarray
    diverged_at: np.ndarray
    optimum: float
    lr: float
    N: int

    def __post_init__(self) -> None:  # a hand-built Run gets the same checks as sgd's output
        theta = _record_array("theta", self.theta, 2)
        if theta.shape[1] < 2:
            raise ValueError(f"theta must have shape (seeds, steps + 1) with steps >= 1, got "
                             f"{theta.shape}")
        grads = _record_array("grads", self.grads, 2)
        if grads.shape != (theta.shape[0], theta.shape[1] - 1):
            raise ValueError(f"grads must have shape (seeds, steps) = "
                             f"{(theta.shape[0], theta.shape[1] - 1)}, got {grads.shape}")
        at = self.diverged_at
        if not isinstance(at, np.ndarray) or at.dtype.kind not in "iu" or \
                at.shape != (theta.shape[0],):
            raise TypeError(f"diverged_at must be an integer array of shape ({theta.shape[0]},), "
                            f"got {at!r}")
        object.__setattr__(self, "theta", theta)
        object.__setattr__(self, "grads", grads)
        object.__setattr__(self, "optimum", _checks.real_scalar("optimum", self.optimum))
        object.__setattr__(self, "lr", _checks.positive_scalar("lr", self.lr))
        object.__setattr__(self, "N", _checks.integer("N", self.N, minimum=1))

    @property
    def diverged(self) -> np.ndarray:
        """Boolean (seeds,): did the run diverge?"""
        return self.diverged_at >= 0

    @property
    def distance(self) -> np.ndarray:
        """|theta_t - optimum|, shape (seeds, steps + 1); +inf after divergence."""
        d = np.abs(self.theta - self.optimum)
        return np.where(np.isnan(d), np.inf, d)

    def band(self, lower: float = 0.1, upper: float = 0.9) -> tuple[np.ndarray, ...]:
        """(median, lower quantile, upper quantile) of the distance per step, over runs.

        Uses observed values only (no interpolation), so diverged runs count as +inf.
        """
        q = [0.5, _checks.real_scalar("lower", lower), _checks.real_scalar("upper", upper)]
        if not 0 <= q[1] <= 0.5 <= q[2] <= 1:
            raise ValueError(f"need 0 <= lower <= 0.5 <= upper <= 1, got {lower}, {upper}")
        return tuple(np.quantile(self.distance, q, axis=0, method="inverted_cdf"))

    def steps_to_reach(self, tol: float, *, stay: bool = False) -> np.ndarray:
        """Steps needed to get within ``tol`` of the optimum, per run (float; +inf if never).

        ``stay=False``: the first t with |theta_t - optimum| <= tol.
        ``stay=True``: the first t from which |theta - optimum| <= tol holds up to the
        last step (a run outside at the end, or diverged, gets +inf).
        """
        tol = _checks.positive_scalar("tol", tol)
        stay = _checks.flag("stay", stay)
        inside = self.distance <= tol
        if not stay:
            return np.where(inside.any(axis=1), inside.argmax(axis=1), np.inf)
        outside = ~inside[:, ::-1]  # reversed: the first True is the last step outside
        last_out = inside.shape[1] - 1 - outside.argmax(axis=1)
        return np.where(~outside.any(axis=1), 0.0,
                        np.where(inside[:, -1], last_out + 1.0, np.inf))


def gradient_function(objective: Objective, estimator: str, sigma: float) -> Gradient:
    """Vectorised gradient estimate: (theta (seeds,), eps (seeds, N)) -> (seeds,) means of terms.

    Same terms as :mod:`mcgrad.estimators` with x = theta + sigma * eps:
    score function f(x) eps / sigma, reparameterization f'(x).
    """
    _checks.objective("objective", objective)
    _checks.choice("estimator", estimator, ESTIMATORS)
    sigma = _checks.positive_scalar("sigma", sigma)
    if estimator == "reparameterization" and not objective.differentiable:
        raise TypeError(f"objective {objective.name} has no derivative f'(x); use score_function")

    def gradient(theta: np.ndarray, eps: np.ndarray) -> np.ndarray:
        with _checks.NamedError(sigma=sigma):
            x = theta[:, None] + sigma * eps
            if estimator == "score_function":
                return (objective.value(x) * eps).mean(axis=1) / sigma
            return objective.derivative(x).mean(axis=1)

    return gradient


def run(gradient: Gradient, theta0: float, lr: float, eps: np.ndarray, *,
        optimum: float = 0.0, cap: float = CAP) -> Run:
    """Run theta_{t+1} = theta_t - lr * gradient(theta_t, eps[:, t]) for every seed at once.

    ``eps`` has shape (seeds, steps, N); ``gradient`` is a callable such as
    :func:`gradient_function` or :class:`mcgrad.baselines.RunningBaseline`.
    """
    if not callable(gradient) or isinstance(gradient, type):
        raise TypeError(f"gradient must be a function (theta, eps) -> estimates such as "
                        f"gradient_function(...), got {gradient!r}")
    theta0 = _checks.real_scalar("theta0", theta0)
    lr = _checks.positive_scalar("lr", lr)
    optimum = _checks.real_scalar("optimum", optimum)
    cap = _checks.positive_scalar("cap", cap)
    eps = _checks.float_array("eps", eps)
    if eps.ndim != 3 or 0 in eps.shape:
        raise ValueError(f"eps must have shape (seeds, steps, N) with all >= 1, got {eps.shape}")
    if abs(theta0 - optimum) > cap:
        raise ValueError(f"theta0 = {theta0} is already further than cap = {cap} from the optimum")
    seeds, steps, N = eps.shape
    theta = np.full((seeds, steps + 1), np.nan)
    grads = np.full((seeds, steps), np.nan)
    diverged_at = np.full(seeds, -1)
    current = np.full(seeds, theta0)
    alive = np.ones(seeds, dtype=bool)
    theta[:, 0] = theta0
    for t in range(steps):
        safe = np.where(alive, current, optimum)  # dead runs get a harmless input
        with np.errstate(over="ignore", invalid="ignore"):
            with _checks.NamedError(theta0=theta0, lr=lr, cap=cap):
                g = gradient(safe, eps[:, t])
            try:
                g = np.asarray(g, dtype=float)
            except (TypeError, ValueError):
                g = None
            if g is None or g.shape != (seeds,):
                raise TypeError(f"gradient must return one float per seed, shape ({seeds},), "
                                f"got {type(g).__name__ if g is None else g.shape}")
            new = safe - lr * g
        bad = alive & ~(np.abs(new - optimum) <= cap)  # also catches NaN
        diverged_at[bad] = t + 1
        alive &= ~bad
        grads[:, t] = np.where(alive, g, np.nan)
        current = np.where(alive, new, np.nan)
        theta[:, t + 1] = current
    return Run(theta, grads, diverged_at, optimum, lr, N)


def sgd(objective: Objective, estimator: str, theta0: float, sigma: float, lr: float,
        eps: np.ndarray, *, optimum: float | None = None, cap: float = CAP) -> Run:
    """SGD on theta for E[f(x)], x ~ N(theta, sigma^2), with one estimator (notebook 07).

    ``eps`` (seeds, steps, N): base noise, e.g. from :func:`draw_noise`; pass the
    same array for both estimators.  ``optimum`` defaults to k for
    ``ShiftedSquare(k)`` (0 for ``Square``) and to 0 otherwise.
    """
    _checks.objective("objective", objective)
    if optimum is None:
        optimum = objective.k if isinstance(objective, ShiftedSquare) else 0.0
    return run(gradient_function(objective, estimator, sigma), theta0, lr, eps,
               optimum=optimum, cap=cap)


@dataclass(frozen=True)
class ExpectedPath:
    """E[u_t] and E[u_t^2] (u = theta - k) for t = 0..steps; ``exact`` False means a lower bound.

    ``second`` is +inf from the step where it exceeds 1e100 (it diverges).  For the
    score function the first step is still exact (theta_0 is not random).
    """

    mean: np.ndarray
    second: np.ndarray
    exact: bool

    def __post_init__(self) -> None:  # a hand-built path gets the same checks
        mean = _record_array("mean", self.mean, 1)
        second = _record_array("second", self.second, 1)
        if mean.shape != second.shape or mean.size == 0:
            raise ValueError(f"mean and second must be 1-D of equal non-zero length, got "
                             f"{mean.shape} and {second.shape}")
        if (second < 0).any():
            raise ValueError("second must be >= 0 (it is E[u_t^2])")
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "second", second)
        object.__setattr__(self, "exact", _checks.flag("exact", self.exact))

    @property
    def rms(self) -> np.ndarray:
        """sqrt(E[u_t^2]): the root-mean-square distance to the optimum."""
        return np.sqrt(self.second)


def variance_coefficients(estimator: str, k: float) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(c4, c2, c0) in V(u) = c4 u^4 + c2 u^2 + c0, u = theta - k, for f = (x - k)^2.

    Derived with :mod:`mcgrad.moments`; SymPy expressions in ``moments.SIGMA``.
    Score function: (1/sigma^2, 14, 15 sigma^2); reparameterization: (0, 0, 4 sigma^2).
    """
    _checks.choice("estimator", estimator, ESTIMATORS)
    return _variance_coefficients(estimator, _checks.real_scalar("k", k))


@lru_cache(maxsize=None)
def _variance_coefficients(estimator: str, k: float) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    from mcgrad import moments

    from mcgrad.objectives import _number

    if not isinstance(_number(k), sp.Rational):
        # k has no short exact form (e.g. 1e-300): V depends on theta - k only (shifting x and
        # theta together leaves every term unchanged), so derive it exactly at k = 0
        k = 0.0
    u = sp.Symbol("u", real=True)
    _, var = moments.symbolic_moments(estimator, ShiftedSquare(k))
    poly = sp.Poly(sp.expand(var.subs(moments.THETA, u + _number(k))), u)
    c = [poly.coeff_monomial(u**j) for j in range(5)]
    assert poly.degree() <= 4 and c[1] == 0 and c[3] == 0, poly
    return c[4], c[2], c[0]


def expected_path(objective: Objective, estimator: str, theta0: float, sigma: float,
                  lr: float, N: int, steps: int) -> ExpectedPath:
    """Moment recursions (notebook 07) for f = (x - k)^2: exact, or a lower bound for E[u^2].

    Shapes: ``mean`` and ``second`` are (steps + 1,).
    """
    from mcgrad import moments

    if not isinstance(objective, ShiftedSquare):
        raise TypeError(f"expected_path needs a ShiftedSquare or Square objective, got {objective!r}")
    _checks.choice("estimator", estimator, ESTIMATORS)
    theta0 = _checks.real_scalar("theta0", theta0)
    sigma = _checks.positive_scalar("sigma", sigma)
    lr = _checks.positive_scalar("lr", lr)
    N = _checks.integer("N", N, minimum=1)
    steps = _checks.integer("steps", steps, minimum=1, maximum=MAX_DRAWS)
    c4, c2, c0 = (float(c.subs(moments.SIGMA, sigma))
                  for c in variance_coefficients(estimator, objective.k))
    a, u0 = (1 - 2 * lr), theta0 - objective.k
    with _checks.quiet():
        mean = u0 * a ** np.arange(steps + 1)
    mean = _checks.finite(mean, "E[u_t]", theta0=theta0, lr=lr, steps=steps)
    second = np.full(steps + 1, np.inf)
    second[0] = s = u0 * u0
    for t in range(steps):
        # E[u^4] >= E[u^2]^2; with c4 = 0 this is the exact recursion
        s = a * a * s + lr * lr * (c4 * s * s + c2 * s + c0) / N
        if s > 1e100:  # diverging; stop before s * s overflows
            break
        second[t + 1] = s
    return ExpectedPath(mean, second, exact=(c4 == 0))
