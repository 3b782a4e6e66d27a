"""Expected answers for the exercises of notebook 11 (computed independently of the solution).

The notebook's solutions use closed forms and moments; these use quadrature of the
estimators' own terms (mcgrad.families.quadrature_moments) or direct SymPy integration.
"""

import math

from mcgrad import _checks, families, objectives
from mcgrad.exercises import exercise


@exercise("11.1", "value", hint="use eq. (5) with theta = sigma = 1 and k = 2")
def _pathwise_cosine_variance() -> float:
    return families.quadrature_moments("reparameterization", objectives.Cosine(2.0), 1.0, 1.0)[1]


@exercise("11.2", "formula",
          hint="expand the difference of cubes and use E[W^(2j)] = 2^j j! for the Rayleigh W")
def _measure_valued_cubic_variance():
    import sympy as sp

    theta, w = sp.Symbol("theta", real=True), sp.Symbol("w", positive=True)
    x = sp.Symbol("x", real=True)
    c = 1 / sp.sqrt(2 * sp.pi)  # sigma = 1
    second = sp.integrate(c**2 * ((theta + w)**3 - (theta - w)**3)**2 * w * sp.exp(-w**2 / 2),
                          (w, 0, sp.oo))
    mean = sp.integrate(x**3 * sp.exp(-(x - theta)**2 / 2) / sp.sqrt(2 * sp.pi), (x, -sp.oo, sp.oo))
    return second - sp.diff(mean, theta)**2


@exercise("11.3", "choice", options=families.NAMES,
          hint="compare the three exact variances for the sigma gradient of the bump with k = 3 "
               "at theta = 0")
def _lowest_for_bump() -> str:
    f = objectives.GaussianBump(3.0)
    var = {name: families.quadrature_moments(name, f, 0.0, 1.0, wrt="sigma")[1]
           for name in families.NAMES}
    return min(var, key=var.get)


@exercise("11.4", "within", hint="use estimators.measure_valued with wrt='sigma' on (N, 3) noise")
def _measure_valued_sigma_estimate(n: int = 10_000) -> tuple[float, float]:
    n = _checks.integer("n", n, minimum=1)
    f = objectives.Cosine(2.0)
    _, var, _ = families.quadrature_moments("measure_valued", f, 1.0, 1.0, wrt="sigma")
    return f.gradient_sigma(1.0, 1.0), 5 * math.sqrt(var / n)  # 5 standard errors
