"""Regression tests for inputs at the edges of the documented ranges.

Each case was once a silently wrong result, a hang, an exception of another type, a NaN or a
warning, or a message that did not name the argument.  Now the result is right to its stated
accuracy (checked against an independent value) or the input is refused with a ValueError or
TypeError that names the argument.
"""

from __future__ import annotations

import math
import time
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mpmath  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

from mcgrad import (baselines, dimension, discrete, estimators, families, moments,  # noqa: E402
                    objectives, optimize, plotting, relaxations, stats)


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("sigma", [1e-17, 1e-12, 1e-9, 1e-6, 1e-3, 1e3, 1e6])
def test_families_variance_at_tiny_and_huge_sigma(sigma):
    theta = 0.7
    a = mpmath.mpf(theta)
    s = mpmath.mpf(sigma)
    exact = {  # f = x^2: closed forms (moments.symbolic_moments; test_measure_valued_coupling)
        ("reparameterization", "theta"): 4 * s**2,
        ("reparameterization", "sigma"): 4 * a**2 + 8 * s**2,
        ("score_function", "theta"): (a**4 + 14 * a**2 * s**2 + 15 * s**4) / s**2,
        ("measure_valued", "theta"): 4 * a**2 * (4 - mpmath.pi) / mpmath.pi,
        ("measure_valued", "sigma"): 4 * (a**2 + s**2),
    }
    for (name, wrt), value in exact.items():
        got = families.variance(name, "square", 0.0, theta, sigma, wrt=wrt)
        assert got == pytest.approx(float(value), rel=1e-9), (name, wrt)


def test_families_variance_of_the_cosine_pathwise_at_tiny_sigma():
    # Var[-k sin(k x)] = k^2 (1 - cos(2k theta) e^(-2k^2 s^2)) / 2 - k^2 sin(k theta)^2 e^(-k^2 s^2)
    k, theta, sigma = 0.8, 0.7, 1e-9
    mpmath.mp.dps = 60
    K, T, S = mpmath.mpf(k), mpmath.mpf(theta), mpmath.mpf(sigma)
    exact = K**2 * (1 - mpmath.cos(2 * K * T) * mpmath.exp(-2 * K**2 * S**2)) / 2 \
        - K**2 * mpmath.sin(K * T)**2 * mpmath.exp(-K**2 * S**2)
    mpmath.mp.dps = 15
    got = families.variance("reparameterization", "cosine", k, theta, sigma)
    assert got == pytest.approx(float(exact), rel=1e-9)


def test_measure_valued_refuses_a_sigma_it_cannot_resolve():
    eps = np.random.default_rng(0).standard_normal((100, 3))
    with pytest.raises(ValueError, match="sigma must be >= 1e-08"):
        estimators.measure_valued(objectives.Square(), 0.7, 1e-17, eps)
    with pytest.raises(ValueError, match="sigma must be >= 1e-08"):
        families.quadrature_moments("reparameterization", objectives.Square(), 0.7, 1e-12)
    # at the edge the terms keep their accuracy: exact for x^2 is 2 theta + noise
    t = estimators.measure_valued(objectives.Square(), 1.0, 1e-8, eps)
    w = np.hypot(eps[:, 0], eps[:, 1])
    assert t == pytest.approx(4 * w / math.sqrt(2 * math.pi), rel=1e-7)


def test_dimension_terms_at_large_theta_tiny_sigma_and_many_dimensions():
    eps = np.random.default_rng(0).standard_normal((5, 200_001))
    t = dimension.terms("measure_valued", eps, 1e6, 1e-6)
    w = np.hypot(eps[:, 0], eps[:, -1])
    assert t == pytest.approx(4e6 * w / math.sqrt(2 * math.pi), rel=1e-14)


def test_quadrature_moments_of_a_step_match_the_exact_moments():
    for theta, sigma in ((0.7, 1.0), (-2.0, 0.3), (0.0, 5.0)):
        mean, var, _ = families.quadrature_moments("score_function", objectives.Step(), theta,
                                                   sigma)
        exact = moments.estimator_moments("score_function", objectives.Step(), theta, sigma)
        assert (mean, var) == pytest.approx(exact, rel=1e-10)
        mean, var, _ = families.quadrature_moments("measure_valued", objectives.Step(), theta,
                                                   sigma)
        # t = c 1[W > |theta| / sigma] (the sign of theta), c = 1 / (sigma sqrt(2 pi))
        c, p = 1 / (sigma * math.sqrt(2 * math.pi)), math.exp(-0.5 * (theta / sigma)**2)
        assert (mean, var) == pytest.approx((c * p, c * c * p * (1 - p)), rel=1e-10)
    with pytest.raises(ValueError, match="objective Step"):
        families.quadrature_moments("measure_valued", objectives.Step(), 0.7, wrt="sigma")


def test_exact_moments_keep_tiny_coefficients():
    mean, var = moments.estimator_moments("score_function", objectives.Linear(1e-40), 0.7, 1.0)
    assert mean == pytest.approx(1e-40, rel=1e-15)
    assert var == pytest.approx(1e-80 * (2 + 0.49), rel=1e-12)  # a^2 (theta^2 + 2 sigma^2)
    assert objectives.ShiftedSquare(1e-30).symbolic(moments.X).subs(moments.X, 0) != 0


def test_a_plain_epsilon_symbol_is_integrated():
    eps = sp.Symbol("epsilon")
    assert moments.expect(eps**4 + eps) == 3
    assert families.gaussian_expectation(eps**2) == 1


@pytest.mark.parametrize("expr", [moments.EPS**(10**6), (1 + moments.EPS)**3000])
def test_huge_powers_are_refused_quickly(expr):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="expr must have degree at most"):
        moments.expect(expr)
    with pytest.raises(ValueError, match="expr must have degree at most"):
        families.gaussian_expectation(expr)
    assert time.perf_counter() - start < 5


def test_k_arrays_are_capped():
    with pytest.raises(ValueError, match="k must hold at most"):
        families.variance("score_function", "cosine", np.linspace(0, 1, families.MAX_KS + 1))


@pytest.mark.parametrize("call, match", [
    (lambda: objectives.Linear(10**400), "a must be finite"),
    (lambda: objectives.Square().value(10**400), "x must be within the float64 range"),
    (lambda: objectives.Square().expectation(10**400), "theta must be finite"),
    (lambda: stats.mean_se(10**400, 3), "var must be within the float64 range"),
    (lambda: families.variance("score_function", "square", 10**400), "k must be finite"),
    (lambda: families.variance("score_function", "square", 0.0, 10**400), "theta must be finite"),
    (lambda: optimize.expected_path(objectives.Square(), "score_function", 10**400, 1.0, 0.1,
                                    4, 5), "theta0 must be finite"),
    (lambda: optimize.draw_noise(np.random.default_rng(0), 10**400, 1, 1),
     r"seeds \* steps \* N"),
])
def test_integers_beyond_the_float_range(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_the_bare_objective_is_refused_by_name():
    for call in (lambda: estimators.score_function(objectives.Objective(), 0.0, 1.0, np.ones(3)),
                 lambda: moments.estimator_moments("score_function", objectives.Objective(),
                                                   0.0, 1.0)):
        with pytest.raises(TypeError, match="objective must be a concrete objective"):
            call()


def test_unsupported_objectives_in_moments_are_named():
    with pytest.raises(ValueError, match=r"objective cos\(1 x\) is not supported.*Square.*Step"):
        moments.estimator_moments("score_function", objectives.Cosine(1.0), 0.7, 1.0)


def test_non_polynomial_exponents_in_gaussian_expectation():
    with pytest.raises(ValueError, match="not quadratic in epsilon"):
        families.gaussian_expectation(sp.exp(sp.exp(moments.EPS)))


def test_finite_results_at_subnormal_and_huge_inputs():
    with pytest.raises(ValueError, match="sample variance is 0"):
        baselines.sample_coefficient(np.ones(5), np.full(5, 2.0))
    for bad in (1j, "2", np.array([1j])):
        with pytest.raises(TypeError, match="var must be real numbers"):
            stats.mean_se(bad, 3)
    with pytest.raises(ValueError, match="p=5e-324"):
        discrete.score_variance(5e-324)
    p = 1e-300  # f1^2 / p dominates: (1 - t)^4 / p
    assert discrete.score_variance(p) == pytest.approx(0.55**4 / p, rel=1e-12)
    with pytest.raises(ValueError, match="sigma=5e-324"):
        objectives.Step().gradient(0.0, 5e-324)
    assert objectives.Step().gradient(1.0, 5e-324) == 0.0
    # phi(40) / 1e-300 = exp(-800) / (1e-300 sqrt(2 pi)), nonzero although exp(-800) underflows
    exact = mpmath.exp(-800) / (mpmath.mpf(1e-300) * mpmath.sqrt(2 * mpmath.pi))
    assert objectives.Step().gradient(4e-299, 1e-300) == pytest.approx(float(exact), rel=1e-12)
    assert objectives.GaussianBump(0).value(1e200) == 1.0
    assert objectives.GaussianBump(0).derivative(1e200) == 0.0


def test_root_finders_on_the_widest_brackets():
    root = relaxations.bisect(lambda x: x - 3.0, -1e300, 1e300)
    assert abs(root - 3.0) <= 1e-12
    peak = relaxations.golden_max(lambda x: -abs(x - 3.0), -1e300, 1e300)
    assert abs(peak - 3.0) <= 1e-9
    with pytest.raises(ValueError, match="hi - lo must be finite"):
        relaxations.bisect(lambda x: x, -1e308, 1e308)
    with pytest.raises(ValueError, match=r"fun\(.*\) raised OverflowError"):
        relaxations.bisect(lambda x: x**3 - 2.0, -1e300, 1e300)


def test_plotting_refuses_bad_mathtext_and_log_limits_before_drawing():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="title is not valid matplotlib mathtext"):
        plotting.decorate(ax, title=r"$\frac{1}$")
    assert ax.get_title() == ""
    with pytest.raises(ValueError, match="xlim must be positive on a log axis"):
        plotting.decorate(ax, xscale="log", xlim=(-1.0, 1.0))
    plotting.decorate(ax, xlim=(np.float32(0.0), np.float32(3e38)))
    assert ax.get_xlim() == pytest.approx((0.0, float(np.float32(3e38))))
    plt.close(fig)


def test_distance_panels_and_hand_built_records():
    run = optimize.sgd(objectives.Square(), "score_function", 1.0, 1.0, 0.1,
                       np.random.default_rng(0).standard_normal((2, 5, 4)))
    path = optimize.expected_path(objectives.Square(), "score_function", 1.0, 1.0, 0.1, 4, 9)
    with pytest.raises(ValueError, match=r"paths\['score_function'\] has 10 steps"):
        plotting.distance_panels({"score_function": run}, {"score_function": path})
    with pytest.raises(TypeError, match=r"runs\['score_function'\] must be"):
        plotting.distance_panels({"score_function": 1}, {"score_function": path})
    with pytest.raises(TypeError, match="theta must be a 2-D"):
        optimize.Run(np.zeros(3), np.zeros(2), np.zeros(1, int), 0.0, 0.1, 4)
    with pytest.raises(ValueError, match="grads must have shape"):
        optimize.Run(np.zeros((2, 3)), np.zeros((2, 3)), np.full(2, -1), 0.0, 0.1, 4)
    with pytest.raises(TypeError, match="mean must be"):
        optimize.ExpectedPath(None, None, True)
    plt.close("all")
