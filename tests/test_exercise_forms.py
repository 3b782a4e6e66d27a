"""The checker as a student meets it, for every registered exercise.

* a right answer is accepted in at least four forms (int/float, numpy scalar or
  0-d array, Fraction or Decimal, a string SymPy parses, SymPy numbers; formulas in
  the student's own symbols; choices in any case and spacing);
* two near misses and one wrong method are refused;
* anything else a student can type gets one line, never an exception;
* bad data (n=0, a misspelt keyword) gets "Can't check: ..." naming the argument.
"""

from __future__ import annotations

import decimal
import fractions
import math

import numpy as np
import pytest
import sympy as sp

from mcgrad import exercises

NOTEBOOKS = [f"{i:02d}" for i in range(100)]
IDS = [k for nb in NOTEBOOKS for k in exercises.registered(nb)]
K_S, Q_S = sp.symbols("k q", positive=True)
# The data each exercise's answer cell passes to check() (as in the notebooks).
DATA = {
    "00.2": {"n": 10_000}, "01.4": {"eps": np.random.default_rng(3).standard_normal(1000)},
    "02.3": {"n": 100_000}, "03.3": {"n": 100_000}, "04.4": {"N": 100_000},
    "06.2": {"N": 1000, "runs": 200}, "09.2": {"n": 50_000}, "09.3": {"k": K_S, "q": Q_S},
    "10.2": {"n": 20_000}, "11.4": {"n": 10_000}, "12.2": {"n": 4000},
}
PREFIXES = ("Correct.", "Not answered yet", "Not right yet: ", "Close: ",
            "Can't read this answer: ", "Can't check: ")
HOSTILE = [float("nan"), float("inf"), -float("inf"), [1.0, 2.0], {}, {"a": 1}, print,
           "3 +* 4", "", "import os", sp.Symbol("zz") + 1, sp.Eq(sp.Symbol("x"), 1),
           sp.Matrix([[1, 2]]), True, 1 + 2j, object(), "10**10**10", 10**400,
           np.array([1.0, 2.0]), sp.nan, sp.zoo, "x" * 400, decimal.Decimal("NaN")]
WRONG_METHOD = {  # a value a plausible wrong route gives
    "00.1": 3.25,  # J(-1.5) instead of its gradient
    "01.2": 1.25,  # J instead of dJ/dtheta
    "02.5": 87.0,  # forgot that the constant multiplies the score
    "04.2": 21.75,  # the ratio at theta = 2
    "05.1": 100 * 87 / 4 / 2,  # halved
    "05.3": 20000,  # forgot the R - 1
    "06.3": 21,  # 87/4 rounded down
    "07.2": 25,  # the last t with E[theta_t] >= 0.01
    "10.1": -72 - 0.5 * math.log(2 * math.pi),  # dropped the Jacobian term
}


def expected(ex_id):
    ex = exercises._REGISTRY[ex_id]
    return ex, ex.expected(**DATA.get(ex_id, {}))


def one_line(capsys) -> str:
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1, f"expected one line, got {out!r}"
    assert lines[0].startswith(PREFIXES), lines[0]
    assert len(lines[0]) <= 320, f"a long line ({len(lines[0])} characters): {lines[0]}"
    return lines[0]


def right_forms(ex_id):
    ex, value = expected(ex_id)
    if ex.kind == "choice":
        return [value, value.upper(), f"  {value}  ", value.title()]
    if ex.kind == "formula":
        expr = sp.sympify(value)
        plain = sp.sympify(str(expr))  # the student's own symbols, no assumptions
        return [expr, str(expr), plain, sp.expand(expr), str(sp.expand(expr)).replace("**", "^")]
    if ex.kind == "within":
        exact, tol = value
        v = float(exact) + 0.4 * float(tol)
    else:
        v = float(value)
    if ex.kind == "value" and float(v).is_integer():
        n = int(v)
        return [n, float(n), str(n), np.int64(n), sp.Integer(n), fractions.Fraction(n)]
    return [v, np.float64(v), np.array(v), decimal.Decimal(repr(v)), fractions.Fraction(v),
            repr(v), sp.Float(v, 30)]


def near_misses(ex_id):
    ex, value = expected(ex_id)
    if ex.kind == "choice":
        return [o for o in ex.options if o != value][:2] or ["neither"]
    if ex.kind == "formula":
        expr = sp.sympify(value)
        return [expr * sp.Rational(101, 100), expr + sp.Rational(1, 10)]
    if ex.kind == "within":
        exact, tol = map(float, value)
        return [exact + 1.2 * tol, exact - 2 * tol]
    v = float(value)
    if v.is_integer() and ex.rtol == 0 and ex.atol == 0:
        return [v + 1, v - 1, v + 0.5]
    step = max(10 * ex.rtol * abs(v), 10 * ex.atol)
    return [v + step, v - 3 * step]


def wrong_method(ex_id):
    ex, value = expected(ex_id)
    if ex_id in WRONG_METHOD:
        return WRONG_METHOD[ex_id]
    if ex.kind == "choice":
        return next(o for o in ex.options if o != value)
    if ex.kind == "formula":
        expr = sp.sympify(value)
        first = sorted(expr.free_symbols, key=lambda s: s.name)[0]
        return expr.subs(first, 2 * first)  # a symbol doubled on the way
    if ex.kind == "within":
        return float(value[0])  # the exact value typed in instead of an estimate
    return -float(value) if float(value) != 0 else 1.0


def test_every_exercise_is_covered():
    assert len(IDS) >= 40
    assert set(DATA) <= set(IDS)


@pytest.mark.parametrize("ex_id", IDS)
def test_right_answer_in_every_form(ex_id, capsys):
    forms = right_forms(ex_id)
    assert len(forms) >= 4
    for form in forms:
        ok = exercises.check(ex_id, form, **DATA.get(ex_id, {}))
        line = one_line(capsys)
        assert ok is True and line == "Correct.", f"{form!r}: {line}"


@pytest.mark.parametrize("ex_id", IDS)
def test_near_misses_and_a_wrong_method_are_refused(ex_id, capsys):
    for answer in near_misses(ex_id) + [wrong_method(ex_id)]:
        ok = exercises.check(ex_id, answer, **DATA.get(ex_id, {}))
        line = one_line(capsys)
        assert ok is False, f"{answer!r} was accepted"
        assert line.startswith(("Not right yet: ", "Close: ", "Can't read this answer: ")), line


@pytest.mark.parametrize("ex_id", IDS)
def test_anything_a_student_types_gets_one_line(ex_id, capsys):
    assert exercises.check(ex_id, None, **DATA.get(ex_id, {})) is False
    assert one_line(capsys).startswith("Not answered yet")
    for answer in HOSTILE:
        ok = exercises.check(ex_id, answer, **DATA.get(ex_id, {}))
        line = one_line(capsys)
        assert ok is False, f"{answer!r} was accepted"
        assert not line.startswith(("Correct.", "Not answered yet")), line


@pytest.mark.parametrize("ex_id", [k for k in IDS if set(DATA.get(k, {})) & {"n", "N", "runs"}])
def test_bad_data_is_named(ex_id, capsys):
    data = DATA[ex_id]
    key = next(k for k in ("n", "N", "runs") if k in data)
    ex, value = expected(ex_id)
    right = float(value[0]) + 0.4 * float(value[1])
    for bad in (0, -5, 1.5, 1e-300, "100", True, None, float("nan"), 10**13):
        assert exercises.check(ex_id, right, **{**data, key: bad}) is False
        line = one_line(capsys)
        assert line.startswith(f"Can't check: {key} must be a whole number"), line
    wrong_key = {"n": "N", "N": "n", "runs": "R"}[key]
    assert exercises.check(ex_id, right, **{**data, wrong_key: 10}) is False
    line = one_line(capsys)
    assert line.startswith("Can't check: this exercise takes") and f"not {wrong_key}=" in line
    assert "expected" not in line and "()" not in line, "internal names leak"


def test_a_missing_keyword_is_asked_for(capsys):
    assert exercises.check("01.4", 4.0) is False
    assert one_line(capsys).startswith("Can't check: give eps= as well")


def test_fewer_draws_than_the_exercise_asks_for_are_refused(capsys):
    exact, tol = exercises._REGISTRY["02.3"].expected(n=100_000)
    assert exercises.check("02.3", 0.0, n=1) is False
    assert one_line(capsys).startswith("Can't check: this exercise asks for n = 100000")
    assert exercises.check("02.3", exact + 0.8 * tol, n=400_000) is False  # tighter tolerance
    assert one_line(capsys).startswith("Not right yet")


def test_names_and_habits_a_student_brings(capsys):
    assert exercises.check("08.1", "3*sig**2 + (th - 1)**2") is True  # the cell's names
    assert exercises.check("07.2", "ceil(log(0.01/3)/log(0.8))") is True
    capsys.readouterr()
    assert exercises.check("02.1", "grad_sigma") is False
    assert "name in quotes" in one_line(capsys)
    assert exercises.check("02.1", "7,5") is False
    assert "decimal comma" in one_line(capsys)
    assert exercises.check("09.3", 1, k="k", q=Q_S) is False
    assert one_line(capsys).startswith("Can't check: k must be the SymPy symbol k_s")


def test_exact_irrationals_and_sympy_results_are_numbers(capsys):
    assert exercises.check("08.3", sp.sqrt(2) / 2) is True
    assert exercises.check("04.3", sp.sqrt(-7 + sp.sqrt(74))) is True
    assert exercises.check("04.3", "sqrt(-7 + sqrt(74))") is True
    assert exercises.check("02.5", sp.Integer(327)) is True
    capsys.readouterr()


def test_formulas_are_compared_by_symbol_name(capsys):
    k = sp.Symbol("k")  # no assumptions, unlike the exercise's own symbol
    assert exercises.check("01.3", k) is True
    theta, sigma = sp.symbols("theta sigma")
    assert exercises.check("01.1", theta**2 + sigma**2) is True
    assert exercises.check("01.1", sp.Symbol("theta", positive=True)**2 + sigma**2) is True
    assert exercises.check("01.1", theta**2 + sp.Symbol("s")**2) is False
    assert "also has s" in capsys.readouterr().out.splitlines()[-1]


def test_precision_is_a_close_call_not_a_wrong_answer(capsys):
    ex, value = expected("02.2")
    assert exercises.check("02.2", float(f"{value:.3g}")) is False
    line = one_line(capsys)
    assert line.startswith("Close: ")
    assert "6 significant figures" in line and f"{value:.6g}" not in line


def test_a_monte_carlo_exercise_refuses_the_exact_value(capsys):
    exact, tol = exercises._REGISTRY["02.3"].expected(n=100_000)
    assert exercises.check("02.3", exact, n=100_000) is False
    assert "exact value" in one_line(capsys)
    assert exercises.check("02.3", exact + tol / 2, n=100_000) is True
    capsys.readouterr()


def test_unknown_ids_are_the_authors_mistake():
    with pytest.raises(ValueError, match="there is no exercise '02.99'"):
        exercises.check("02.99", 1.0)
    with pytest.raises(ValueError, match="must look like 'NN.k'"):
        exercises.check("two", 1.0)
    with pytest.raises(TypeError, match="exercise must be a string"):
        exercises.check(2.1, 1.0)


def test_reveal_prints_the_answer_to_the_checked_precision(capsys):
    exercises.reveal("02.5", 327.0)
    exercises.reveal("04.3", math.sqrt(math.sqrt(74) - 7))
    exercises.reveal("02.3", 2.0123456)
    exercises.reveal("02.4", " LARGER")
    assert capsys.readouterr().out.splitlines() == [
        "answer = 327", "answer = 1.26583", "answer = 2.012", "answer = 'larger'"]
