"""Expected answers for the exercises of notebook 10, computed independently of the solutions.

The solutions use the asymptote of the log-Jacobian, the mean of sampled
terms, or a grid over ``policies.soft_objective``; these use 50-digit mpmath
arithmetic, finite differences of the exact objective, the exact variances,
and Gauss-Hermite quadrature of eq. (6) with golden-section search.
"""

from __future__ import annotations

import functools
import math

import mpmath as mp
import numpy as np

from mcgrad.exercises import exercise


@exercise("10.1", "value", rtol=5e-5, hint="use eq. (2): log N(u; 0, 1) - log(1 - tanh^2 u)")
def log_density_at_tanh_12() -> float:
    with mp.workdps(50):
        u = mp.mpf(12)
        return float(-u**2 / 2 - mp.log(2 * mp.pi) / 2 - mp.log(1 - mp.tanh(u) ** 2))


@exercise("10.2", "within", hint="use the score-function terms with entropy_term=False")
def score_gradient_mu(n: int = 20_000) -> tuple[float, float]:
    from mcgrad import policies

    mu, log_sigma, alpha, k = 0.5, -1.0, 0.5, 0.8  # the point of the exercise

    delta = 1e-6  # central difference of the exact objective (5)
    slope = (policies.soft_objective(mu + delta, log_sigma, alpha=alpha, target=k)
             - policies.soft_objective(mu - delta, log_sigma, alpha=alpha, target=k)) / (2 * delta)
    var = policies.gradient_moments("score_function", mu, log_sigma, alpha=alpha, target=k,
                                    entropy_term=False)[1][0]
    return slope, 5 * math.sqrt(var / n)  # five exact standard errors


@exercise("10.3", "choice", options=("larger", "smaller"),
          hint="compare the exact variances with and without the term")
def keeping_the_term() -> str:
    from mcgrad import policies

    kw = dict(alpha=0.5, target=0.8)
    with_term = policies.gradient_moments("score_function", 0.5, -1.0, **kw)[1][0]
    without = policies.gradient_moments("score_function", 0.5, -1.0, entropy_term=False,
                                        **kw)[1][0]
    return "larger" if with_term > without else "smaller"


@functools.cache
def _hermite_rule() -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.hermite_e.hermegauss(200)


def _entropy_at_zero_mean(log_sigma: float) -> float:
    """Eq. (6) at mu = 0 by Gauss-Hermite quadrature: l + log(2 pi e)/2 + E[log(1 - tanh^2 u)]."""
    nodes, weights = _hermite_rule()
    u = math.exp(log_sigma) * nodes
    log_jac = 2 * (math.log(2) - np.abs(u) - np.log1p(np.exp(-2 * np.abs(u))))
    return log_sigma + 0.5 * math.log(2 * math.pi * math.e) + float(weights @ log_jac
                                                                     / weights.sum())


@exercise("10.4", "value", rtol=0.0, atol=1e-3,
          hint="maximise J(alpha = 1) - J(alpha = 0) over log sigma at mu = 0")
def entropy_maximiser() -> float:
    lo, hi = -1.0, 1.0
    ratio = (math.sqrt(5) - 1) / 2
    while hi - lo > 1e-8:  # golden-section search on a unimodal function
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if _entropy_at_zero_mean(a) >= _entropy_at_zero_mean(b):
            hi = b
        else:
            lo = a
    return 0.5 * (lo + hi)
