"""Known answers for mcgrad.quadrature and mcgrad.relaxations (SmoothStep).

Independent checks: mpmath quadrature (shipped with SymPy) for the smoothed step,
and closed forms for the score terms of the step 1[x > 0].
"""

import math

import mpmath as mp
import numpy as np
import pytest

from mcgrad import estimators as est
from mcgrad import objectives as ob
from mcgrad import quadrature as qd
from mcgrad import relaxations as rx


def test_rules_integrate_known_moments():
    eps, w = qd.normal_rule(0.3, 0.7, kink=0.0, width=0.01)
    assert np.sum(w) == pytest.approx(1.0, abs=1e-12)
    assert np.sum(w * eps**2) == pytest.approx(1.0, abs=1e-12)
    assert np.sum(w * (eps > -0.3 / 0.7)) == pytest.approx(ob.Step().expectation(0.3, 0.7), abs=1e-12)
    L, w = qd.logistic_rule(1.2, 0.001)
    assert np.sum(w) == pytest.approx(1.0, abs=1e-12)
    assert np.sum(w * L**2) == pytest.approx(math.pi**2 / 3, abs=1e-9)  # Var of Logistic(0, 1)
    assert np.sum(w * (L > 1.2)) == pytest.approx(1 / (1 + math.exp(1.2)), abs=1e-12)


@pytest.mark.parametrize("tau", [2.0, 0.3, 0.01, 1e-4])
@pytest.mark.parametrize("theta,sigma", [(0.0, 1.0), (0.5, 1.0), (-1.2, 0.4)])
def test_smooth_step_matches_mpmath(tau, theta, sigma):
    f = rx.SmoothStep(tau)
    dens = lambda x: mp.npdf(x, theta, sigma)  # noqa: E731
    pts = sorted({-mp.inf, theta - sigma, -50 * tau, 0, 50 * tau, theta + sigma, mp.inf})
    value = mp.quad(lambda x: dens(x) / (1 + mp.exp(-x / tau)), pts)
    slope = mp.quad(lambda x: dens(x) / (4 * tau * mp.cosh(x / (2 * tau)) ** 2), pts)
    assert f.expectation(theta, sigma) == pytest.approx(float(value), abs=1e-10)
    assert f.gradient(theta, sigma) == pytest.approx(float(slope), rel=1e-8)
    h = 1e-5
    d_sigma = (f.expectation(theta, sigma + h) - f.expectation(theta, sigma - h)) / (2 * h)
    assert f.gradient_sigma(theta, sigma) == pytest.approx(d_sigma, abs=1e-7)


def test_smooth_step_limits_and_pathwise_variance():
    # tau -> 0: gradient -> phi(theta/sigma)/sigma with bias O(tau^2); tau*Var -> phi/(6 sigma)
    step = ob.Step().gradient(0.5)
    assert abs(rx.step_bias(1e-3, 0.5)) < 1e-5 < abs(rx.step_bias(0.1, 0.5))
    _, var = rx.estimator_moments(est.reparameterization, rx.SmoothStep(1e-4), 0.5)
    assert var * 1e-4 == pytest.approx(step / 6, rel=1e-3)
    x = np.array([-800.0, -1.0, 0.0, 2.0, 800.0])
    f = rx.SmoothStep(0.5)
    with np.errstate(over="ignore"):  # the naive reference overflows at x = -800; s is exact
        np.testing.assert_allclose(f.value(x), 1 / (1 + np.exp(-x / 0.5)), atol=1e-15)
    assert np.all(np.isfinite(f.derivative(x))) and f.derivative(np.zeros(1))[0] == 0.5


def test_step_moments_closed_form():
    # score terms for 1[x > 0]: variance (Phi(z) - z phi(z))/sigma^2 - (phi(z)/sigma)^2
    theta, sigma = 0.5, 1.3
    z = theta / sigma
    phi, Phi = math.exp(-z * z / 2) / math.sqrt(2 * math.pi), 0.5 * math.erfc(-z / math.sqrt(2))
    mean, var = rx.estimator_moments(est.score_function, ob.Step(), theta, sigma)
    assert mean == pytest.approx(phi / sigma, abs=1e-12)
    assert var == pytest.approx((Phi - z * phi) / sigma**2 - (phi / sigma) ** 2, abs=1e-12)


def test_smooth_step_bad_input():
    with pytest.raises(ValueError, match="tau must be > 0"):
        rx.SmoothStep(0.0)
    with pytest.raises(TypeError, match="tau"):
        rx.SmoothStep("0.1")
    with pytest.raises(ValueError, match="sigma"):
        rx.SmoothStep(0.1).gradient(0.0, -1.0)
    with pytest.raises(TypeError, match="estimator"):
        rx.estimator_moments("reparameterization", rx.SmoothStep(0.1), 0.0)
    with pytest.raises(ValueError, match="at least two"):
        qd.composite_legendre(np.array([1.0, 1.0]))
