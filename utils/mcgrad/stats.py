"""Standard errors of Monte Carlo estimates, explained once (notebook 03) and used everywhere.

An average of n independent terms with variance V has standard error

    SE[mean] = sqrt(V / n).                                              (a)

A sample variance s^2 (ddof=1) of R independent values with variance V and
fourth central moment m4 = E[(X - E X)^4] has

    SE[s^2] = sqrt((m4 - (R - 3) / (R - 1) * V^2) / R).                  (b)

For Gaussian values m4 = 3 V^2 and (b) is V * sqrt(2 / (R - 1)).  Every
notebook that holds a Monte Carlo number to "k standard errors" uses one of
these two functions.
"""

from __future__ import annotations

import math

import numpy as np

from mcgrad import _checks


def _nonnegative_array(name: str, value: object) -> np.ndarray:
    """``value`` (a real number or array of them) as floats >= 0; refuses strings and complex."""
    arr = _checks.real_array(name, value).astype(np.float64)
    if (arr < 0).any():
        raise ValueError(f"{name} must be >= 0 (it is a variance or moment), got {value!r}")
    return arr


def _result(arr: np.ndarray) -> float | np.ndarray:
    return float(arr) if arr.ndim == 0 else arr


def mean_se(var: object, n: object) -> float | np.ndarray:
    """Standard error of the mean of ``n`` terms of variance ``var``: sqrt(var / n), eq. (a).

    ``var`` is a number or array (>= 0); ``n`` an int >= 1.  Introduced in notebook 03.
    """
    v = _nonnegative_array("var", var)
    n = _checks.integer("n", n, minimum=1)
    return _result(np.sqrt(v) / math.sqrt(n))  # not sqrt(v / n): v / n may underflow


def variance_se(var: object, m4: object, runs: object) -> float | np.ndarray:
    """Standard error of a sample variance (ddof=1) of ``runs`` values, eq. (b).

    ``var`` is the variance V of one value, ``m4`` its fourth central moment
    (m4 >= V^2 always; 3 V^2 for a Gaussian), ``runs`` an int >= 2.
    Numbers or broadcastable arrays.  Introduced in notebook 03.
    """
    v = _nonnegative_array("var", var)
    m = _nonnegative_array("m4", m4)
    r = _checks.integer("runs", runs, minimum=2)
    try:
        v, m = np.broadcast_arrays(v, m)
    except ValueError:
        raise ValueError(f"var and m4 must have broadcastable shapes, got {v.shape} and {m.shape}"
                         ) from None
    with _checks.quiet():
        v2 = _checks.finite(v * v, "var**2", var=var)
    if (m < v2 * (1 - 1e-12)).any():
        raise ValueError("m4 must be >= var**2 (a fourth central moment is at least the squared "
                         f"variance), got var={var!r}, m4={m4!r}")
    with _checks.quiet():
        se = np.sqrt(np.maximum(m - (r - 3) / (r - 1) * v * v, 0.0) / r)
    return _result(_checks.finite(se, "the standard error", var=var, m4=m4, runs=r))


def gaussian_variance_se(var: object, runs: object) -> float | np.ndarray:
    """Eq. (b) for Gaussian values (m4 = 3 var^2): var * sqrt(2 / (runs - 1))."""
    v = _nonnegative_array("var", var)
    r = _checks.integer("runs", runs, minimum=2)
    with _checks.quiet():
        se = v * math.sqrt(2.0) / math.sqrt(r - 1)
    return _result(_checks.finite(se, "the standard error", var=var, runs=r))
