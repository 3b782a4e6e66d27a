"""The SymPy moments of mcgrad.moments, each checked two independent ways.

1. Numerical integration of the estimators' own per-sample terms (from
   mcgrad.estimators, not from the SymPy expressions): probabilists'
   Gauss-Hermite quadrature, exact for the polynomial terms of the smooth
   objectives; Gauss-Legendre on each side of the jump at eps = -theta/sigma
   for the step 1[x > 0].
2. Monte Carlo at a fixed seed, within 5 exact standard errors: sqrt(Var/N)
   for the mean, and for the sample variance s^2 the exact
   sqrt((mu4 - (N - 3)/(N - 1) Var^2) / N), with the 4th central moment mu4
   taken from the quadrature.
"""

import math

import numpy as np
import pytest
import sympy as sp

from mcgrad import estimators as est
from mcgrad import moments
from mcgrad import objectives as ob
from mcgrad.moments import SIGMA, THETA

NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
WEIGHTS = WEIGHTS / math.sqrt(2 * math.pi)
LEG_NODES, LEG_WEIGHTS = np.polynomial.legendre.leggauss(200)
N = 100_000
Z = 5.0  # standard errors

SMOOTH = [ob.Constant(3.0), ob.Linear(-2.0), ob.Square(), ob.ShiftedSquare(1.5)]
NAMES = list(est.ESTIMATORS)
PARAMS = [(0.0, 1.0), (2.0, 1.0), (-0.8, 1.7), (1.3, 0.4)]
CASES = ([(f, name) for f in SMOOTH for name in NAMES] + [(ob.Step(), "score_function")])


def nodes_and_weights(f, theta, sigma):
    """Nodes in eps and weights w with E[g(eps)] ~= sum(w * g(nodes))."""
    if f.differentiable:
        return NODES, WEIGHTS
    # 1[x > 0] = 1[eps > -theta/sigma]: Gauss-Legendre on each side of the jump
    jump = -theta / sigma
    eps, weights = [], []
    for lower, upper in [(-12.0, jump), (jump, 12.0)]:
        e = lower + (upper - lower) * (LEG_NODES + 1) / 2
        eps.append(e)
        weights.append(LEG_WEIGHTS * (upper - lower) / 2 * np.exp(-e**2 / 2) / math.sqrt(2 * math.pi))
    return np.concatenate(eps), np.concatenate(weights)


def quadrature_moments(f, name, theta, sigma, wrt):
    """(mean, variance, 4th central moment) of the estimator's actual terms."""
    eps, w = nodes_and_weights(f, theta, sigma)
    terms = est.get(name)(f, theta, sigma, eps, wrt=wrt)
    mean = float(np.sum(w * terms))
    return mean, float(np.sum(w * (terms - mean) ** 2)), float(np.sum(w * (terms - mean) ** 4))


@pytest.mark.parametrize("f,name", CASES, ids=lambda v: v if isinstance(v, str) else repr(v))
@pytest.mark.parametrize("wrt", ["theta", "sigma"])
def test_moments_match_quadrature(f, name, wrt):
    for theta, sigma in PARAMS:
        mean, var = moments.estimator_moments(name, f, theta, sigma, wrt=wrt)
        q_mean, q_var, _ = quadrature_moments(f, name, theta, sigma, wrt)
        assert mean == pytest.approx(q_mean, rel=1e-9, abs=1e-9)
        assert var == pytest.approx(q_var, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("f,name", CASES, ids=lambda v: v if isinstance(v, str) else repr(v))
@pytest.mark.parametrize("wrt", ["theta", "sigma"])
def test_moments_match_monte_carlo(f, name, wrt):
    theta, sigma = 1.3, 0.8
    eps = np.random.default_rng(20261127).standard_normal(N)
    terms = est.get(name)(f, theta, sigma, eps, wrt=wrt)
    mean, var = moments.estimator_moments(name, f, theta, sigma, wrt=wrt)
    _, _, mu4 = quadrature_moments(f, name, theta, sigma, wrt)
    se_mean = math.sqrt(var / N)
    se_var = math.sqrt(max(mu4 - (N - 3) / (N - 1) * var**2, 0.0) / N)
    assert abs(terms.mean() - mean) <= Z * se_mean
    assert abs(terms.var(ddof=1) - var) <= Z * se_var


@pytest.mark.parametrize("f,name", CASES, ids=lambda v: v if isinstance(v, str) else repr(v))
def test_unbiased_for_both_parameters(f, name):
    mean_theta, _ = moments.symbolic_moments(name, f, wrt="theta")
    mean_sigma, _ = moments.symbolic_moments(name, f, wrt="sigma")
    for theta, sigma in PARAMS:
        at = {THETA: theta, SIGMA: sigma}
        assert float(mean_theta.subs(at)) == pytest.approx(f.gradient(theta, sigma), abs=1e-12)
        assert float(mean_sigma.subs(at)) == pytest.approx(f.gradient_sigma(theta, sigma),
                                                           abs=1e-12)


def test_running_example_formulas():
    score_mean, score_var = moments.symbolic_moments("score_function", ob.Square())
    rep_mean, rep_var = moments.symbolic_moments("reparameterization", ob.Square())
    expected = (THETA**4 + 14 * THETA**2 * SIGMA**2 + 15 * SIGMA**4) / SIGMA**2
    assert sp.simplify(score_mean - 2 * THETA) == 0
    assert sp.simplify(rep_mean - 2 * THETA) == 0
    assert sp.simplify(score_var - expected) == 0
    assert sp.simplify(rep_var - 4 * SIGMA**2) == 0
    for name in NAMES:
        assert sp.simplify(moments.symbolic_moments(name, ob.Square(), wrt="sigma")[0]
                           - 2 * SIGMA) == 0


def test_known_values_of_the_running_example():
    f = ob.Square()
    assert moments.estimator_moments("score_function", f, 2, 1) == (4.0, 87.0)
    assert moments.estimator_moments("reparameterization", f, 2, 1) == (4.0, 4.0)
    score = moments.variance_function("score_function", f)
    rep = moments.variance_function("reparameterization", f)
    theta = np.array([0.0, 2.0])
    np.testing.assert_allclose(score(theta, 1.0) / rep(theta, 1.0), [3.75, 21.75], rtol=1e-12)


def test_step_is_symbolic_and_reparameterization_refuses_it():
    mean, _ = moments.symbolic_moments("score_function", ob.Step())
    phi = sp.exp(-THETA**2 / (2 * SIGMA**2)) / (SIGMA * sp.sqrt(2 * sp.pi))
    assert sp.simplify(mean - phi) == 0
    for wrt in ("theta", "sigma"):
        with pytest.raises(TypeError, match="reparameterization.*does not apply"):
            moments.symbolic_moments("reparameterization", ob.Step(), wrt=wrt)
        with pytest.raises(TypeError, match="reparameterization.*does not apply"):
            moments.estimator_moments("reparameterization", ob.Step(), 0.0, 1.0, wrt=wrt)


def test_gaussian_moments_match_the_moment_generating_function():
    t = sp.Symbol("t")
    mgf = sp.exp(THETA * t + SIGMA**2 * t**2 / 2)
    for k in range(9):
        assert sp.simplify(moments.gaussian_moment(k) - sp.diff(mgf, t, k).subs(t, 0)) == 0
    with pytest.raises(ValueError, match="k must be >= 0"):
        moments.gaussian_moment(-1)
    for bad in (True, 2.0, "2"):
        with pytest.raises(TypeError, match="k must be an integer"):
            moments.gaussian_moment(bad)


def test_cache_returns_the_same_objects_and_keeps_objectives_apart():
    first = moments.symbolic_moments("score_function", ob.Square())
    assert moments.symbolic_moments("score_function", ob.Square()) is first
    # reprs round to 6 digits: these two share a repr but not a formula
    near = moments.symbolic_moments("reparameterization", ob.ShiftedSquare(1.0000001))
    one = moments.symbolic_moments("reparameterization", ob.ShiftedSquare(1.0))
    assert near[0] != one[0]


def test_variance_function_broadcasts_and_matches_estimator_moments():
    var = moments.variance_function("score_function", ob.Square())
    theta = np.linspace(-3, 3, 7)
    sigma = np.array([[0.5], [1.0], [2.0]])
    out = var(theta, sigma)
    assert out.shape == (3, 7)
    assert out[1, 5] == pytest.approx(moments.estimator_moments("score_function", ob.Square(),
                                                                theta[5], 1.0)[1])
    const = moments.variance_function("reparameterization", ob.Constant(2.0))(theta, 1.0)
    assert const.shape == (7,) and np.all(const == 0)
    step = moments.variance_function("score_function", ob.Step())(theta, 1.0)
    assert step[3] == pytest.approx(moments.estimator_moments("score_function", ob.Step(),
                                                              0.0, 1.0)[1])


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(sigma=0.0), ValueError, "sigma must be > 0"),
    (dict(sigma=-1), ValueError, "sigma must be > 0"),
    (dict(sigma=float("inf")), ValueError, "sigma must be finite"),
    (dict(theta=float("nan")), ValueError, "theta must be finite"),
    (dict(theta=True), TypeError, "theta must be a real number, got the bool"),
    (dict(sigma=True), TypeError, "sigma must be a real number, got the bool"),
    (dict(theta="2"), TypeError, "theta must be a real number"),
    (dict(name="reinforce"), ValueError, "estimator_name must be one of"),
    (dict(wrt="mu"), ValueError, "wrt must be one of"),
    (dict(objective=lambda x: x**2), TypeError, "objective must be an mcgrad"),
])
def test_bad_input(kwargs, exc, match):
    args = dict(name="score_function", objective=ob.Square(), theta=1.0, sigma=1.0, wrt="theta")
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        moments.estimator_moments(args["name"], args["objective"], args["theta"],
                                  args["sigma"], wrt=args["wrt"])


def test_bad_input_to_symbolic_and_vectorised_versions():
    with pytest.raises(ValueError, match="estimator_name must be one of"):
        moments.symbolic_moments("pathwise", ob.Square())
    with pytest.raises(ValueError, match="wrt must be one of"):
        moments.variance_function("score_function", ob.Square(), wrt="mu")
    var = moments.variance_function("score_function", ob.Square())
    with pytest.raises(ValueError, match="sigma must be > 0"):
        var(np.zeros(3), np.array([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="theta must contain only finite"):
        var(np.array([0.0, np.nan]), 1.0)
    with pytest.raises(TypeError, match="theta must be a real number or array"):
        var(True, 1.0)
