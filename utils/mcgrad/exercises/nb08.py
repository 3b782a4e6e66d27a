"""Expected answers for the exercises of notebook 08 (computed independently of the solution).

The solutions use SymPy expectations; the expected values here come from
Gaussian moments written out by hand or from Gauss-Hermite quadrature.
"""

import numpy as np

from mcgrad.exercises import exercise

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(40)  # E[u(eps)], eps ~ N(0, 1)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def _var(u) -> float:
    vals = u(_NODES)
    mean = np.dot(_WEIGHTS, vals)
    return float(np.dot(_WEIGHTS, (vals - mean) ** 2))


@exercise("08.1", "formula", hint="use eq. (4) with f = (x - 1)^2 and x = theta + sigma eps")
def optimal_baseline_shifted():
    """b* = E[f s^2] / E[s^2]; with u = x - theta ~ N(0, sigma^2) and a = theta - 1,
    E[(u + a)^2 u^2] = 3 sigma^4 + a^2 sigma^2 and E[s^2] = 1 / sigma^2."""
    from mcgrad import moments

    a, sig = moments.THETA - 1, moments.SIGMA
    return (3 * sig**4 + a**2 * sig**2) / sig**2


@exercise("08.2", "value", hint="divide the b = b* row of eq. (5) by the no-baseline row")
def remaining_fraction() -> float:
    """Var((f - b*) s) / Var(f s) at theta = 2, sigma = 1, by quadrature (b* = 7)."""
    return (_var(lambda e: ((2 + e) ** 2 - 7) * e) / _var(lambda e: (2 + e) ** 2 * e))


@exercise("08.3", "value", hint="set the two variances equal and solve for theta > 0")
def antithetic_threshold() -> float:
    """theta where pair and two-sample variances of f = x^3 cross, by bisection on quadrature."""
    def excess(theta: float) -> float:
        d = lambda e: 3 * (theta + e) ** 2  # f'(x) for f = x^3
        return _var(lambda e: (d(e) + d(-e)) / 2) - _var(d) / 2

    lo, hi = 1e-3, 3.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excess(mid) > 0 else (lo, mid)
    return (lo + hi) / 2
