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
``formula``  a SymPy expression (or a string SymPy parses), compared by symbol
             name with ``simplify(a - b) == 0``;
``choice``   one of a few strings (for "predict, then run" questions).
"""

from __future__ import annotations

import importlib
import math
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcgrad.exercises import _read

NOT_ANSWERED = "Not answered yet: replace None with your answer and run this cell again."
CORRECT = "Correct."
KINDS = ("value", "within", "formula", "choice")
MAX_COUNT = 10**12  # the largest n, N or runs a Monte Carlo exercise accepts
_ID = re.compile(r"(\d\d)\.(\d+)")


@dataclass(frozen=True)
class Exercise:
    """One registered exercise: its id, kind, expected-value function and options."""

    id: str
    kind: str
    expected: Callable[..., Any]
    rtol: float = 5e-6
    atol: float = 1e-9
    options: tuple[str, ...] = ()
    hint: str = "look again at the derivation"


_REGISTRY: dict[str, Exercise] = {}


def exercise(id: str, kind: str, *, rtol: float = 5e-6, atol: float = 1e-9,
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


def _precision(ex: Exercise, expected: float) -> str:
    """The precision a 'value' exercise asks for, in words."""
    if ex.rtol == 0 and ex.atol == 0:
        return "the exact whole number" if float(expected).is_integer() else "the exact value"
    parts = []
    if ex.rtol > 0:
        parts.append(f"{_figures(ex.rtol)} significant figures (a relative error of at most "
                     f"{ex.rtol:g})")
    if ex.atol > 0 and (ex.rtol == 0 or ex.atol > ex.rtol * abs(expected)):
        parts.append(f"an absolute error of at most {ex.atol:g}")
    return " or ".join(parts)


def _figures(rtol: float) -> int:
    """Significant figures whose rounding error stays within ``rtol``: 0.5 * 10^(1 - n)."""
    return max(1, math.floor(1 - math.log10(2 * rtol) + 1e-9))


def _say(line: str, ok: bool) -> bool:
    print(line)
    return ok


def _call_expected(ex: Exercise, data: dict[str, Any]) -> Any:
    """``ex.expected(**data)``; a keyword the exercise does not take raises _CannotCheck."""
    import inspect

    for key in ("n", "N", "runs"):
        if key in data:
            value = data[key]
            whole = (isinstance(value, numbers.Integral) and not isinstance(value, bool)) or (
                isinstance(value, float) and value.is_integer())
            if not whole or not 1 <= value <= MAX_COUNT:
                raise _CannotCheck(f"{key} must be a whole number from 1 to {MAX_COUNT:.0e} "
                                   f"(how many draws or runs you used), got {_read.describe(value)}")
            data[key] = int(value)
    params = inspect.signature(ex.expected).parameters
    for key in ("n", "N", "runs"):
        stated = params[key].default if key in params else inspect.Parameter.empty
        if key in data and stated is not inspect.Parameter.empty and data[key] < stated:
            raise _CannotCheck(f"this exercise asks for {key} = {stated} (you passed {key}="
                               f"{data[key]}); use at least that many, and pass the number "
                               "you used")
    takes = [n for n, p in params.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for key in data:
        if key not in takes:
            allowed = ", ".join(f"{n}=" for n in takes) or "no keyword arguments"
            raise _CannotCheck(f"this exercise takes {allowed}, not {key}=")
    missing = [n for n in takes if params[n].default is inspect.Parameter.empty
               and n not in data]
    if missing:
        raise _CannotCheck(f"give {', '.join(n + '=' for n in missing)} as well "
                           f"(e.g. exercises.check({ex.id!r}, answer, {missing[0]}=...))")
    try:
        key = (ex.id, tuple(sorted(data.items())))
        hash(key)
    except TypeError:  # unhashable data (an array of draws): compute afresh
        key = None
    if key is not None and key in _EXPECTED:
        return _EXPECTED[key]
    try:
        value = ex.expected(**data)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise _CannotCheck(str(exc)) from None
    if key is not None:
        _EXPECTED[key] = value
    return value


_EXPECTED: dict[tuple, Any] = {}  # expected values already computed, by id and data


class _CannotCheck(Exception):
    """The data passed with an answer (such as n=) are not valid; the message says why."""


def check(exercise: str, answer: object, **data: Any) -> bool:
    """Check ``answer`` to ``exercise`` ('NN.k'); print one line and return True or False.

    The line begins with one of: "Correct." (True), "Not answered yet" (``None``),
    "Not right yet: <hint>", "Close: <precision>", "Can't read this answer: <why>" or
    "Can't check: <argument> ...".  ``data`` (keyword arguments such as ``n=``, the
    sample size of a Monte Carlo estimate) are passed to the registered
    expected-value function and validated there.  Nothing a student can type makes
    it raise; an unknown exercise id is an author's mistake and raises ValueError.
    """
    ex = _lookup(exercise)
    if answer is None:
        return _say(NOT_ANSWERED, False)
    try:
        expected = _call_expected(ex, data)
    except _CannotCheck as exc:
        return _say(f"Can't check: {str(exc).rstrip('.')}.", False)
    try:
        if ex.kind == "value":
            return _check_value(ex, _read.number(answer), float(expected))
        if ex.kind == "within":
            exact, tolerance = expected
            return _check_within(ex, _read.number(answer), float(exact), float(tolerance))
        if ex.kind == "formula":
            return _check_formula(ex, answer, expected)
        return _check_choice(ex, _read.choice(answer, ex.options), expected)
    except _read.Unreadable as exc:
        return _say(f"Can't read this answer: {exc}.", False)


def _check_value(ex: Exercise, value: float, expected: float) -> bool:
    if math.isclose(value, expected, rel_tol=ex.rtol, abs_tol=ex.atol):
        return _say(CORRECT, True)
    scale = max(abs(expected), ex.atol, 1e-300)
    if ex.rtol == 0 and ex.atol == 0 and float(expected).is_integer():
        if abs(value - expected) < 1 and not value.is_integer():
            return _say("Not right yet: the answer is a whole number; give the one the "
                        "exercise asks for, not a value between two of them.", False)
    elif abs(value - expected) <= 1e-2 * scale:
        return _say(f"Close: {value:.6g} is near the answer but not within the precision this "
                    f"exercise asks for, {_precision(ex, expected)}; keep all digits (compute "
                    "it rather than copy a rounded value).", False)
    return _say(f"Not right yet: {ex.hint}.", False)


def _check_within(ex: Exercise, value: float, exact: float, tolerance: float) -> bool:
    if abs(value - exact) <= 1e-12 * max(1.0, abs(exact)) < tolerance:
        # A Monte Carlo estimate lands this close to the exact value with probability
        # of order 1e-12 / (standard error): this is the exact value, typed or computed.
        return _say("Not right yet: that is the exact value; the exercise asks for a Monte "
                    "Carlo estimate from your draws.", False)
    if abs(value - exact) <= tolerance:
        return _say(CORRECT, True)
    return _say(f"Not right yet: {ex.hint}.", False)


def _check_formula(ex: Exercise, answer: object, expected: object) -> bool:
    import sympy as sp

    expected = sp.sympify(expected)
    symbols = {s.name: s for s in expected.free_symbols}
    symbols.update({alias: symbols[name] for alias, name in _read.ALIASES.items()
                    if name in symbols and alias not in symbols})
    expr = _read.formula(answer, symbols)
    if sp.count_ops(expr) > 2000:
        raise _read.Unreadable("the expression is too long to compare (more than 2000 "
                               "operations); simplify it first")
    if _same_formula(expr, expected):
        return _say(CORRECT, True)
    extra = sorted(s.name for s in expr.free_symbols if s.name not in symbols)
    if extra:
        names = ", ".join(sorted(symbols)) or "no symbols"
        return _say(f"Not right yet: the answer is written in {names}, and yours also has "
                    f"{', '.join(extra)}; {ex.hint}.", False)
    return _say(f"Not right yet: {ex.hint}.", False)


def _same_formula(a: Any, b: Any) -> bool:
    """simplify(a - b) == 0, or equality at three generic points where SymPy cannot tell."""
    import sympy as sp

    diff = a - b
    try:
        if sp.simplify(diff) == 0:
            return True
    except Exception:  # SymPy gives up on some expressions; the numeric test decides
        pass
    names = sorted(diff.free_symbols, key=lambda s: s.name)
    for point in (0.7316, 1.2941, 2.0373):
        values = {s: point * (1 + 0.173 * i) for i, s in enumerate(names)}
        try:
            d = complex(sp.N(diff.subs(values), 30))
            scale = abs(complex(sp.N(b.subs(values), 30))) + 1.0
        except (TypeError, ValueError):
            return False
        if not abs(d) <= 1e-9 * scale:
            return False
    return True


def _check_choice(ex: Exercise, option: str, expected: str) -> bool:
    if option == expected:
        return _say(CORRECT, True)
    return _say(f"Not right yet: {ex.hint}.", False)


def reveal(exercise: str, answer: object) -> None:
    """Print a worked solution's answer (used in the solutions twins, never in a lesson).

    Numbers are printed to the precision the exercise asks for (Monte Carlo
    estimates to four significant figures), formulas and choices as they are.
    """
    ex = _lookup(exercise)
    try:
        text = _revealed(ex, answer)
    except _read.Unreadable as exc:
        raise ValueError(f"answer cannot be revealed: {exc}") from None
    print(f"answer = {text}")


def _revealed(ex: Exercise, answer: object) -> str:
    if ex.kind in ("value", "within"):
        value = _read.number(answer)
        digits = 4 if ex.kind == "within" else (max(6, _figures(ex.rtol)) if ex.rtol else 6)
        text = f"{value:.{digits}g}" if not float(value).is_integer() else f"{value:.0f}"
    elif ex.kind == "formula":
        import sympy as sp

        text = str(sp.simplify(_read.formula(answer, {})))
    else:
        text = repr(_read.choice(answer, ex.options))
    return text


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


# Checkers against a value given by the caller, for uses outside the registry.  They
# follow check()'s contract (one line, True or False, nothing raised for an answer),
# but print the value, so notebooks use check() instead.


def check_value(answer: object, expected: float, *, rtol: float = 1e-6,
                atol: float = 1e-9, name: str = "answer") -> bool:
    """Check a number: |answer - expected| <= max(rtol*|expected|, atol); print one line."""
    from mcgrad import _checks

    _checks.text("name", name)
    expected = _checks.real_scalar("expected", expected)
    for arg, tol in (("rtol", rtol), ("atol", atol)):
        if _checks.real_scalar(arg, tol) < 0:
            raise ValueError(f"{arg} must be >= 0, got {tol!r}")
    try:
        value = _read.number(answer)
    except _read.Unreadable as exc:
        return _say(f"Can't read this answer: {exc}.", False)
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return _say(f"Correct: {name} = {value:.6g}", True)
    return _say(f"Not right yet: {name} = {value:.6g}; look again at the derivation.", False)


def check_within(answer: object, expected: float, tolerance: float, *,
                 name: str = "answer") -> bool:
    """Check a Monte Carlo estimate: |answer - expected| <= tolerance (e.g. 5 standard errors)."""
    from mcgrad import _checks

    _checks.text("name", name)
    expected = _checks.real_scalar("expected", expected)
    tolerance = _checks.positive_scalar("tolerance", tolerance)
    try:
        value = _read.number(answer)
    except _read.Unreadable as exc:
        return _say(f"Can't read this answer: {exc}.", False)
    if abs(value - expected) <= tolerance:
        return _say(f"Correct: {name} = {value:.6g} is within {tolerance:.3g} of the exact "
                    "value", True)
    return _say(f"Not right yet: {name} = {value:.6g} is further than {tolerance:.3g} from "
                "the exact value.", False)


def check_formula(answer: object, expected: object, *, name: str = "formula") -> bool:
    """Check that two formulas are the same (by symbol name); print one line."""
    import sympy as sp

    from mcgrad import _checks

    _checks.text("name", name)
    expected = _checks.expression("expected", expected)
    try:
        expr = _read.formula(answer, {s.name: s for s in expected.free_symbols})
    except _read.Unreadable as exc:
        return _say(f"Can't read this answer: {exc}.", False)
    if _same_formula(expr, expected):
        return _say(f"Correct: {name} = {sp.simplify(expr)}", True)
    return _say(f"Not right yet: {name} {expr} is not equivalent to the expected expression.",
                False)
