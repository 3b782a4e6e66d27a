"""Expected answers for the exercises of notebook 03 (computed independently of the solution)."""

import numpy as np
import sympy as sp

from mcgrad import stats
from mcgrad.exercises import exercise
from mcgrad.moments import SIGMA, THETA

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(20)  # exact up to degree 39
_WEIGHTS = _WEIGHTS / np.sqrt(2 * np.pi)


@exercise("03.1", "formula", hint="average f'(theta + sigma eps) eps over eps")
def pathwise_sigma_mean() -> sp.Expr:
    # The mean is dJ/dsigma, and J = theta^2 + sigma^2 for f(x) = x^2.
    return sp.diff(THETA**2 + SIGMA**2, SIGMA)


@exercise("03.2", "formula", hint="the term 2 (theta + sigma eps) is linear in eps")
def pathwise_variance() -> sp.Expr:
    # Var[a + b eps] = b^2 with b = 2 sigma.
    return (2 * SIGMA) ** 2


@exercise("03.3", "within", hint="take the sample variance (ddof=1) of the pathwise terms")
def pathwise_sample_variance(n: int = 100_000) -> tuple[float, float]:
    # The terms 2 (theta + sigma eps) are Gaussian with variance 4 sigma^2, so the
    # Gaussian form of the standard error applies; 5 standard errors.
    var = 4 * 0.5**2
    return var, 5 * stats.gaussian_variance_se(var, n)


def _ratio(theta: float, sigma: float) -> float:
    x = theta + sigma * _NODES
    sf, rp = x**2 * _NODES / sigma, 2 * x
    var = [float(_WEIGHTS @ (t - _WEIGHTS @ t) ** 2) for t in (sf, rp)]
    return var[0] / var[1]


@exercise("03.4", "choice", options=("larger", "smaller", "the same"),
          hint="look at how theta and sigma enter the score-function variance")
def ratio_prediction() -> str:
    half, one = _ratio(2.0, 0.5), _ratio(2.0, 1.0)
    return "larger" if half > one else ("smaller" if half < one else "the same")
