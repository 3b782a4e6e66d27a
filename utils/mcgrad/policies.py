"""The tanh-squashed Gaussian policy of Soft Actor-Critic (notebook 10).

With learnable mean mu and log standard deviation log_sigma (sigma = e^log_sigma)
and base noise eps ~ N(0, 1), the reparameterized action is

    u = mu + sigma * eps,        a = tanh(u)  in (-1, 1).

Change of variables (|da/du| = 1 - tanh(u)^2) gives the log-density of a:

    log pi(a) = log N(u; mu, sigma^2) - log(1 - tanh(u)^2),
    log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)),

the right-hand side finite for every float u, with asymptote -2|u| + 2 log 2.
The common shortcut log(1 - a^2 + 1e-6) (:func:`naive_log1m_tanh_sq`) saturates
at log(1e-6) once 1 - a^2 < 1e-6, i.e. for |u| above about 7.6.
Functions take the pre-squash u, never a, so no atanh of a rounded +-1 is needed.
"""

from __future__ import annotations

import math

import numpy as np

from mcgrad import _checks, quadrature

LOG2 = math.log(2.0)


def _array(name: str, value: object) -> np.ndarray:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be real numbers, got the bool {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        value = np.asarray(value, dtype=float)
    if isinstance(value, (list, tuple)):
        value = np.asarray(value, dtype=float)
    return _checks.float_array(name, value)


def _params(mu: object, log_sigma: object) -> tuple[float, float]:
    mu, log_sigma = _checks.real_scalar("mu", mu), _checks.real_scalar("log_sigma", log_sigma)
    if abs(log_sigma) > 700:
        raise ValueError(f"log_sigma must lie in [-700, 700] (sigma = e^log_sigma is a float), "
                         f"got {log_sigma!r}")
    return mu, log_sigma


def _start(start: object) -> tuple[float, float]:
    if not isinstance(start, (tuple, list, np.ndarray)) or np.ndim(start) != 1 \
            or len(start) != 2:
        raise TypeError(f"start must be a pair (mu, log_sigma), got {start!r}")
    try:
        return _params(*start)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"start = {start!r}: {exc}") from None


def log1m_tanh_sq(u: object) -> np.ndarray:
    """log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)), stable for all finite u.

    Same shape and float dtype as ``u``; equals -2|u| + 2 log 2 to rounding for |u| > 20.
    """
    u = _array("u", u)
    with _checks.quiet():
        out = 2 * (u.dtype.type(LOG2) - u - np.logaddexp(u.dtype.type(0), -2 * u))
    return _checks.finite(out, "log(1 - tanh(u)^2)", u=u)


def naive_log1m_tanh_sq(a: object, jitter: float = 1e-6) -> np.ndarray:
    """The shortcut log(1 - a^2 + jitter) used in many codes; wrong once 1 - a^2 < jitter."""
    a = _array("a", a)
    jitter = _checks.positive_scalar("jitter", jitter)
    if np.any(np.abs(a) > 1):
        raise ValueError("a must lie in [-1, 1], the range of a = tanh(u)")
    with _checks.quiet():
        out = np.log(1 - a * a + a.dtype.type(jitter))
    return _checks.finite(out, "log(1 - a^2 + jitter)", a=a, jitter=jitter)


def squashed_sample(mu: float, log_sigma: float, eps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a, u) with u = mu + e^log_sigma * eps and a = tanh(u); both the shape of ``eps``."""
    mu, log_sigma = _params(mu, log_sigma)
    eps = _array("eps", eps)
    with _checks.quiet():
        u = mu + math.exp(log_sigma) * eps
    u = _checks.finite(u, "u = mu + sigma * eps", mu=mu, log_sigma=log_sigma, eps=eps)
    return np.tanh(u), u


def gaussian_log_prob(u: object, mu: float, log_sigma: float) -> np.ndarray:
    """log N(u; mu, sigma^2) = -((u - mu)/sigma)^2/2 - log_sigma - log(2 pi)/2."""
    mu, log_sigma = _params(mu, log_sigma)
    u = _array("u", u)
    with _checks.quiet():
        z = (u - mu) * math.exp(-log_sigma)
        out = -0.5 * z * z - log_sigma - 0.5 * math.log(2 * math.pi)
    return _checks.finite(out, "log N(u; mu, sigma^2)", u=u, mu=mu, log_sigma=log_sigma)


def squashed_log_prob(u: object, mu: float, log_sigma: float) -> np.ndarray:
    """log pi(a) at a = tanh(u): log N(u; mu, sigma^2) - log(1 - tanh(u)^2); shape of ``u``."""
    return gaussian_log_prob(u, mu, log_sigma) - log1m_tanh_sq(u)


def squashed_density(a: object, mu: float, log_sigma: float) -> np.ndarray:
    """pi(a) for a in (-1, 1), via u = atanh(a); for plotting against histograms."""
    a = _array("a", a)
    if np.any(np.abs(a) >= 1):
        raise ValueError("a must lie strictly inside (-1, 1); pass u to squashed_log_prob instead")
    return np.exp(squashed_log_prob(np.arctanh(a), mu, log_sigma))


def squashed_cdf(t: object, mu: float, log_sigma: float) -> np.ndarray:
    """P(a <= t) = Phi((atanh(t) - mu)/sigma) for t in [-1, 1]; shape of ``t``."""
    t = _array("t", t)
    mu, log_sigma = _params(mu, log_sigma)
    if np.any(np.abs(t) > 1):
        raise ValueError("t must lie in [-1, 1], the range of a = tanh(u)")
    with np.errstate(divide="ignore"):
        z = (np.arctanh(t) - mu) * math.exp(-log_sigma)
    return 0.5 * np.vectorize(math.erfc, otypes=[float])(-z / math.sqrt(2))


# --- a one-dimensional bandit with an entropy bonus (notebook 10) -------------------------
#
# Maximise  J(mu, log_sigma) = E[Q(a) - alpha log pi(a)],  Q(a) = -(a - target)^2.

ESTIMATORS = ("score_function", "reparameterization")


def _bandit(alpha: object, target: object) -> tuple[float, float]:
    alpha = _checks.real_scalar("alpha", alpha)
    if alpha < 0:
        raise ValueError(f"alpha must be >= 0 (an entropy bonus), got {alpha!r}")
    target = _checks.real_scalar("target", target)
    if not -1 < target < 1:
        raise ValueError(f"target must lie inside (-1, 1), the range of a, got {target!r}")
    return alpha, target


def reward(a: object, target: float = 0.6) -> np.ndarray:
    """Q(a) = -(a - target)^2, elementwise, for a in [-1, 1] and target in (-1, 1)."""
    a = _array("a", a)
    if np.any(np.abs(a) > 1):
        raise ValueError("a must lie in [-1, 1], the range of a = tanh(u)")
    _, target = _bandit(0.0, target)
    return -((a - target) ** 2)


def soft_objective(mu: float, log_sigma: float, *, alpha: float, target: float = 0.6) -> float:
    """J = E[Q(a)] + alpha H(pi), H(pi) = log_sigma + log(2 pi e)/2 + E[log(1 - tanh(u)^2)].

    Exact up to about 1e-10, by the composite quadrature of :mod:`mcgrad.quadrature`.
    """
    mu, log_sigma = _params(mu, log_sigma)
    alpha, target = _bandit(alpha, target)
    eps, w = quadrature.normal_rule(mu, math.exp(log_sigma), kink=0.0, width=1.0)
    with _checks.NamedError(mu=mu, log_sigma=log_sigma):
        a, u = squashed_sample(mu, log_sigma, eps)
        log_jacobian = log1m_tanh_sq(u)
    entropy = log_sigma + 0.5 * math.log(2 * math.pi * math.e) + np.sum(w * log_jacobian)
    with _checks.quiet():
        value = float(np.sum(w * reward(a, target)) + alpha * entropy)
    return float(_checks.finite(value, "J", mu=mu, log_sigma=log_sigma, alpha=alpha))


def gradient_terms(estimator: str, mu: float, log_sigma: float, eps: np.ndarray, *,
                   alpha: float, target: float = 0.6,
                   entropy_term: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample terms (d/dmu, d/dlog_sigma) of J; each the shape of ``eps``.

    reparameterization: with g(u) = Q(tanh u) - alpha log pi, dg/du = Q'(a)(1 - a^2) - 2 alpha a
        d/dmu = dg/du,   d/dlog_sigma = dg/du * sigma * eps + alpha.
    score_function: grad E[g_theta(a)] = E[g_theta(a) * score] + E[grad_theta g_theta(a)], and
        grad_theta g_theta(a) = -alpha * score (a fixed), so each term is
        (Q(a) - alpha log pi(a) - alpha) * score with score = (eps/sigma, eps^2 - 1).
        ``entropy_term=False`` drops the -alpha * score part: still unbiased (E[score] = 0).
    """
    _checks.choice("estimator", estimator, ESTIMATORS)
    if not isinstance(entropy_term, (bool, np.bool_)):
        raise TypeError(f"entropy_term must be True or False, got {entropy_term!r}")
    alpha, target = _bandit(alpha, target)
    a, u = squashed_sample(mu, log_sigma, eps)
    mu, log_sigma = _params(mu, log_sigma)
    sigma = math.exp(log_sigma)
    with _checks.quiet(), _checks.NamedError(mu=mu, log_sigma=log_sigma, alpha=alpha):
        if estimator == "reparameterization":
            g_u = -2 * (a - target) * np.exp(log1m_tanh_sq(u)) - 2 * alpha * a
            terms = g_u, g_u * sigma * eps + alpha
        else:
            h = reward(a, target) - alpha * squashed_log_prob(u, mu, log_sigma)
            if entropy_term:
                h = h - alpha
            terms = h * eps / sigma, h * (eps * eps - 1)
    for t in terms:
        _checks.finite(t, "the gradient terms", mu=mu, log_sigma=log_sigma, alpha=alpha)
    return terms


def gradient_moments(estimator: str, mu: float, log_sigma: float, *, alpha: float,
                     target: float = 0.6, entropy_term: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Exact mean (gradient) and per-sample variance of each component, by quadrature.

    Returns two arrays of shape (2,): (d/dmu, d/dlog_sigma).
    """
    mu, log_sigma = _params(mu, log_sigma)
    eps, w = quadrature.normal_rule(mu, math.exp(log_sigma), kink=0.0, width=1.0)
    terms = np.stack(gradient_terms(estimator, mu, log_sigma, eps, alpha=alpha, target=target,
                                    entropy_term=entropy_term))
    with _checks.quiet():
        mean = terms @ w
        var = ((terms - mean[:, None]) ** 2) @ w
    _checks.finite(var, "the variance", mu=mu, log_sigma=log_sigma, alpha=alpha)
    return mean, var


def ascend(estimator: str, eps: np.ndarray, *, alpha: float, target: float = 0.6,
           lr: float = 0.05, start: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Stochastic gradient ascent on (mu, log_sigma); row k of ``eps`` is step k's batch.

    ``eps`` has shape (steps, batch); passing the same array to both estimators
    gives common random numbers.  Returns the path, shape (steps + 1, 2).
    """
    eps = _array("eps", eps)
    if eps.ndim != 2:
        raise ValueError(f"eps must have shape (steps, batch), got shape {eps.shape}")
    lr = _checks.positive_scalar("lr", lr)
    _checks.choice("estimator", estimator, ESTIMATORS)
    _bandit(alpha, target)
    path = np.empty((eps.shape[0] + 1, 2))
    path[0] = _start(start)
    for k, batch in enumerate(eps):
        with _checks.NamedError(lr=lr, start=start, alpha=alpha), _checks.quiet():
            d_mu, d_ls = gradient_terms(estimator, *path[k], batch, alpha=alpha, target=target)
            path[k + 1] = _checks.finite(path[k] + lr * np.array([d_mu.mean(), d_ls.mean()]),
                                         "the path", lr=lr, start=start, alpha=alpha)
    return path


def optimum(*, alpha: float, target: float = 0.6, start: tuple[float, float] = (0.0, 0.0),
            tol: float = 1e-9, max_steps: int = 20_000) -> np.ndarray:
    """The maximiser (mu*, log_sigma*) of J for alpha > 0, by ascent on exact gradients.

    Stops when both exact gradient components are below ``tol``; raises
    ``RuntimeError`` if that takes more than ``max_steps`` steps.
    """
    alpha, target = _bandit(alpha, target)
    if alpha <= 0:
        raise ValueError("alpha must be > 0: without an entropy bonus sigma -> 0 and no optimum exists")
    if not 1e-3 <= alpha <= 1e6:
        raise ValueError(f"alpha must lie in [0.001, 1e6] for optimum (outside it the ascent "
                         f"needs too many steps), got {alpha!r}")
    tol = _checks.positive_scalar("tol", tol)
    if tol < 1e-12:
        raise ValueError(f"tol must be >= 1e-12: the exact gradient is accurate to about "
                         f"1e-10, so a smaller tol is never met; got {tol!r}")
    x = np.array(_start(start))
    max_steps = _checks.integer("max_steps", max_steps, minimum=1, maximum=100_000)
    for _ in range(max_steps):
        with _checks.NamedError(alpha=alpha, target=target, start=start):
            g, _ = gradient_moments("reparameterization", *x, alpha=alpha, target=target)
        if np.max(np.abs(g)) < tol:
            return x
        x = x + 0.5 * g / max(1.0, 4 * alpha) * np.array([1.0, 1.0])
    raise ValueError(f"no convergence: the exact gradient stayed above tol={tol} for "
                     f"max_steps={max_steps} steps (alpha={alpha}, target={target}, "
                     f"start={start}); raise tol or max_steps, or start nearer the optimum")
