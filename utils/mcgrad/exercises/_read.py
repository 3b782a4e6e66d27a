"""Reading a student's answer: every reasonable form of a number, a formula or a choice.

Each reader returns the answer in one canonical form or raises :class:`Unreadable`
with a sentence that says what was given and which forms are accepted.  Nothing
here raises anything else for a value a student can type: the checker turns
:class:`Unreadable` into its "Can't read this answer: ..." line.
"""

from __future__ import annotations

import decimal
import fractions
import math
import numbers
import re
from typing import Any

NUMBER_FORMS = "a number such as 4.25, sp.sqrt(2)/2 or '297/4'"
FORMULA_FORMS = "a SymPy expression or a string such as 'theta**2 + sigma**2'"
MAX_TEXT = 300  # characters in a string answer
MAX_EXPONENT = 1000  # the largest integer power a string or expression answer may hold
# Names the notebooks give SymPy symbols in code, and the symbol each stands for: a
# formula typed with them (in a string, or with the student's own Symbol('th')) is read
# in the exercise's symbols.
ALIASES = {"th": "theta", "theta_": "theta", "sig": "sigma", "sg": "sigma", "sigma_": "sigma", "k_s": "k", "q_s": "q", "eta_": "eta",
           "N_": "N", "n_": "N"}
_FUNCTIONS = {"ceil": "ceiling", "ln": "log"}  # names students type for SymPy's functions
_TEXT = re.compile(r"[0-9A-Za-z_+\-*/^().,\s]*")


class Unreadable(Exception):
    """The answer is not in a form the exercise can read; the message says why."""


def describe(value: object) -> str:
    """A short description of what was given: its type and, if short, its value."""
    kind = type(value).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    try:
        text = repr(value)
    except Exception:  # a repr that fails says nothing useful
        return f"{article} {kind}"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({article} {kind})"


def _sympy_number(expr: Any) -> float:
    """The value of a SymPy expression without free symbols, as a finite real float."""
    import sympy as sp

    if isinstance(expr, (sp.Eq, sp.Rel)):
        raise Unreadable(f"{describe(expr)} is an equation or inequality; give only the value "
                         "(for an Eq, its right-hand side: eq.rhs)")
    if isinstance(expr, sp.MatrixBase):
        raise Unreadable(f"{describe(expr)} is a matrix; give a single number")
    if not isinstance(expr, sp.Expr):
        raise Unreadable(f"{describe(expr)} is not a number")
    if expr.free_symbols:
        names = ", ".join(sorted(s.name for s in expr.free_symbols))
        raise Unreadable(f"the expression {expr} still contains the symbol(s) {names}; "
                         "substitute the values the exercise gives (expr.subs(...))")
    _guard_powers(expr)
    value = sp.N(expr, 30)
    re_part, im_part = value.as_real_imag()
    if not (re_part.is_number and im_part.is_number):
        raise Unreadable(f"{describe(expr)} does not evaluate to a number")
    if im_part != 0 and abs(float(im_part)) > 1e-25 * max(1.0, abs(float(re_part))):
        raise Unreadable(f"{expr} is a complex number ({value}); the answer is real")
    if re_part.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise Unreadable(f"{expr} is not finite; the answer is a finite number")
    return float(re_part)


def _guard_powers(expr: Any) -> None:
    """Refuse integer powers so large that evaluating them could hang or exhaust memory."""
    import sympy as sp

    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Pow) or node.exp.free_symbols:
            continue
        try:
            size = abs(complex(sp.N(node.exp, 15)))
        except (TypeError, ValueError):
            continue  # not a plain number; evaluation decides what it is
        if size > MAX_EXPONENT:
            raise Unreadable(f"a power with exponent {sp.N(node.exp, 3)} is too large to "
                             f"evaluate (exponents up to {MAX_EXPONENT} are read)")


def parse_text(text: str, symbols: dict[str, Any] | None = None) -> Any:
    """Parse a string with SymPy: numbers, + - * / ^ **, parentheses, functions and names."""
    import sympy as sp
    from sympy.parsing.sympy_parser import (convert_xor, parse_expr,
                                            standard_transformations)

    stripped = text.strip()
    if not stripped:
        raise Unreadable("the answer is an empty string; type a value such as '297/4'")
    if len(stripped) > MAX_TEXT:
        raise Unreadable(f"the string has {len(stripped)} characters; at most {MAX_TEXT} are read")
    if not _TEXT.fullmatch(stripped):
        raise Unreadable(f"the string {stripped!r} has characters that are not part of a "
                         "formula (letters, digits, + - * / ^ ( ) . , and spaces are read)")
    local = dict(symbols or {})
    for name, sympy_name in _FUNCTIONS.items():
        local.setdefault(name, getattr(sp, sympy_name))
    if re.fullmatch(r"-?\d+,\d+", stripped):
        raise Unreadable(f"{stripped!r} uses a decimal comma; write a point: "
                         f"{stripped.replace(',', '.')!r}")
    if re.fullmatch(r"[A-Za-z_]\w*", stripped) and stripped not in local \
            and stripped not in ("pi", "E", "oo"):
        raise Unreadable(f"{stripped!r} is a name in quotes; to give the value of a variable, "
                         f"write it without quotes (answer = {stripped})")
    try:
        expr = parse_expr(stripped, local_dict=local, evaluate=False,
                          transformations=standard_transformations + (convert_xor,))
    except Exception:  # SyntaxError, TokenError, TypeError...: all mean "does not parse"
        raise Unreadable(f"the string {stripped!r} does not read as a number or formula "
                         "(write e.g. '297/4', 'sqrt(2)/2' or 'theta**2 + 1')") from None
    if not isinstance(expr, sp.Basic):
        raise Unreadable(f"the string {stripped!r} does not read as a number or formula")
    _guard_powers(expr)
    try:
        return expr.doit()
    except Exception:
        raise Unreadable(f"the string {stripped!r} could not be evaluated") from None


def _array_item(value: Any) -> Any:
    """The single element of a 0-d numpy/jax/torch array, or Unreadable."""
    shape = getattr(value, "shape", None)
    if shape is None or not hasattr(value, "__array__"):
        return value
    if tuple(shape) != ():
        raise Unreadable(f"{describe(value)} is an array of shape {tuple(shape)}; give a single "
                         "number (e.g. float(x.mean()) or x[0])")
    import numpy as np

    try:
        return np.asarray(value).item()
    except Exception:
        raise Unreadable(f"{describe(value)} could not be read as a number") from None


def number(value: Any) -> float:
    """Return ``value`` as a finite float, whatever reasonable form it has."""
    import numpy as np

    if isinstance(value, (bool, np.bool_)):
        raise Unreadable(f"{value!r} is a truth value, not a number; give a number such as 4.25")
    value = _array_item(value)
    if isinstance(value, (bool, np.bool_)):
        raise Unreadable(f"{value!r} is a truth value, not a number")
    if isinstance(value, str):
        return _sympy_number(parse_text(value))
    try:
        import sympy as sp

        if isinstance(value, sp.Basic):
            return _sympy_number(value)
    except ImportError:  # pragma: no cover - sympy is a dependency
        pass
    if isinstance(value, (numbers.Real, decimal.Decimal, fractions.Fraction)):
        try:
            out = float(value)
        except (OverflowError, ValueError, decimal.InvalidOperation):
            out = math.inf if value > 0 else -math.inf
        if math.isnan(out):
            raise Unreadable(f"{describe(value)} is not a number (NaN); check the computation "
                             "that produced it")
        if math.isinf(out):
            raise Unreadable(f"{describe(value)} is infinite or too large for a float; the "
                             "answer is a finite number")
        return out
    if isinstance(value, numbers.Complex):
        raise Unreadable(f"{describe(value)} is a complex number; the answer is real")
    if isinstance(value, (list, tuple, set, dict)):
        raise Unreadable(f"{describe(value)} holds several values; give a single number")
    if callable(value):
        raise Unreadable(f"{describe(value)} is a function; call it and give its value")
    raise Unreadable(f"{describe(value)} is not a number; give {NUMBER_FORMS}")


def formula(value: Any, symbols: dict[str, Any]) -> Any:
    """Return ``value`` as a SymPy expression whose symbols are ``symbols`` (by name).

    A student's own ``sp.Symbol('k')`` is replaced by the exercise's symbol named
    ``k``, whatever the assumptions of either, so a formula is compared by its
    symbols' names.
    """
    import numpy as np
    import sympy as sp

    if isinstance(value, (bool, np.bool_)):
        raise Unreadable(f"{value!r} is a truth value; give a formula ({FORMULA_FORMS})")
    value = _array_item(value)
    if isinstance(value, str):
        expr = parse_text(value, symbols)
    elif isinstance(value, sp.Basic):
        expr = value
    elif isinstance(value, (numbers.Number, decimal.Decimal)):
        expr = sp.Float(number(value)) if not isinstance(value, numbers.Rational) \
            else sp.Rational(value.numerator, value.denominator)
    elif callable(value):
        raise Unreadable(f"{describe(value)} is a function; give the formula itself "
                         f"({FORMULA_FORMS})")
    else:
        raise Unreadable(f"{describe(value)} is not a formula; give {FORMULA_FORMS}")
    if isinstance(expr, (sp.Eq, sp.Rel)):
        raise Unreadable(f"{expr} is an equation; give only the expression (eq.rhs)")
    if isinstance(expr, sp.MatrixBase):
        raise Unreadable(f"{describe(expr)} is a matrix; give a single expression")
    if not isinstance(expr, sp.Expr):
        raise Unreadable(f"{describe(expr)} is not an expression")
    if expr.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
        raise Unreadable(f"{expr} is not finite")
    _guard_powers(expr)
    swap = {s: symbols.get(s.name, symbols.get(ALIASES.get(s.name, ""), s))
            for s in expr.free_symbols}
    return expr.xreplace(swap)


def choice(value: Any, options: tuple[str, ...]) -> str:
    """Return the option ``value`` names, ignoring case and surrounding spaces."""
    listed = ", ".join(repr(o) for o in options)
    if not isinstance(value, str):
        raise Unreadable(f"{describe(value)} is not one of the options; give one of the "
                         f"strings {listed}")
    wanted = " ".join(value.split()).casefold()
    for option in options:
        if " ".join(option.split()).casefold() == wanted:
            return option
    shown = re.sub(r" \(an? \w+\)$", "", describe(value))
    raise Unreadable(f"{shown} is not one of the options {listed}")
