"""Known answers, exact moment recursions, divergence handling and bad input for mcgrad.optimize.

Statistical checks use a fixed seed and a tolerance of 5 standard errors computed
from exact variances (the AR(1) recursion for the reparameterization estimator,
Gauss-Hermite quadrature or the recursion's lower bound for the score function).
"""

import math
import warnings

import numpy as np
import pytest

from mcgrad import estimators as est
from mcgrad import objectives as ob
from mcgrad import optimize as opt

NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(60)
WEIGHTS = WEIGHTS / math.sqrt(2 * math.pi)
Z = 5.0
BOTH = ("score_function", "reparameterization")


def noise(seeds=2000, steps=30, N=4, seed=20261127):
    return opt.draw_noise(np.random.default_rng(seed), seeds, steps, N)


def test_draw_noise_shape_and_reproducibility():
    a = noise(3, 4, 5, seed=1)
    assert a.shape == (3, 4, 5) and a.dtype == np.float64
    np.testing.assert_array_equal(a, noise(3, 4, 5, seed=1))


@pytest.mark.parametrize("objective", [ob.Square(), ob.ShiftedSquare(1.5), ob.Linear(-2.0)], ids=repr)
@pytest.mark.parametrize("name", BOTH)
def test_vectorised_gradient_matches_estimators(objective, name):
    eps = noise(5, 1, 7)[:, 0]
    theta = np.array([-1.0, 0.0, 0.5, 2.0, 3.0])
    got = opt.gradient_function(objective, name, 0.7)(theta, eps)
    want = [est.get(name)(objective, t, 0.7, e).mean() for t, e in zip(theta, eps)]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_deterministic_known_answers():
    eps = noise(4, 6, 3)
    # f = a x with the pathwise estimator: g = a exactly, so theta_t = theta0 - lr a t
    run = opt.sgd(ob.Linear(2.0), "reparameterization", 1.0, 1.0, 0.25, eps)
    np.testing.assert_allclose(run.theta, np.broadcast_to(1.0 - 0.5 * np.arange(7), (4, 7)))
    # constant f: the pathwise gradient is 0, nothing moves
    run = opt.sgd(ob.Constant(3.0), "reparameterization", 2.0, 1.0, 0.3, eps)
    assert np.all(run.theta == 2.0) and not run.diverged.any()
    # x^2 with eps = 0: pathwise g = 2 theta, so lr = 1/2 lands on the optimum in one step
    run = opt.sgd(ob.Square(), "reparameterization", 3.0, 1.0, 0.5, np.zeros((2, 1, 1)))
    np.testing.assert_array_equal(run.theta[:, 1], 0.0)
    # ... while the score-function terms f(x) eps / sigma all vanish at eps = 0
    run = opt.sgd(ob.Square(), "score_function", 3.0, 1.0, 0.5, np.zeros((2, 1, 1)))
    np.testing.assert_array_equal(run.theta[:, 1], 3.0)


def test_common_random_numbers_same_draws_same_path():
    eps = noise(50, 10, 2)
    a = opt.sgd(ob.Square(), "score_function", 2.0, 1.0, 0.1, eps)
    b = opt.sgd(ob.Square(), "score_function", 2.0, 1.0, 0.1, eps.copy())
    np.testing.assert_array_equal(a.theta, b.theta)


def test_variance_coefficients():
    import sympy as sp
    from mcgrad import moments
    s = moments.SIGMA
    assert opt.variance_coefficients("score_function", 0.0) == (1 / s**2, 14, 15 * s**2)
    assert opt.variance_coefficients("reparameterization", 2.0) == (0, 0, 4 * s**2)
    assert sp.simplify(opt.variance_coefficients("score_function", -1.0)[0] - s**-2) == 0


@pytest.mark.parametrize("lr,N,sigma", [(0.1, 4, 1.0), (0.4, 1, 0.5)])
def test_reparameterization_path_is_the_exact_gaussian_ar1(lr, N, sigma):
    theta0, steps, k = 2.0, 30, 0.5
    f = ob.ShiftedSquare(k)
    path = opt.expected_path(f, "reparameterization", theta0, sigma, lr, N, steps)
    assert path.exact
    run = opt.sgd(f, "reparameterization", theta0, sigma, lr, noise(4000, steps, N))
    u = run.theta - k
    var = path.second - path.mean**2
    for t in (1, 5, steps):
        se_mean = math.sqrt(var[t] / u.shape[0])
        assert abs(u[:, t].mean() - path.mean[t]) < Z * se_mean
        # theta_t is Gaussian: Var(u^2) = 2 v^2 + 4 m^2 v
        se_sq = math.sqrt((2 * var[t] ** 2 + 4 * path.mean[t] ** 2 * var[t]) / u.shape[0])
        assert abs((u[:, t] ** 2).mean() - path.second[t]) < Z * se_sq
    # stationary second moment lr sigma^2 / (N (1 - lr))
    long = opt.expected_path(f, "reparameterization", theta0, sigma, lr, N, 2000)
    assert long.second[-1] == pytest.approx(lr * sigma**2 / (N * (1 - lr)), rel=1e-9)


def exact_score_function_moments(theta0, lr, steps):
    """E[theta_t^2], t = 1, 2, for N = 1, sigma = 1 by (tensor) Gauss-Hermite quadrature."""
    g = opt.gradient_function(ob.Square(), "score_function", 1.0)
    t1 = theta0 - lr * g(np.full(NODES.size, theta0), NODES[:, None])
    t2 = t1[:, None] - lr * (t1[:, None] + NODES[None, :]) ** 2 * NODES[None, :]
    w2 = WEIGHTS[:, None] * WEIGHTS[None, :]
    return float(WEIGHTS @ t1**2), float(np.sum(w2 * t2**2))


def test_score_function_recursion_exact_then_a_lower_bound():
    path = opt.expected_path(ob.Square(), "score_function", 1.5, 1.0, 0.1, 1, 5)
    assert not path.exact
    s1, s2 = exact_score_function_moments(1.5, 0.1, 2)
    assert path.second[1] == pytest.approx(s1, rel=1e-12)  # first step is exact
    assert path.second[2] < s2  # Jensen: E[u^4] >= E[u^2]^2 makes it a lower bound
    np.testing.assert_allclose(path.mean, 1.5 * 0.8 ** np.arange(6))


def test_score_function_mean_within_conservative_standard_error():
    """MC mean of theta_t vs the exact (1 - 2 lr)^t theta0; the SE uses the lower bound
    on Var(theta_t), so the check is stricter than 5 exact standard errors."""
    lr, N, steps = 0.1, 4, 20
    run = opt.sgd(ob.Square(), "score_function", 2.0, 1.0, lr, noise(4000, steps, N))
    path = opt.expected_path(ob.Square(), "score_function", 2.0, 1.0, lr, N, steps)
    assert not run.diverged.any()
    for t in (1, 10, steps):
        se = math.sqrt((path.second[t] - path.mean[t] ** 2) / 4000)
        assert abs(run.theta[:, t].mean() - path.mean[t]) < Z * se


def test_divergence_is_marked_without_warnings():
    eps = noise(200, 40, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = opt.sgd(ob.Square(), "score_function", 3.0, 1.0, 0.9, eps)
        path = opt.expected_path(ob.Square(), "score_function", 3.0, 1.0, 0.9, 1, 40)
        med, lo, hi = run.band()
    assert run.diverged.mean() > 0.5
    assert np.isinf(path.second[-1])
    i = int(np.flatnonzero(run.diverged)[0])
    t = int(run.diverged_at[i])
    assert np.all(np.isnan(run.theta[i, t:])) and np.all(np.isfinite(run.theta[i, :t]))
    assert np.all(np.isinf(run.distance[i, t:])) and np.isnan(run.grads[i, t - 1])
    assert np.isinf(run.steps_to_reach(0.1)[i])
    assert med.shape == (41,) and np.all(lo <= med) and np.all(med <= hi)
    # same draws, pathwise estimator, lr < 1: every run converges
    assert not opt.sgd(ob.Square(), "reparameterization", 3.0, 1.0, 0.9, eps).diverged.any()


def test_steps_to_reach():
    theta = np.array([[4.0, 2.0, 0.5, 2.0, 0.5, 0.1],
                      [4.0, 0.5, 0.5, 0.5, 0.5, 0.5],
                      [4.0, 0.5, 3.0, 3.0, 3.0, 3.0]])
    run = opt.Run(theta, np.zeros((3, 5)), np.full(3, -1), 0.0, 0.1, 1)
    np.testing.assert_array_equal(run.steps_to_reach(1.0, stay=True), [4.0, 1.0, np.inf])
    np.testing.assert_array_equal(run.steps_to_reach(1.0), [2.0, 1.0, 1.0])
    np.testing.assert_array_equal(run.steps_to_reach(5.0, stay=True), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(run.steps_to_reach(0.01), [np.inf, np.inf, np.inf])


E = np.zeros((2, 3, 1))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 1.0, 0.0, E), ValueError, "lr must be > 0"),
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 1.0, -0.1, E), ValueError, "lr must be > 0"),
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 1.0, float("nan"), E), ValueError, "lr must be finite"),
    (lambda: opt.sgd(ob.Square(), "score_function", float("inf"), 1.0, 0.1, E), ValueError, "theta0 must be finite"),
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 0.0, 0.1, E), ValueError, "sigma must be > 0"),
    (lambda: opt.sgd(ob.Square(), "reinforce", 1.0, 1.0, 0.1, E), ValueError, "estimator must be one of"),
    (lambda: opt.sgd(ob.Step(), "reparameterization", 1.0, 1.0, 0.1, E), TypeError, "no derivative"),
    (lambda: opt.sgd(lambda x: x, "score_function", 1.0, 1.0, 0.1, E), TypeError, "objective must be"),
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 1.0, 0.1, np.zeros((2, 3))), ValueError, "shape"),
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 1.0, 0.1, np.zeros((2, 0, 1))), ValueError, "shape"),
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 1.0, 0.1, np.full((1, 1, 1), np.nan)),
     ValueError, "eps must contain only finite"),
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 1.0, 0.1, [[[0.0]]]), TypeError, "numpy array"),
    (lambda: opt.sgd(ob.Square(), "score_function", 1.0, 1.0, 0.1, E, cap=0.5), ValueError, "cap"),
    (lambda: opt.draw_noise(np.random.default_rng(0), 2, 0, 3), ValueError, "steps must be >= 1"),
    (lambda: opt.draw_noise(np.random.default_rng(0), 2, 3, 0), ValueError, "N must be >= 1"),
    (lambda: opt.draw_noise(np.random.default_rng(0), 0, 3, 1), ValueError, "seeds must be >= 1"),
    (lambda: opt.draw_noise(np.random.default_rng(0), 2, 3, True), TypeError, "N must be an integer"),
    (lambda: opt.draw_noise(np.random.default_rng(0), 2, 3.0, 1), TypeError, "steps must be an integer"),
    (lambda: opt.draw_noise(0, 2, 3, 1), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: opt.draw_noise(np.random.default_rng(0), 10**4, 10**3, 10**3), ValueError, "memory budget"),
    (lambda: opt.expected_path(ob.Linear(1.0), "score_function", 1.0, 1.0, 0.1, 1, 3), TypeError, "ShiftedSquare"),
    (lambda: opt.expected_path(ob.Square(), "score_function", 1.0, 1.0, 0.1, 0, 3), ValueError, "N must be >= 1"),
    (lambda: opt.expected_path(ob.Square(), "score_function", 1.0, 1.0, 0.1, 1, 0), ValueError, "steps must be >= 1"),
    (lambda: opt.expected_path(ob.Square(), "score_function", 1.0, 1.0, 0.0, 1, 3), ValueError, "lr must be > 0"),
    (lambda: opt.expected_path(ob.Square(), "score_function", np.nan, 1.0, 0.1, 1, 3), ValueError, "theta0 must be finite"),
    (lambda: opt.Run(np.zeros((1, 2)), np.zeros((1, 1)), np.full(1, -1), 0.0, 0.1, 1).steps_to_reach(0),
     ValueError, "tol must be > 0"),
    (lambda: opt.Run(np.zeros((1, 2)), np.zeros((1, 1)), np.full(1, -1), 0.0, 0.1, 1).band(0.6, 0.9),
     ValueError, "lower"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
