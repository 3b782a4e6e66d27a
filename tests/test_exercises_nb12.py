"""Notebook 12's answer checkers agree with closed forms, and mcgrad never imports JAX."""

import math
import subprocess
import sys

import pytest

from mcgrad import exercises
from mcgrad.exercises import _REGISTRY


def test_nb12_expected_values_match_closed_forms():
    exercises.registered("12")
    # Bug 2 with f = x^3: E[3x^2 log p] with x = theta + sigma eps, log p = -eps^2/2 - c,
    # c = log sigma + log(2 pi)/2:  -3/2 E[x^2 eps^2] - 3c E[x^2]
    # = -3/2 (theta^2 + 3 sigma^2) - 3c (theta^2 + sigma^2); at theta = 1, sigma = 2.
    c = math.log(2) + math.log(2 * math.pi) / 2
    assert _REGISTRY["12.1"].expected() == pytest.approx(-1.5 * 13 - 3 * c * 5, rel=1e-12)
    # d/dsigma E[x^2] = 2 sigma = 2; one term f(x)(eps^2 - 1)/sigma has variance
    # E[x^4 (eps^2-1)^2] - 4 = 32 + 240 + 78 - 4 at theta = 2, sigma = 1
    # (expand x^4 = (2 + eps)^4 and use E[eps^2k] = 1, 3, 15, 105).
    mean, tol = _REGISTRY["12.2"].expected(n=4000)
    assert mean == pytest.approx(2.0, rel=1e-12)
    assert tol == pytest.approx(5 * math.sqrt((350 - 4) / 4000), rel=1e-9)
    assert _REGISTRY["12.3"].expected() == "close to the gradient"


def test_nb12_checker_answers_bad_input_with_one_line(capsys):
    assert exercises.check("12.2", 2.0, n=0) is False
    assert capsys.readouterr().out.startswith("Can't check: n must be a whole number")
    assert exercises.check("12.3", "nothing") is False
    assert capsys.readouterr().out.startswith("Can't read this answer: 'nothing' is not one")


def test_importing_mcgrad_does_not_import_jax():
    code = "import sys, mcgrad; print('jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
