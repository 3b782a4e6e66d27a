"""Baselines, antithetic pairs and control variates (notebook 08).

With x = theta + sigma*eps, eps ~ N(0, 1), and the score s = eps / sigma:

* baseline b (a constant)::      t_b = (f(x) - b) s                  E[t_b] = dJ/dtheta since E[s] = 0
  per-sample variance            Var(b) = Var(f s) - 2 b E[f s^2] + b^2 E[s^2]
  minimised by                   b* = E[f s^2] / E[s^2]
* antithetic pairs::             a = (f'(theta + sigma eps) + f'(theta - sigma eps)) / 2
* control variate h, E[h] = 0::  g - c h,   c* = Cov(g, h) / Var(h),
                                 Var(g - c* h) = Var(g) (1 - rho^2),  rho = corr(g, h)

The baseline is the control variate h = s with c = b.  Exact expressions use
:func:`mcgrad.moments.expect` (polynomial objectives); numeric helpers take
base noise ``eps`` like :mod:`mcgrad.estimators`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from mcgrad import _checks
from mcgrad.objectives import Objective, _as_float_array, _exact, _params, _values

B = sp.Symbol("b", real=True)
"""The baseline as a SymPy symbol."""


class Monomial(Objective):
    """f(x) = x^k for an integer k >= 1 (notebook 08), exact moments via :mod:`mcgrad.moments`.

    E[x^3] = theta^3 + 3 theta sigma^2, E[x^4] = theta^4 + 6 theta^2 sigma^2 + 3 sigma^4, ...
    For k >= 3 the derivative k x^(k-1) is not linear, so antithetic pairs leave variance behind.
    """

    def __init__(self, k: int) -> None:
        self.k = _checks.integer("k", k, minimum=1, maximum=100)
        self.name = self.latex = f"x^{self.k}"

    def value(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        with _checks.quiet():
            return _values(x**self.k, x)

    def derivative(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        with _checks.quiet():
            return _values(self.k * x ** (self.k - 1) if self.k > 1 else np.ones_like(x), x,
                           "f'(x)")

    def _exact(self, theta: float, sigma: float, wrt: str | None) -> float:
        from mcgrad import moments
        t, s = _params(theta, sigma)
        expr = moments.gaussian_moment(self.k)
        if wrt is not None:
            expr = sp.diff(expr, moments.THETA if wrt == "theta" else moments.SIGMA)
        value = expr.subs({moments.THETA: t, moments.SIGMA: s})
        return _exact(float(value) if value.is_finite else np.inf, t, s)

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        return self._exact(theta, sigma, None)

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        return self._exact(theta, sigma, "theta")

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        return self._exact(theta, sigma, "sigma")

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        return _checks.expression("x", x) ** self.k

    def __repr__(self) -> str:
        return f"Monomial(k={self.k})"


def _objective(objective: object) -> Objective:
    return _checks.objective("objective", objective)


def score_function_with_baseline(objective: Objective, theta: float, sigma: float,
                                 eps: np.ndarray, b: float) -> np.ndarray:
    """Per-sample terms (f(x) - b) eps / sigma, x = theta + sigma*eps; shape of ``eps``."""
    _objective(objective)
    theta, sigma = _params(theta, sigma)
    eps = _checks.float_array("eps", eps)
    b = _checks.real_scalar("b", b)
    with _checks.quiet(), _checks.NamedError(theta=theta, sigma=sigma, eps=eps, b=b):
        x = _checks.finite(theta + sigma * eps, "x", theta=theta, sigma=sigma, eps=eps)
        terms = (objective.value(x) - b) * eps / sigma
        return _checks.finite(terms, "the terms", theta=theta, sigma=sigma, eps=eps, b=b)


def antithetic(objective: Objective, theta: float, sigma: float,
               eps: np.ndarray) -> np.ndarray:
    """Pathwise terms averaged over the pair (eps, -eps): one value per pair, shape of ``eps``.

    (f'(theta + sigma eps) + f'(theta - sigma eps)) / 2.  Each costs two evaluations of f'.
    """
    _objective(objective)
    theta, sigma = _params(theta, sigma)
    eps = _checks.float_array("eps", eps)
    if not objective.differentiable:
        raise TypeError(f"objective {objective.name} has no derivative f'(x)")
    with _checks.quiet(), _checks.NamedError(theta=theta, sigma=sigma, eps=eps):
        x = _checks.finite(theta + sigma * eps, "x", theta=theta, sigma=sigma, eps=eps)
        x2 = _checks.finite(theta - sigma * eps, "x'", theta=theta, sigma=sigma, eps=eps)
        pair = (objective.derivative(x) + objective.derivative(x2)) / 2
        return _checks.finite(pair, "the pair means", theta=theta, sigma=sigma, eps=eps)


def control_variate(g: np.ndarray, h: np.ndarray, c: float) -> np.ndarray:
    """g - c h for arrays of equal shape (h must have mean zero for this to stay unbiased)."""
    g = _checks.float_array("g", g)
    h = _checks.float_array("h", h)
    if g.shape != h.shape:
        raise ValueError(f"g and h must have the same shape, got {g.shape} and {h.shape}")
    c = _checks.real_scalar("c", c)
    with _checks.quiet():
        return _checks.finite(g - c * h, "g - c h", g=g, h=h, c=c)


def sample_coefficient(g: np.ndarray, h: np.ndarray) -> float:
    """Sample estimate of c* = Cov(g, h) / Var(h) from paired 1-d arrays."""
    g = _checks.float_array("g", g)
    h = _checks.float_array("h", h)
    if g.ndim != 1 or g.shape != h.shape or g.size < 2:
        raise ValueError(f"g and h must be 1-d of equal length >= 2, got {g.shape} and {h.shape}")
    hc = h - h.mean()
    shh = float(np.dot(hc, hc))
    if not shh > 0:
        raise ValueError("h must vary (its sample variance is 0, so Cov(g, h) / Var(h) is "
                         "undefined); a constant control variate cannot reduce variance")
    with _checks.quiet():
        c = float(np.dot(g - g.mean(), hc)) / shh
    return float(_checks.finite(c, "the sample coefficient", g=g, h=h))


# ---- exact expressions (SymPy), in moments.THETA, moments.SIGMA and B ----------------

def _x():
    from mcgrad import moments
    return moments, moments.THETA + moments.SIGMA * moments.EPS


def baseline_terms(objective: Objective) -> sp.Expr:
    """(f(x) - b) s as a SymPy expression in EPS, THETA, SIGMA and B."""
    moments, x = _x()
    return (_objective(objective).symbolic(moments.X).subs(moments.X, x) - B) * moments.EPS / moments.SIGMA


def baseline_variance(objective: Objective) -> sp.Expr:
    """Exact per-sample variance of (f(x) - b) s as a polynomial in B (a parabola)."""
    moments, _ = _x()
    t = baseline_terms(objective)
    return sp.expand(sp.simplify(moments.expect(t**2) - moments.expect(t) ** 2))


def optimal_baseline(objective: Objective) -> sp.Expr:
    """b* = E[f s^2] / E[s^2], the constant minimising :func:`baseline_variance`."""
    moments, x = _x()
    s = moments.EPS / moments.SIGMA
    f = _objective(objective).symbolic(moments.X).subs(moments.X, x)
    return sp.simplify(moments.expect(f * s**2) / moments.expect(s**2))


def antithetic_variance(objective: Objective) -> sp.Expr:
    """Exact variance of one antithetic pair mean (f'(x) + f'(x'))/2, x' = theta - sigma*eps."""
    moments, x = _x()
    df = sp.diff(_objective(objective).symbolic(moments.X), moments.X)
    a = (df.subs(moments.X, x) + df.subs(moments.X, x.subs(moments.EPS, -moments.EPS))) / 2
    return sp.factor(sp.simplify(moments.expect(a**2) - moments.expect(a) ** 2))


def control_variate_moments(g: sp.Expr, h: sp.Expr) -> dict[str, sp.Expr]:
    """Exact c* = Cov(g,h)/Var(h), rho^2 and Var(g - c* h) for expressions in EPS (E[h] = 0)."""
    moments, _ = _x()
    g, h = _checks.expression("g", g), _checks.expression("h", h)
    E = moments.expect
    if sp.simplify(E(h)) != 0:
        raise ValueError(f"a control variate needs E[h] = 0, got E[h] = {sp.simplify(E(h))}")
    var_g = sp.simplify(E(g**2) - E(g) ** 2)
    cov, var_h = sp.simplify(E(g * h)), sp.simplify(E(h**2))
    for arg, var in (("g", var_g), ("h", var_h)):
        if var == 0:
            raise ValueError(f"{arg} must be random (depend on eps): Var({arg}) = 0, so c* and "
                             f"rho are undefined; got {arg} = {g if arg == 'g' else h}")
    return {"c": sp.simplify(cov / var_h), "rho2": sp.simplify(cov**2 / (var_g * var_h)),
            "var_g": var_g, "var": sp.simplify(var_g - cov**2 / var_h)}


class RunningBaseline:
    """Score-function gradient with a running-average baseline, for :func:`mcgrad.optimize.run`.

    At step t, with b_t built from earlier steps only (so g_t stays unbiased)::

        g_t     = mean_i (f(x_i) - b_t) eps_i / sigma
        b_{t+1} = decay * b_t + (1 - decay) * mean_i f(x_i)

    Shapes: theta (seeds,), eps (seeds, N) -> (seeds,).  ``history`` holds b_t per step,
    shape (seeds, steps) after a run.  Introduced in notebook 08.
    An instance keeps its state: use a fresh one for every run.
    """

    def __init__(self, objective: Objective, sigma: float, decay: float = 0.9,
                 b0: float = 0.0) -> None:
        self.objective = _objective(objective)
        self.sigma = _checks.positive_scalar("sigma", sigma)
        self.decay = _checks.real_scalar("decay", decay)
        if not 0 <= self.decay < 1:
            raise ValueError(f"decay must be in [0, 1), got {decay!r}")
        self.b0 = _checks.real_scalar("b0", b0)
        self._history: list[np.ndarray] = []

    @property
    def history(self) -> np.ndarray:
        """The baselines used, shape (seeds, steps)."""
        return np.stack(self._history, axis=1) if self._history else np.empty((0, 0))

    def __call__(self, theta: np.ndarray, eps: np.ndarray) -> np.ndarray:
        theta = _checks.real_array("theta", theta)
        eps = _checks.real_array("eps", eps)
        if theta.ndim != 1 or eps.ndim != 2 or eps.shape[0] != theta.shape[0]:
            raise ValueError(f"theta must have shape (seeds,) and eps (seeds, N), got "
                             f"theta {theta.shape} and eps {eps.shape}")
        if self._history and self._history[-1].shape != theta.shape:
            raise ValueError(f"theta has shape {theta.shape} but earlier steps had "
                             f"{self._history[-1].shape}; use a fresh RunningBaseline per run")
        b = self._history[-1] if self._history else np.full(theta.shape, self.b0)
        if self._history:
            b = self.decay * b + (1 - self.decay) * self._last_f
        with _checks.quiet(), _checks.NamedError(theta=theta, eps=eps, sigma=self.sigma):
            x = _checks.finite(theta[:, None] + self.sigma * eps, "x", theta=theta, eps=eps)
            fx = self.objective.value(x)
        self._last_f = np.where(np.isfinite(fx).all(axis=1), fx.mean(axis=1), b)
        self._history.append(b)
        with _checks.quiet():
            g = ((fx - b[:, None]) * eps).mean(axis=1) / self.sigma
        return _checks.finite(g, "the gradient estimates", theta=theta, eps=eps)


def batch_coefficients(g: np.ndarray, h: np.ndarray, *, leave_one_out: bool = False
                       ) -> np.ndarray:
    """Sample coefficients c = Cov(g, h) / Var(h), one batch per row (notebook 08).

    ``g`` and ``h`` have shape (runs, N): row r holds the N per-sample terms and
    control-variate values of one batch.  Returns shape (runs,): the coefficient
    of each batch from all its N draws (N >= 2); or, with ``leave_one_out=True``,
    shape (runs, N): entry (r, i) is the coefficient from the other N - 1 draws of
    batch r (N >= 3), so that it is independent of draw i and
    mean_i (g_i - c_{-i} h_i) stays unbiased when E[h] = 0.
    """
    g = _checks.float_array("g", g)
    h = _checks.float_array("h", h)
    if not isinstance(leave_one_out, (bool, np.bool_)):
        raise TypeError(f"leave_one_out must be True or False, got {leave_one_out!r}")
    minimum = 3 if leave_one_out else 2
    if g.ndim != 2 or g.shape != h.shape or g.shape[1] < minimum:
        raise ValueError(f"g and h must have the same shape (runs, N) with N >= {minimum}, "
                         f"got {g.shape} and {h.shape}")
    if not leave_one_out:
        hc = h - h.mean(axis=1, keepdims=True)
        shh = (hc * hc).sum(axis=1)
        if (shh <= 0).any():
            raise ValueError("h must vary within every batch (its sample variance is 0)")
        return (hc * (g - g.mean(axis=1, keepdims=True))).sum(axis=1) / shh
    m = g.shape[1] - 1  # draws left in each leave-one-out batch
    sg = g.sum(axis=1, keepdims=True) - g
    sh = h.sum(axis=1, keepdims=True) - h
    sgh = (g * h).sum(axis=1, keepdims=True) - g * h
    shh = (h * h).sum(axis=1, keepdims=True) - h * h
    var = shh - sh * sh / m
    if (var <= 0).any():
        raise ValueError("h must vary within every leave-one-out batch")
    return (sgh - sg * sh / m) / var
