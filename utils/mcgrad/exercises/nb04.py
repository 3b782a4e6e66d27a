"""Expected answers for the exercises of notebook 04 (computed independently of the solution).

The solutions do SymPy moment algebra; these expected values use Gauss-Hermite
quadrature over the base noise eps ~ N(0, 1) (exact for the polynomial terms
here), closed forms, and bisection.
"""

import math

import numpy as np

from mcgrad import moments, stats
from mcgrad.exercises import exercise

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(20)  # exact up to degree 39
_WEIGHTS = _WEIGHTS / np.sqrt(2 * np.pi)


def _variance(terms: np.ndarray) -> float:
    mean = _WEIGHTS @ terms
    return float(_WEIGHTS @ (terms - mean) ** 2)


def _ratio(theta: float, sigma: float = 1.0) -> float:
    """V_SF / V_RP for f = x^2 by quadrature: terms x^2 eps / sigma and 2x."""
    x = theta + sigma * _NODES
    return _variance(x**2 * _NODES / sigma) / _variance(2 * x)


@exercise("04.1", "formula", hint="expand E[(f s)^2] - E[f s]^2 with f = (x - 3)^2")
def shifted_square_variance():
    # The score-function term of (x - 3)^2 is that of x^2 with theta - 3 in place of
    # theta, (theta - 3 + sigma eps)^2 eps / sigma, so eq. (7) shifts.
    d, sigma = moments.THETA - 3, moments.SIGMA
    return (d**4 + 14 * d**2 * sigma**2 + 15 * sigma**4) / sigma**2


@exercise("04.2", "value", hint="eq. (9) depends on theta and sigma only through their ratio")
def ratio_at_three_quarters() -> float:
    return _ratio(1.5, 2.0)


@exercise("04.3", "value", hint="eq. (9) = 10 is a quadratic in z^2; keep the positive root")
def ratio_ten() -> float:
    lo, hi = 0.0, 3.0  # the ratio rises from 3.75 to 55.5 on [0, 3]
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _ratio(mid) < 10 else (lo, mid)
    return (lo + hi) / 2


@exercise("04.4", "within", hint="average the score-function terms of the step at theta = 0")
def step_gradient(N: int = 100_000) -> tuple[float, float]:
    # closed forms: E[1[eps > 0] eps] = 1/sqrt(2 pi); E[1[eps > 0] eps^2] = 1/2
    gradient = 1 / math.sqrt(2 * math.pi)
    var = 0.5 - gradient**2
    return gradient, 5 * stats.mean_se(var, N)  # 5 standard errors
