"""Known answers for mcgrad.objectives, checked against Gauss-Hermite quadrature."""

import math

import numpy as np
import pytest
import sympy as sp

from mcgrad import objectives as ob

# Probabilists' Gauss-Hermite nodes: E[g(eps)] = sum(w * g(nodes)) / sqrt(2 pi), exact
# for polynomials of degree < 2*80; used as an independent check of the exact formulas.
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
WEIGHTS = WEIGHTS / math.sqrt(2 * math.pi)

SMOOTH = [ob.Constant(3.0), ob.Linear(-2.5), ob.Square(), ob.ShiftedSquare(1.5)]
PARAMS = [(0.0, 1.0), (2.0, 1.0), (-1.3, 0.5), (0.7, 2.5)]


def quad(g, theta, sigma):
    return float(np.sum(WEIGHTS * g(theta + sigma * NODES)))


@pytest.mark.parametrize("f", SMOOTH, ids=repr)
@pytest.mark.parametrize("theta,sigma", PARAMS)
def test_expectation_matches_quadrature(f, theta, sigma):
    assert f.expectation(theta, sigma) == pytest.approx(quad(f.value, theta, sigma), abs=1e-10)


@pytest.mark.parametrize("f", SMOOTH, ids=repr)
@pytest.mark.parametrize("theta,sigma", PARAMS)
def test_gradients_match_finite_differences(f, theta, sigma):
    h = 1e-5
    d_theta = (f.expectation(theta + h, sigma) - f.expectation(theta - h, sigma)) / (2 * h)
    d_sigma = (f.expectation(theta, sigma + h) - f.expectation(theta, sigma - h)) / (2 * h)
    assert f.gradient(theta, sigma) == pytest.approx(d_theta, abs=1e-6)
    assert f.gradient_sigma(theta, sigma) == pytest.approx(d_sigma, abs=1e-6)


@pytest.mark.parametrize("f", SMOOTH, ids=repr)
def test_derivative_matches_finite_differences(f):
    x = np.linspace(-3, 3, 13)
    h = 1e-6
    numeric = (f.value(x + h) - f.value(x - h)) / (2 * h)
    np.testing.assert_allclose(f.derivative(x), numeric, atol=1e-6)


@pytest.mark.parametrize("f", SMOOTH + [ob.Step()], ids=repr)
def test_symbolic_agrees_with_value(f):
    x = sp.Symbol("x", real=True)
    g = sp.lambdify(x, f.symbolic(x), "numpy")
    pts = np.array([-2.0, -0.5, 0.3, 1.7])
    np.testing.assert_allclose(np.broadcast_to(g(pts), pts.shape), f.value(pts))


def test_square_known_answers():
    f = ob.Square()
    assert f.expectation(2.0) == 5.0  # theta^2 + 1
    assert f.gradient(2.0) == 4.0  # 2 theta
    assert f.expectation(2.0, 3.0) == 13.0
    assert f.gradient_sigma(2.0, 3.0) == 6.0
    np.testing.assert_array_equal(f.value(np.array([-2.0, 3.0])), [4.0, 9.0])
    np.testing.assert_array_equal(f.derivative(np.array([-2.0, 3.0])), [-4.0, 6.0])


def test_step_known_answers():
    f = ob.Step()
    assert f.expectation(0.0) == pytest.approx(0.5)
    assert f.gradient(0.0) == pytest.approx(1 / math.sqrt(2 * math.pi))
    assert f.gradient(1.0, 2.0) == pytest.approx(math.exp(-0.125) / (2 * math.sqrt(2 * math.pi)))
    # E[f] = Phi(theta/sigma): finite differences of the exact expectation
    h = 1e-6
    assert f.gradient(0.4, 0.8) == pytest.approx(
        (f.expectation(0.4 + h, 0.8) - f.expectation(0.4 - h, 0.8)) / (2 * h), rel=1e-6)
    assert f.gradient_sigma(0.4, 0.8) == pytest.approx(
        (f.expectation(0.4, 0.8 + h) - f.expectation(0.4, 0.8 - h)) / (2 * h), rel=1e-6)
    assert not f.differentiable
    with pytest.raises(TypeError, match="no derivative"):
        f.derivative(np.zeros(3))


def test_value_keeps_shape_and_float32():
    x = np.zeros((3, 4), dtype=np.float32)
    for f in SMOOTH + [ob.Step()]:
        assert f.value(x).shape == (3, 4)
        assert f.value(x).dtype == np.float32


@pytest.mark.parametrize("theta,sigma,exc,match", [
    (float("nan"), 1.0, ValueError, "theta must be finite"),
    (float("inf"), 1.0, ValueError, "theta must be finite"),
    (1.0, 0.0, ValueError, "sigma must be > 0"),
    (1.0, -1.0, ValueError, "sigma must be > 0"),
    (1.0, float("nan"), ValueError, "sigma must be finite"),
    (True, 1.0, TypeError, "theta must be a real number"),
    ("2", 1.0, TypeError, "theta must be a real number"),
    (1.0, None, TypeError, "sigma must be a real number"),
])
def test_bad_parameters(theta, sigma, exc, match):
    with pytest.raises(exc, match=match):
        ob.Square().expectation(theta, sigma)
    with pytest.raises(exc, match=match):
        ob.Step().gradient(theta, sigma)


def test_bad_construction_and_values():
    with pytest.raises(TypeError, match="k must be a real number"):
        ob.ShiftedSquare("1")
    with pytest.raises(ValueError, match="c must be finite"):
        ob.Constant(float("inf"))
    with pytest.raises(TypeError, match="x must be real numbers"):
        ob.Square().value(np.array(["a"]))
