"""mcgrad.exercises: checkers pass right answers, fail wrong ones loudly, reject bad input."""

import pytest
import sympy as sp

from mcgrad import exercises


def test_check_value(capsys):
    exercises.check_value(4.0000000001, 4.0, name="gradient")
    assert "Correct: gradient = 4" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="gradient = 4.1 is not right yet"):
        exercises.check_value(4.1, 4.0, name="gradient")
    with pytest.raises(TypeError, match="gradient must be a real number"):
        exercises.check_value("4", 4.0, name="gradient")
    with pytest.raises(ValueError, match="rtol and atol must be >= 0"):
        exercises.check_value(4.0, 4.0, rtol=-1.0)


def test_check_within(capsys):
    exercises.check_within(4.2, 4.0, 0.5, name="estimate")
    assert "within 0.5" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="further than 0.1"):
        exercises.check_within(4.2, 4.0, 0.1, name="estimate")
    with pytest.raises(ValueError, match="tolerance must be > 0"):
        exercises.check_within(4.0, 4.0, 0.0)
    with pytest.raises(ValueError, match="estimate must be finite"):
        exercises.check_within(float("nan"), 4.0, 1.0, name="estimate")


def test_check_formula(capsys):
    theta, sigma = sp.symbols("theta sigma", positive=True)
    exercises.check_formula((theta + sigma) ** 2 - 2 * theta * sigma, theta**2 + sigma**2)
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="is not equivalent"):
        exercises.check_formula(theta**2, theta**2 + sigma**2)
    with pytest.raises(TypeError, match="answer must be a SymPy expression"):
        exercises.check_formula("theta**2", theta**2)


def test_check_registry(capsys):
    from mcgrad.exercises import exercise

    @exercise("98.1", "value", rtol=1e-9, hint="differentiate twice")
    def _():
        return 2.0

    exercises.check("98.1", None)
    assert capsys.readouterr().out.strip() == exercises.NOT_ANSWERED
    exercises.check("98.1", 2.0)
    assert capsys.readouterr().out.strip() == "Correct."
    with pytest.raises(AssertionError, match="differentiate twice") as info:
        exercises.check("98.1", 2.5)
    assert "2.0" not in str(info.value)
    with pytest.raises(ValueError, match="there is no exercise '98.2'"):
        exercises.check("98.2", 1.0)
    with pytest.raises(ValueError, match="must look like 'NN.k'"):
        exercises.check("nine", 1.0)
    with pytest.raises(TypeError, match="answer must be a real number"):
        exercises.check("98.1", "2")
    with pytest.raises(ValueError, match="registered twice"):
        exercise("98.1", "value")(lambda: 1.0)
