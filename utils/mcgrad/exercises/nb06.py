"""Expected answers for the exercises of notebook 06 (computed independently of the solution).

The solutions call the explorer and ``mcgrad.moments``; these expected values
use Gauss-Hermite quadrature over eps ~ N(0, 1) (shared with notebook 04's
checkers, exact for the polynomial terms of x^2) and a direct search over N.
"""

from mcgrad import stats
from mcgrad.exercises import exercise
from mcgrad.exercises.nb04 import _NODES, _variance, _ratio


def _sf_variance(theta: float, sigma: float) -> float:
    """V_SF for f = x^2 by quadrature: terms x^2 eps / sigma."""
    x = theta + sigma * _NODES
    return _variance(x**2 * _NODES / sigma)


@exercise("06.1", "value", hint="read the exact ratio in the readout at theta = 0")
def ratio_at_zero() -> float:
    return _ratio(0.0, 3.0)


@exercise("06.2", "within", hint="average the score-function estimates of all runs")
def mean_at_minus_one(N: int = 1000, runs: int = 200) -> tuple[float, float]:
    # the true gradient 2 theta, and 5 standard errors of a mean of N * runs terms
    return -2.0, 5 * stats.mean_se(_sf_variance(-1.0, 2.0), N * runs)


@exercise("06.3", "value", hint="the variance of an N-sample estimate is V / N")
def samples_for_one_reparameterization_sample() -> int:
    v_sf, v_rp = _sf_variance(2.0, 1.0), _variance(2 * (2.0 + _NODES))
    n = 1
    while v_sf / n > v_rp * (1 + 1e-12):  # the smallest N with V_SF / N <= V_RP
        n += 1
    return n
