"""Expected answers for the exercises of notebook 01 (computed independently of the solution)."""

import numpy as np
import sympy as sp

from mcgrad import _checks
from mcgrad.exercises import exercise
from mcgrad.moments import SIGMA, THETA
from mcgrad.objectives import ShiftedSquare

K = sp.Symbol("k", real=True)


@exercise("01.1", "formula", hint="integrate x**2 against the N(theta, sigma^2) density")
def objective_with_sigma() -> sp.Expr:
    # E[x^2] = (E x)^2 + Var x for any distribution.
    return THETA**2 + SIGMA**2


@exercise("01.2", "value", hint="differentiate J = (theta - k)^2 + 1 with respect to theta")
def shifted_square_gradient() -> float:
    return ShiftedSquare(1.5).gradient(2.0, 1.0)


@exercise("01.3", "formula", hint="solve dJ/dtheta = 0 for theta")
def shifted_square_minimiser() -> sp.Expr:
    # (theta - k)^2 + 1 is smallest where the square vanishes.
    return K


@exercise("01.4", "value", hint="use the same eps on both sides of eq. (6)")
def shared_noise_difference(eps: object) -> float:
    # ((theta + d + e)^2 - (theta - d + e)^2) / (2 d) = 2 (theta + e) for every d, theta = 2.
    e = _checks.float_array("eps (the array of draws from the exercise cell)", eps)
    return float(np.mean(2 * (2.0 + e)))
