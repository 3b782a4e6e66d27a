"""mcgrad.exercises: the checkers print one line and return True or False; authors'
mistakes (bad tolerances, unknown ids, ids registered twice) raise."""

import pytest
import sympy as sp

from mcgrad import exercises


def last_line(capsys) -> str:
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_check_value(capsys):
    assert exercises.check_value(4.0000000001, 4.0, name="gradient") is True
    assert last_line(capsys) == "Correct: gradient = 4"
    assert exercises.check_value(4.1, 4.0, name="gradient") is False
    assert last_line(capsys).startswith("Not right yet: gradient = 4.1")
    assert exercises.check_value("4", 4.0, name="gradient") is True  # a string SymPy reads
    capsys.readouterr()
    assert exercises.check_value([4.0], 4.0) is False
    assert last_line(capsys).startswith("Can't read this answer: [4.0] (a list) holds several")
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        exercises.check_value(4.0, 4.0, rtol=-1.0)


def test_check_within(capsys):
    assert exercises.check_within(4.2, 4.0, 0.5, name="estimate") is True
    assert "within 0.5" in last_line(capsys)
    assert exercises.check_within(4.2, 4.0, 0.1, name="estimate") is False
    assert "further than 0.1" in last_line(capsys)
    with pytest.raises(ValueError, match="tolerance must be > 0"):
        exercises.check_within(4.0, 4.0, 0.0)
    assert exercises.check_within(float("nan"), 4.0, 1.0, name="estimate") is False
    assert last_line(capsys).startswith("Can't read this answer: nan (a float) is not a number")


def test_check_formula(capsys):
    theta, sigma = sp.symbols("theta sigma", positive=True)
    assert exercises.check_formula((theta + sigma) ** 2 - 2 * theta * sigma,
                                   theta**2 + sigma**2) is True
    assert last_line(capsys).startswith("Correct")
    assert exercises.check_formula(theta**2, theta**2 + sigma**2) is False
    assert "is not equivalent" in last_line(capsys)
    assert exercises.check_formula("theta**2 + sigma**2", theta**2 + sigma**2) is True
    capsys.readouterr()


def test_check_registry(capsys):
    from mcgrad.exercises import exercise

    @exercise("98.1", "value", rtol=1e-9, hint="differentiate twice")
    def _():
        return 2.0

    assert exercises.check("98.1", None) is False
    assert last_line(capsys) == exercises.NOT_ANSWERED
    assert exercises.check("98.1", 2.0) is True
    assert last_line(capsys) == "Correct."
    assert exercises.check("98.1", 2.5) is False
    line = last_line(capsys)
    assert line == "Not right yet: differentiate twice." and "2.0" not in line
    assert exercises.check("98.1", 2.0000001) is False
    assert last_line(capsys).startswith("Close: ")
    with pytest.raises(ValueError, match="there is no exercise '98.2'"):
        exercises.check("98.2", 1.0)
    with pytest.raises(ValueError, match="must look like 'NN.k'"):
        exercises.check("nine", 1.0)
    assert exercises.check("98.1", "2") is True
    capsys.readouterr()
    with pytest.raises(ValueError, match="registered twice"):
        exercise("98.1", "value")(lambda: 1.0)


def test_a_checker_that_fails_on_its_data_says_so(capsys):
    from mcgrad.exercises import exercise

    @exercise("98.2", "within", hint="average")
    def _(n: int = 10):
        return 1.0, 5.0 / n

    assert exercises.check("98.2", 1.1, n=10) is True
    capsys.readouterr()
    assert exercises.check("98.2", 1.1, m=10) is False
    assert last_line(capsys) == "Can't check: this exercise takes n=, not m=."
