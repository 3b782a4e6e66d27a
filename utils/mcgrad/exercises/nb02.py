"""Expected answers for the exercises of notebook 02 (computed independently of the solution).

The solutions integrate with SymPy; these expected values use Gauss-Hermite
quadrature over the base noise eps ~ N(0, 1), exact for the polynomial terms here.
"""

import numpy as np

from mcgrad import stats
from mcgrad.exercises import exercise
from mcgrad.objectives import ShiftedSquare, Square

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(20)  # exact up to degree 39
_WEIGHTS = _WEIGHTS / np.sqrt(2 * np.pi)


def _sf_variance(f, theta: float, sigma: float) -> float:
    """Var[f(x) eps / sigma] for x = theta + sigma eps, by quadrature."""
    terms = f(theta + sigma * _NODES) * _NODES / sigma
    mean = _WEIGHTS @ terms
    return float(_WEIGHTS @ (terms - mean) ** 2)


@exercise("02.1", "value", hint="average x**2 times the sigma-score against the density")
def gradient_in_sigma() -> float:
    return Square().gradient_sigma(2.0, 0.7)


@exercise("02.2", "value", hint="eq. (9) with f(x) = (x - 1.5)^2, theta = 1/2, sigma = 2")
def shifted_square_variance() -> float:
    return _sf_variance(ShiftedSquare(1.5).value, 0.5, 2.0)


@exercise("02.3", "within", hint="average the score-function terms of (x - 1.5)^2")
def shifted_square_estimate(n: int = 100_000) -> tuple[float, float]:
    # 5 standard errors of a mean of n terms
    var = _sf_variance(ShiftedSquare(1.5).value, 0.5, 2.0)
    return ShiftedSquare(1.5).gradient(0.5, 2.0), 5 * stats.mean_se(var, n)


@exercise("02.4", "choice", options=("larger", "smaller", "the same"),
          hint="the constant multiplies the score, which is not zero sample by sample")
def shifted_up_prediction() -> str:
    plain = _sf_variance(np.square, 2.0, 1.0)
    raised = _sf_variance(lambda x: x**2 + 10, 2.0, 1.0)
    return "larger" if raised > plain * (1 + 1e-9) else (
        "smaller" if raised < plain * (1 - 1e-9) else "the same")


@exercise("02.5", "value", hint="eq. (9) with f(x) = x^2 + 10 at theta = 2, sigma = 1")
def shifted_up_variance() -> float:
    return _sf_variance(lambda x: x**2 + 10, 2.0, 1.0)
