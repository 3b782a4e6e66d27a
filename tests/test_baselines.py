"""Exact variance formulas of mcgrad.baselines against quadrature and Monte Carlo.

Every SymPy formula is compared with Gauss-Hermite quadrature of the numeric
terms (numpy.polynomial.hermite_e.hermegauss) and with a Monte Carlo variance at
a fixed seed, within 5 standard errors.  The standard error of a sample variance
is sqrt((mu4 - v^2) / n), mu4 the exact fourth central moment (by quadrature).
"""

import math

import numpy as np
import pytest
import sympy as sp

from mcgrad import baselines as bl
from mcgrad import estimators as est
from mcgrad import moments
from mcgrad import objectives as ob

NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
WEIGHTS = WEIGHTS / math.sqrt(2 * math.pi)
N = 200_000
Z = 5.0
EPS = np.random.default_rng(20261127).standard_normal(N)
POINTS = [(0.0, 1.0), (1.0, 1.0), (2.0, 1.0), (-0.7, 1.6)]
OBJECTIVES = [ob.Square(), ob.ShiftedSquare(1.0), bl.Monomial(3), bl.Monomial(4), ob.Linear(2.0)]
T, S = moments.THETA, moments.SIGMA


def quad_stats(terms):
    """Exact mean, variance and 4th central moment of terms evaluated at the nodes."""
    mean = float(WEIGHTS @ terms)
    var = float(WEIGHTS @ (terms - mean) ** 2)
    mu4 = float(WEIGHTS @ (terms - mean) ** 4)
    return mean, var, mu4


def check_mc_variance(terms_mc, var, mu4):
    se = math.sqrt(max(mu4 - var**2, 0.0) / terms_mc.size)
    assert abs(terms_mc.var() - var) <= Z * se + 1e-12, (terms_mc.var(), var, se)


def value(expr, theta, sigma, b=0.0):
    return float(expr.subs({T: theta, S: sigma, bl.B: b}))


@pytest.mark.parametrize("f", OBJECTIVES, ids=repr)
def test_baseline_variance_matches_quadrature_and_monte_carlo(f):
    V = bl.baseline_variance(f)
    assert sp.degree(V, bl.B) == 2  # a parabola in b
    for theta, sigma in POINTS:
        for b in (0.0, -1.5, f.expectation(theta, sigma), value(bl.optimal_baseline(f), theta, sigma)):
            _, var, mu4 = quad_stats(bl.score_function_with_baseline(f, theta, sigma, NODES, b))
            assert value(V, theta, sigma, b) == pytest.approx(var, rel=1e-9, abs=1e-9)
            check_mc_variance(bl.score_function_with_baseline(f, theta, sigma, EPS, b), var, mu4)


@pytest.mark.parametrize("f", OBJECTIVES, ids=repr)
def test_baseline_keeps_the_mean_and_optimum_minimises(f):
    V = bl.baseline_variance(f)
    b_star = bl.optimal_baseline(f)
    assert sp.simplify(sp.diff(V, bl.B).subs(bl.B, b_star)) == 0
    for theta, sigma in POINTS:
        mean, _, _ = quad_stats(bl.score_function_with_baseline(f, theta, sigma, NODES, 3.7))
        assert mean == pytest.approx(f.gradient(theta, sigma), abs=1e-9)
        # b* = E[f s^2] / E[s^2] by quadrature
        s = NODES / sigma
        b_quad = WEIGHTS @ (f.value(theta + sigma * NODES) * s**2) / (WEIGHTS @ s**2)
        assert value(b_star, theta, sigma) == pytest.approx(b_quad, rel=1e-9, abs=1e-9)


def test_known_answers_for_x_squared():
    V, f = bl.baseline_variance(ob.Square()), ob.Square()
    b_star = bl.optimal_baseline(f)
    assert sp.simplify(b_star - (T**2 + 3 * S**2)) == 0
    assert sp.simplify(V.subs(bl.B, 0) - (T**4 / S**2 + 14 * T**2 + 15 * S**2)) == 0
    assert sp.simplify(V.subs(bl.B, b_star) - (8 * T**2 + 6 * S**2)) == 0
    assert sp.simplify(V.subs(bl.B, T**2 + S**2) - (8 * T**2 + 10 * S**2)) == 0
    assert sp.simplify(moments.symbolic_moments("reparameterization", f)[1] - 4 * S**2) == 0


@pytest.mark.parametrize("f", [ob.Square(), ob.ShiftedSquare(-1.0), bl.Monomial(3), bl.Monomial(4),
                               ob.Linear(3.0)], ids=repr)
def test_antithetic_variance(f):
    A = bl.antithetic_variance(f)
    for theta, sigma in POINTS:
        mean, var, mu4 = quad_stats(bl.antithetic(f, theta, sigma, NODES))
        assert mean == pytest.approx(f.gradient(theta, sigma), abs=1e-9)
        assert value(A, theta, sigma) == pytest.approx(var, rel=1e-9, abs=1e-9)
        check_mc_variance(bl.antithetic(f, theta, sigma, EPS), var, mu4)


def test_antithetic_pairs_cancel_for_linear_derivative_only():
    assert bl.antithetic_variance(ob.Square()) == 0
    np.testing.assert_allclose(bl.antithetic(ob.Square(), 1.3, 0.8, EPS[:100]), 2.6)
    assert sp.simplify(bl.antithetic_variance(bl.Monomial(4)) - 288 * T**2 * S**4) == 0
    assert sp.simplify(bl.antithetic_variance(bl.Monomial(3)) - 18 * S**4) == 0


@pytest.mark.parametrize("theta,sigma", POINTS)
def test_control_variate_moments(theta, sigma):
    f = bl.Monomial(4)
    g = moments.per_sample_term("score_function", f)
    h = moments.EPS / moments.SIGMA
    cv = bl.control_variate_moments(g, h)
    assert sp.simplify(cv["c"] - bl.optimal_baseline(f)) == 0  # the baseline is h = score
    assert sp.simplify(cv["var"] - bl.baseline_variance(f).subs(bl.B, cv["c"])) == 0
    assert sp.simplify(cv["var"] - cv["var_g"] * (1 - cv["rho2"])) == 0
    c = value(cv["c"], theta, sigma)
    gq = est.score_function(f, theta, sigma, NODES)
    _, var, mu4 = quad_stats(bl.control_variate(gq, NODES / sigma, c))
    assert value(cv["var"], theta, sigma) == pytest.approx(var, rel=1e-9, abs=1e-9)
    g_mc = est.score_function(f, theta, sigma, EPS)
    check_mc_variance(bl.control_variate(g_mc, EPS / sigma, c), var, mu4)
    cov = WEIGHTS @ ((gq - WEIGHTS @ gq) * NODES / sigma)
    var_g = WEIGHTS @ (gq - WEIGHTS @ gq) ** 2
    var_h = WEIGHTS @ (NODES / sigma) ** 2
    assert value(cv["rho2"], theta, sigma) == pytest.approx(cov**2 / (var_g * var_h), rel=1e-9)


def test_sample_coefficient_known_answer():
    h = EPS[:1000]
    assert bl.sample_coefficient(3 * h + 1, h) == pytest.approx(3.0)
    assert bl.sample_coefficient(-2 * h, h) == pytest.approx(-2.0)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_monomial_objective_exact_values(k):
    f = bl.Monomial(k)
    for theta, sigma in POINTS:
        x = theta + sigma * NODES
        assert f.expectation(theta, sigma) == pytest.approx(WEIGHTS @ x**k)
        for name in ("score_function", "reparameterization"):
            for wrt, target in (("theta", f.gradient), ("sigma", f.gradient_sigma)):
                mean = WEIGHTS @ est.get(name)(f, theta, sigma, NODES, wrt=wrt)
                assert mean == pytest.approx(target(theta, sigma), abs=1e-9)
    assert sp.expand(f.symbolic(moments.X) - moments.X**k) == 0
    np.testing.assert_allclose(f.derivative(NODES), k * NODES ** (k - 1))


def test_running_baseline_update_by_hand():
    f, sigma, decay = ob.Square(), 0.5, 0.75
    rb = bl.RunningBaseline(f, sigma, decay, b0=1.0)
    theta = np.array([1.0, -2.0])
    e0, e1 = EPS[:6].reshape(2, 3), EPS[6:12].reshape(2, 3)
    g0 = rb(theta, e0)
    np.testing.assert_allclose(g0, (((theta[:, None] + sigma * e0) ** 2 - 1.0) * e0).mean(1) / sigma)
    rb(theta, e1)
    b1 = decay * 1.0 + (1 - decay) * ((theta[:, None] + sigma * e0) ** 2).mean(1)
    np.testing.assert_allclose(rb.history, np.stack([np.ones(2), b1], axis=1))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: bl.RunningBaseline(ob.Square(), 1.0, decay=1.0), ValueError, r"decay must be in \[0, 1\)"),
    (lambda: bl.RunningBaseline(ob.Square(), 0.0), ValueError, "sigma must be > 0"),
    (lambda: bl.RunningBaseline("x^2", 1.0), TypeError, "objective must be"),
    (lambda: bl.score_function_with_baseline(ob.Square(), 1.0, 1.0, EPS[:3], float("nan")),
     ValueError, "b must be finite"),
    (lambda: bl.score_function_with_baseline(ob.Square(), 1.0, -1.0, EPS[:3], 0.0), ValueError, "sigma must be > 0"),
    (lambda: bl.score_function_with_baseline(ob.Square(), 1.0, 1.0, [0.1], 0.0), TypeError, "eps must be a numpy"),
    (lambda: bl.antithetic(ob.Step(), 0.0, 1.0, EPS[:3]), TypeError, "no derivative"),
    (lambda: bl.antithetic(ob.Square(), np.inf, 1.0, EPS[:3]), ValueError, "theta must be finite"),
    (lambda: bl.control_variate(EPS[:3], EPS[:4], 1.0), ValueError, "same shape"),
    (lambda: bl.control_variate(EPS[:3], EPS[:3], True), TypeError, "c must be a real number"),
    (lambda: bl.sample_coefficient(EPS[:1], EPS[:1]), ValueError, "length >= 2"),
    (lambda: bl.control_variate_moments(moments.EPS, moments.EPS**2), ValueError, "E\\[h\\] = 0"),
    (lambda: bl.baseline_variance(None), TypeError, "objective must be"),
    (lambda: bl.Monomial(0), ValueError, "k must be >= 1"),
    (lambda: bl.Monomial(2.0), TypeError, "k must be an integer"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
