"""Expected answers for the exercises of notebook 12, by Gauss-Hermite quadrature (not SymPy or JAX)."""

from __future__ import annotations

import math

import numpy as np

from mcgrad import _checks
from mcgrad.exercises import exercise


def _normal_expectation(g, theta: float, sigma: float, order: int = 40) -> float:
    """E[g(x, eps)] for x = theta + sigma*eps, eps ~ N(0, 1); exact for polynomials of degree < 80."""
    eps, w = np.polynomial.hermite_e.hermegauss(order)
    return float(np.sum(w * g(theta + sigma * eps, eps)) / math.sqrt(2 * math.pi))


def _log_normal(x: np.ndarray, theta: float, sigma: float) -> np.ndarray:
    return -0.5 * ((x - theta) / sigma) ** 2 - math.log(sigma) - 0.5 * math.log(2 * math.pi)


@exercise("12.1", "value", hint="differentiate f(x) log p along the path x = theta + "
          "sigma eps, and take the expectation over eps")
def _bug_nothing_stopped() -> float:
    # f(x) = x^3, f'(x) = 3 x^2, eq. (3) of notebook 12
    return _normal_expectation(lambda x, e: 3 * x**2 * _log_normal(x, 1.0, 2.0), 1.0, 2.0)


@exercise("12.2", "within", hint="the score with respect to sigma is (eps^2 - 1) / sigma; keep the "
          "samples fixed and stop the gradient of f")
def _sigma_surrogate(n: int = 4000) -> tuple[float, float]:
    n = _checks.integer("n", n, minimum=1)
    theta, sigma = 2.0, 1.0
    mean = _normal_expectation(lambda x, e: x**2 * (e**2 - 1) / sigma, theta, sigma)
    second = _normal_expectation(lambda x, e: (x**2 * (e**2 - 1) / sigma) ** 2, theta, sigma)
    return mean, 5 * math.sqrt((second - mean**2) / n)


@exercise("12.3", "choice", options=("zero", "close to the gradient", "minus the gradient"),
          hint="with the sample stopped, which surrogate of the notebook is this?")
def _bug_fixed() -> str:
    return "close to the gradient"
