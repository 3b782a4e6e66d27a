"""Checkers of notebooks 04-06: right answers pass, near misses and wrong methods fail."""

import math

import pytest
import sympy as sp

from mcgrad import exercises, moments

THETA, SIGMA = moments.THETA, moments.SIGMA
RIGHT = {
    "04.1": (((THETA - 3)**4 + 14 * (THETA - 3)**2 * SIGMA**2 + 15 * SIGMA**4) / SIGMA**2, {}),
    "04.2": ((0.75**4 + 14 * 0.75**2 + 15) / 4, {}),
    "04.3": (math.sqrt(math.sqrt(74) - 7), {}),
    "04.4": (1 / math.sqrt(2 * math.pi) + 0.008, {"N": 100_000}),
    "05.1": (2175.0, {}),
    "05.2": (3.75, {}),
    "05.3": (20001, {}),
    "06.1": (3.75, {}),
    "06.2": (-2.0 + 0.09, {"N": 1000, "runs": 200}),
    "06.3": (22, {}),
}
WRONG = {
    "04.1": ((THETA**4 + 14 * THETA**2 * SIGMA**2 + 15 * SIGMA**4) / SIGMA**2, {}),  # unshifted
    "04.2": (21.75, {}),
    "04.3": (math.sqrt(math.sqrt(74) - 7) * 1.001, {}),
    "04.4": (1 / math.sqrt(2 * math.pi) + 0.01, {"N": 100_000}),  # beyond 5 SE
    "05.1": (2100.0, {}),
    "05.2": (21.75, {}),
    "05.3": (20000, {}),  # forgot the R - 1
    "06.1": (15.0, {}),
    "06.2": (-2.0 + 0.1, {"N": 1000, "runs": 200}),
    "06.3": (21, {}),  # 87/4 rounded down
}


def test_every_exercise_is_covered():
    ids = exercises.registered("04") + exercises.registered("05") + exercises.registered("06")
    assert sorted(ids) == sorted(RIGHT) == sorted(WRONG)


@pytest.mark.parametrize("ex", sorted(RIGHT))
def test_right_answer_passes(ex, capsys):
    answer, data = RIGHT[ex]
    assert exercises.check(ex, answer, **data) is True
    assert capsys.readouterr().out.strip() == exercises.CORRECT


@pytest.mark.parametrize("ex", sorted(WRONG))
def test_wrong_answer_fails_without_the_value(ex, capsys):
    answer, data = WRONG[ex]
    assert exercises.check(ex, answer, **data) is False
    out = capsys.readouterr().out
    assert out.startswith(("Not right yet: ", "Close: ")), out
    assert str(RIGHT[ex][0])[:6] not in out


def test_formula_answer_as_a_string_is_read_by_symbol_name(capsys):
    assert isinstance(RIGHT["04.1"][0], sp.Expr)
    text = "((theta - 3)^4 + 14*(theta - 3)^2*sigma^2 + 15*sigma^4) / sigma^2"
    assert exercises.check("04.1", text) is True
    assert exercises.check("04.1", "theta**2") is False
    assert capsys.readouterr().out.splitlines()[-1].startswith("Not right yet")
