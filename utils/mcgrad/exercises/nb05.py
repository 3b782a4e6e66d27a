"""Expected answers for the exercises of notebook 05 (computed independently of the solution).

The solutions use the exact moments of ``mcgrad.moments`` and the experiment;
these expected values use Gauss-Hermite quadrature (shared with notebook 04's
checkers) and a direct search over whole numbers.
"""

import math

from mcgrad.exercises import exercise
from mcgrad.exercises.nb04 import _ratio


@exercise("05.1", "value", hint="equal variances need N in proportion to the per-sample variance")
def equal_variance_samples() -> float:
    return 100 * _ratio(2.0)


@exercise("05.2", "value", hint="put theta = 0 into the ratio of the two per-sample variances")
def ratio_at_zero() -> float:
    return _ratio(0.0)


@exercise("05.3", "value", hint="for normal values SE / V = sqrt(2 / (R - 1))")
def runs_for_one_percent() -> int:
    runs = 2
    while math.sqrt(2 / (runs - 1)) > 0.01:  # smallest R with SE / V <= 1 %
        runs *= 2
    lo, hi = runs // 2, runs
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if math.sqrt(2 / (mid - 1)) > 0.01 else (lo, mid)
    return hi
