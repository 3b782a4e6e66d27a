"""Answer checkers for the notebooks' exercises.

Every exercise with a number or a formula for an answer has an id ``"NN.k"``
(notebook NN, exercise k).  The notebook gives the student a cell::

    answer = None  # replace None with your answer
    exercises.check("02.1", answer)

:func:`check` says "Not answered yet" for ``None``; otherwise it computes the
expected value itself, by a route independent of the one the exercise asks
for (registered in ``mcgrad.exercises.nbNN``, imported on first use), and
prints only "Correct." or raises ``AssertionError`` with a hint.  It never
prints the expected value, so a stored output gives nothing away.

Kinds of exercise (see :func:`exercise`):
``value``    a real number, compared with rtol/atol;
``within``   a Monte Carlo estimate, within a tolerance (e.g. 5 exact standard
             errors) that the registered function returns with the value;
``formula``  a SymPy expression, compared with ``simplify(a - b) == 0``;
``choice``   one of a few strings (for "predict, then run" questions).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NOT_ANSWERED = "Not answered yet: replace None with your answer and run this cell again."
CORRECT = "Correct."
KINDS = ("value", "within", "formula", "choice")
_ID = re.compile(r"(\d\d)\.(\d+)")


@dataclass(frozen=True)
class Exercise:
    """One registered exercise: its id, kind, expected-value function and options."""

    id: str
    kind: str
    expected: Callable[..., Any]
    rtol: float = 1e-6
    atol: float = 1e-9
    options: tuple[str, ...] = ()
    hint: str = "look again at the derivation"


_REGISTRY: dict[str, Exercise] = {}


def exercise(id: str, kind: str, *, rtol: float = 1e-6, atol: float = 1e-9,
             options: tuple[str, ...] = (), hint: str = "look again at the derivation"
             ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator that registers ``expected`` as the answer to exercise ``id``.

    ``expected(**data)`` returns the exact value (``value``), a pair
    ``(exact, tolerance)`` (``within``), a SymPy expression (``formula``) or the
    right option (``choice``); ``data`` are the keyword arguments the notebook
    passes to :func:`check` (for example the sample size the student used).
    """
    if not isinstance(id, str) or not _ID.fullmatch(id):
        raise ValueError(f"id must look like 'NN.k' (notebook, exercise), got {id!r}")
    from mcgrad import _checks

    _checks.choice("kind", kind, KINDS)
    for arg, tol in (("rtol", rtol), ("atol", atol)):
        if _checks.real_scalar(arg, tol) < 0:
            raise ValueError(f"{arg} must be >= 0, got {tol!r}")
    if not isinstance(options, (tuple, list)) or not all(isinstance(o, str) for o in options):
        raise TypeError(f"options must be a tuple of strings, got {options!r}")
    _checks.text("hint", hint)
    if kind == "choice" and not options:
        raise ValueError("a 'choice' exercise needs its options")

    def register(expected: Callable[..., Any]) -> Callable[..., Any]:
        if id in _REGISTRY:
            raise ValueError(f"exercise {id!r} is registered twice")
        _REGISTRY[id] = Exercise(id, kind, expected, rtol, atol, tuple(options), hint)
        return expected

    return register


def _lookup(exercise_id: object) -> Exercise:
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise must be a string such as '02.1', got {exercise_id!r} "
                        f"of type {type(exercise_id).__name__}")
    match = _ID.fullmatch(exercise_id)
    if match is None:
        raise ValueError(f"exercise must look like 'NN.k' (notebook, exercise), got {exercise_id!r}")
    try:
        importlib.import_module(f"mcgrad.exercises.nb{match.group(1)}")
    except ModuleNotFoundError:
        pass
    if exercise_id not in _REGISTRY:
        known = sorted(k for k in _REGISTRY if k.startswith(match.group(1) + "."))
        raise ValueError(f"there is no exercise {exercise_id!r}; notebook {match.group(1)} "
                         f"has {known or 'no checked exercises'}")
    return _REGISTRY[exercise_id]


def _real(answer: object) -> float:
    import numbers

    import numpy as np

    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer[()]
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        raise TypeError(f"answer must be a real number, got {answer!r} "
                        f"of type {type(answer).__name__}")
    value = float(answer)
    if not math.isfinite(value):
        raise ValueError(f"answer must be finite, got {answer!r}")
    return value


def check(exercise: str, answer: object, **data: Any) -> None:
    """Check ``answer`` to ``exercise`` ('NN.k'); print "Correct." or raise AssertionError.

    ``None`` prints "Not answered yet".  ``data`` (keyword arguments) are passed
    to the registered expected-value function, e.g. ``n=`` for the sample size
    of a Monte Carlo estimate.
    """
    ex = _lookup(exercise)
    if answer is None:
        print(NOT_ANSWERED)
        return
    expected = ex.expected(**data)
    if ex.kind == "value":
        ok = math.isclose(_real(answer), float(expected), rel_tol=ex.rtol, abs_tol=ex.atol)
    elif ex.kind == "within":
        exact, tolerance = expected
        ok = abs(_real(answer) - float(exact)) <= float(tolerance)
    elif ex.kind == "formula":
        import sympy as sp

        if isinstance(answer, bool) or not isinstance(answer, (sp.Basic, int, float)):
            raise TypeError(f"answer must be a SymPy expression, got {answer!r} "
                            f"of type {type(answer).__name__}")
        ok = sp.simplify(sp.sympify(answer) - sp.sympify(expected)) == 0
    else:
        if not isinstance(answer, str) or answer not in ex.options:
            raise ValueError(f"answer must be one of {ex.options}, got {answer!r}")
        ok = answer == expected
    if not ok:
        raise AssertionError(f"Not right yet: {ex.hint}.")
    print(CORRECT)


def registered(notebook: str) -> list[str]:
    """The exercise ids registered for notebook ``notebook`` ('02'), in order."""
    if not isinstance(notebook, str) or not re.fullmatch(r"\d\d", notebook):
        raise ValueError(f"notebook must be a two-digit string such as '02', got {notebook!r}")
    try:
        importlib.import_module(f"mcgrad.exercises.nb{notebook}")
    except ModuleNotFoundError:
        pass
    return sorted((k for k in _REGISTRY if k.startswith(notebook + ".")),
                  key=lambda k: int(k.split(".")[1]))


# Older checkers, kept while notebooks move to check(); they print the value they check.
import sympy as sp  # noqa: E402
from mcgrad import _checks  # noqa: E402


def check_value(answer: object, expected: float, *, rtol: float = 1e-6,
                atol: float = 1e-9, name: str = "answer") -> None:
    """Check a number: |answer - expected| <= atol + rtol*|expected|."""
    value = _checks.real_scalar(_checks.text("name", name), answer)
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
    value = _checks.real_scalar(_checks.text("name", name), answer)
    expected = _checks.real_scalar("expected", expected)
    tolerance = _checks.positive_scalar("tolerance", tolerance)
    if abs(value - expected) > tolerance:
        raise AssertionError(
            f"{name} = {value:.6g} is further than {tolerance:.3g} from the exact value"
        )
    print(f"Correct: {name} = {value:.6g} is within {tolerance:.3g} of the exact value")


def check_formula(answer: object, expected: object, *, name: str = "formula") -> None:
    """Check that two SymPy expressions are identical: simplify(answer - expected) == 0."""
    _checks.text("name", name)
    for arg, val in (("answer", answer), ("expected", expected)):
        if not isinstance(val, (sp.Basic, int, float)) or isinstance(val, bool):
            raise TypeError(f"{arg} must be a SymPy expression, got {type(val).__name__}")
    if sp.simplify(sp.sympify(answer) - sp.sympify(expected)) != 0:
        raise AssertionError(f"{name} {answer} is not equivalent to the expected expression")
    print(f"Correct: {name} = {sp.simplify(answer)}")
