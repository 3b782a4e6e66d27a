"""Answer checkers for the notebooks' exercises.

A checker compares a student's answer with a value or formula that the
notebook obtains from ``mcgrad`` (never typed in by hand), prints a short
confirmation when it is right and raises ``AssertionError`` with a hint when it
is not, so that a solution cell run by nbval fails loudly if it goes wrong.
"""

from __future__ import annotations

import math

import sympy as sp

from mcgrad import _checks


def check_value(answer: object, expected: float, *, rtol: float = 1e-6,
                atol: float = 1e-9, name: str = "answer") -> None:
    """Check a number: |answer - expected| <= atol + rtol*|expected|."""
    value = _checks.real_scalar(name, answer)
    expected = _checks.real_scalar("expected", expected)
    rtol = _checks.real_scalar("rtol", rtol)
    atol = _checks.real_scalar("atol", atol)
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    if not math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        raise AssertionError(f"{name} = {value:.6g} is not right yet; look again at the derivation")
    print(f"Correct: {name} = {value:.6g}")


def check_within(answer: object, expected: float, tolerance: float, *,
                 name: str = "answer") -> None:
    """Check a Monte Carlo estimate: |answer - expected| <= tolerance (e.g. 5 standard errors)."""
    value = _checks.real_scalar(name, answer)
    expected = _checks.real_scalar("expected", expected)
    tolerance = _checks.positive_scalar("tolerance", tolerance)
    if abs(value - expected) > tolerance:
        raise AssertionError(
            f"{name} = {value:.6g} is further than {tolerance:.3g} from the exact value"
        )
    print(f"Correct: {name} = {value:.6g} is within {tolerance:.3g} of the exact value")


def check_formula(answer: object, expected: object, *, name: str = "formula") -> None:
    """Check that two SymPy expressions are identical: simplify(answer - expected) == 0."""
    for arg, val in (("answer", answer), ("expected", expected)):
        if not isinstance(val, (sp.Basic, int, float)) or isinstance(val, bool):
            raise TypeError(f"{arg} must be a SymPy expression, got {type(val).__name__}")
    if sp.simplify(sp.sympify(answer) - sp.sympify(expected)) != 0:
        raise AssertionError(f"{name} {answer} is not equivalent to the expected expression")
    print(f"Correct: {name} = {sp.simplify(answer)}")
