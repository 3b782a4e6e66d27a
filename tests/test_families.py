"""The cost families, the measure-valued estimator, the exact variances and the dimension results.

Each formula is checked two independent ways: against quadrature of the estimators' own
terms (or plain Gauss-Hermite quadrature, or SymPy), and against Monte Carlo at a fixed seed
within 5 standard errors (mcgrad.stats with the exact variance and fourth moment).
"""

import math

import numpy as np
import pytest
import sympy as sp

from mcgrad import dimension, estimators, families, family_explorer, objectives, stats
from mcgrad.quadrature import normal_rule
from mcgrad.exercises import nb11  # noqa: F401  (registers the exercises)

Z = 5.0  # standard errors
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(120)
WEIGHTS = WEIGHTS / math.sqrt(2 * math.pi)
POINTS = [(1.0, 1.0), (0.0, 1.0), (-0.7, 1.6)]
COSTS = [("square", 0.5), ("square", 2.0), ("bump", 0.3), ("bump", 2.0), ("cosine", 0.5),
         ("cosine", 2.0)]


def target(f, theta, sigma, wrt):
    return f.gradient(theta, sigma) if wrt == "theta" else f.gradient_sigma(theta, sigma)


# --- the new objectives: expectation and gradients against Gauss-Hermite quadrature -------

@pytest.mark.parametrize("f", [objectives.GaussianBump(0.0), objectives.GaussianBump(0.7),
                               objectives.GaussianBump(3.0), objectives.Cosine(0.0),
                               objectives.Cosine(-1.3), objectives.Cosine(2.5)], ids=repr)
@pytest.mark.parametrize("theta,sigma", POINTS)
def test_objective_closed_forms_against_quadrature(f, theta, sigma):
    nodes, weights = normal_rule(theta, sigma, kink=0.0, width=0.2)  # resolves narrow bumps
    x = theta + sigma * nodes
    assert f.expectation(theta, sigma) == pytest.approx(np.sum(weights * f.value(x)), abs=1e-10)
    assert f.gradient(theta, sigma) == pytest.approx(np.sum(weights * f.derivative(x)), abs=1e-9)
    assert f.gradient_sigma(theta, sigma) == pytest.approx(
        np.sum(weights * f.derivative(x) * nodes), abs=1e-9)
    h = 1e-5  # the derivative of the value, by central differences
    assert f.derivative(np.array([0.3]))[0] == pytest.approx(
        (f.value(np.array([0.3 + h])) - f.value(np.array([0.3 - h])))[0] / (2 * h), rel=1e-6,
        abs=1e-8)


def test_objective_symbolic_forms():
    x = sp.Symbol("x", real=True)
    for f in (objectives.GaussianBump(0.5), objectives.Cosine(2.0)):
        fn = sp.lambdify(x, f.symbolic(x))
        assert fn(0.7) == pytest.approx(f.value(np.array([0.7]))[0], rel=1e-12)


# --- exact variances: closed form vs quadrature vs Monte Carlo ----------------------------

@pytest.mark.parametrize("family,k", COSTS)
@pytest.mark.parametrize("wrt", ["theta", "sigma"])
@pytest.mark.parametrize("name", families.NAMES)
def test_variance_matches_quadrature_of_the_terms(name, family, k, wrt):
    for theta, sigma in POINTS:
        f = families.cost(family, k)
        mean, var, _ = families.quadrature_moments(name, f, theta, sigma, wrt=wrt)
        assert mean == pytest.approx(target(f, theta, sigma, wrt), abs=1e-9)  # unbiased
        assert families.variance(name, family, k, theta, sigma, wrt=wrt) == pytest.approx(
            var, rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("family,k", COSTS)
@pytest.mark.parametrize("wrt", ["theta", "sigma"])
@pytest.mark.parametrize("name", families.NAMES)
def test_monte_carlo_within_five_standard_errors(name, family, k, wrt):
    rng = np.random.default_rng(11)
    eps = rng.standard_normal((100_000, 3))
    f = families.cost(family, k)
    terms = getattr(estimators, name)(f, 1.0, 1.0, eps if name == "measure_valued"
                                      else eps[:, 0], wrt=wrt)
    var = families.variance(name, family, k, 1.0, 1.0, wrt=wrt)
    m4 = families.quadrature_moments(name, f, 1.0, 1.0, wrt=wrt)[2]
    assert abs(terms.mean() - target(f, 1.0, 1.0, wrt)) < Z * stats.mean_se(var, terms.size)
    assert abs(terms.var(ddof=1) - var) < Z * stats.variance_se(var, m4, terms.size)


def test_closed_forms_for_the_cosine():
    k, theta, sigma = 1.7, 0.4, 1.2
    d = math.exp(-k * k * sigma * sigma)
    rp = k * k / 2 * (1 - math.cos(2 * k * theta) * d * d) - k * k * math.sin(k * theta)**2 * d
    sf = (1 + (1 - 4 * k * k * sigma * sigma) * math.cos(2 * k * theta) * d * d) / (
        2 * sigma * sigma) - k * k * math.sin(k * theta)**2 * d
    assert families.variance("reparameterization", "cosine", k, theta, sigma) == pytest.approx(rp)
    assert families.variance("score_function", "cosine", k, theta, sigma) == pytest.approx(sf)


def test_vector_k_matches_scalar_k():
    ks = np.array([0.2, 1.0, 3.0])
    for name in families.NAMES:
        v = families.variance(name, "bump", ks)
        assert v.shape == (3,)
        assert v == pytest.approx([families.variance(name, "bump", float(k)) for k in ks])


# --- measure-valued: known answers ---------------------------------------------------------

@pytest.mark.parametrize("wrt", ["theta", "sigma"])
def test_measure_valued_known_answers(wrt):
    rng = np.random.default_rng(3)
    eps = rng.standard_normal((200_000, 3))
    theta, sigma = 1.5, 0.8
    assert np.all(estimators.measure_valued(objectives.Constant(2.0), theta, sigma, eps,
                                            wrt=wrt) == 0)
    cases = [(objectives.Linear(1.0), 1.0 if wrt == "theta" else 0.0),
             (objectives.Square(), 2 * theta if wrt == "theta" else 2 * sigma)]
    cases += [(families.cost(fam, k), None) for fam, k in COSTS]
    for f, exact in cases:
        exact = target(f, theta, sigma, wrt) if exact is None else exact
        terms = estimators.measure_valued(f, theta, sigma, eps, wrt=wrt)
        var = families.quadrature_moments("measure_valued", f, theta, sigma, wrt=wrt)[1]
        assert abs(terms.mean() - exact) <= Z * stats.mean_se(var, terms.size) + 1e-12


def test_measure_valued_variance_of_the_square_derived_in_sympy():
    theta, sigma = sp.Symbol("theta", real=True), sp.Symbol("sigma", positive=True)
    w, u, eps = sp.Symbol("w", positive=True), sp.Symbol("u", positive=True), \
        sp.Symbol("epsilon", real=True)
    # theta: the coupled difference is 4 theta sigma W, W Rayleigh
    second = sp.integrate((4 * theta * sigma * w / (sigma * sp.sqrt(2 * sp.pi)))**2
                          * w * sp.exp(-w**2 / 2), (w, 0, sp.oo))
    v_theta = sp.simplify(second - 4 * theta**2)
    assert sp.simplify(v_theta - theta**2 * (16 / sp.pi - 4)) == 0
    # sigma: Maxwell M (density m^2 phi), Gaussian point U M, U uniform
    t = ((theta + sigma * eps)**2 - (theta + sigma * u * eps)**2) / sigma
    phi = sp.exp(-eps**2 / 2) / sp.sqrt(2 * sp.pi)
    second = sp.integrate(sp.integrate(t**2, (u, 0, 1)) * eps**2 * phi, (eps, -sp.oo, sp.oo))
    v_sigma = sp.simplify(second - 4 * sigma**2)
    assert sp.simplify(v_sigma - (4 * theta**2 + 4 * sigma**2)) == 0
    for th, sg in [(2.0, 1.0), (-0.5, 1.7)]:
        num = {s: v for s, v in ((theta, th), (sigma, sg))}
        assert families.variance("measure_valued", "square", 0.0, th, sg) == pytest.approx(
            float(v_theta.subs(num)), rel=1e-10)
        assert families.variance("measure_valued", "square", 0.0, th, sg, wrt="sigma") == \
            pytest.approx(float(v_sigma.subs(num)), rel=1e-10)


def test_measure_valued_not_in_the_two_estimator_list():
    assert estimators.ESTIMATORS == ("score_function", "reparameterization")


# --- crossings, Fisher information ---------------------------------------------------------

def test_crossing_is_a_sign_change():
    for theta in (1.0, 0.0):
        kc = families.crossing("cosine", theta, 1.0, tol=1e-7)
        gap = [families.variance("reparameterization", "cosine", k, theta)
               - families.variance("score_function", "cosine", k, theta)
               for k in (kc - 1e-6, kc + 1e-6)]
        assert gap[0] < 0 < gap[1]
    assert abs(families.crossing("cosine", 1.0, 1.0) - families.crossing(
        "cosine", 1.0, 1.0, tol=1e-9)) < 1e-6
    assert 0.8 < families.crossing("cosine", 0.0, 1.0, tol=1e-300) < 0.9  # terminates
    with pytest.raises(ValueError, match="no crossing"):
        families.crossing("square", 1.0, 1.0, lo=0.1, hi=4.0)


def test_fisher_information():
    sigma = sp.Symbol("sigma", positive=True)
    i_theta, i_sigma = families.fisher_information()
    assert sp.simplify(i_theta - 1 / sigma**2) == 0 and sp.simplify(i_sigma - 2 / sigma**2) == 0
    # the same by Gauss-Hermite: Var[eps / sigma] at sigma = 1.3
    assert np.sum(WEIGHTS * (NODES / 1.3)**2) == pytest.approx(1 / 1.3**2)


# --- dimension ------------------------------------------------------------------------------

def test_dimension_formulas_derived_in_sympy():
    D = sp.Symbol("D", positive=True, integer=True)
    at = {sp.Symbol("theta", real=True): 2, sp.Symbol("sigma", positive=True): 1}
    v = {n: sp.expand(e.subs(at)) for n, e in dimension.symbolic_variances().items()}
    assert sp.expand(v["score_function"] - (25 * D**2 + 38 * D + 24)) == 0
    assert sp.expand(v["score_function_baseline"] - (18 * D + 20)) == 0
    assert v["reparameterization"] == 4
    assert sp.expand(v["b_star"] - (5 * D + 2)) == 0
    assert sp.simplify(v["measure_valued"] - 4 * (16 / sp.pi - 4)) == 0
    assert dimension.variance("score_function", 1) == pytest.approx(87.0)


def test_dimension_by_brute_force_quadrature_at_d2():
    # D = 2, theta = 2, sigma = 1: a tensor Gauss-Hermite rule, independent of the algebra
    e1, e2 = np.meshgrid(NODES[:, None].ravel(), NODES)
    w = np.outer(WEIGHTS, WEIGHTS)
    f = (2 + e1)**2 + (2 + e2)**2
    for b, name in [(0.0, "score_function"), (12.0, "score_function_baseline")]:
        t = (f - b) * e1
        assert np.sum(w * t * t) - 16 == pytest.approx(dimension.variance(name, 2), rel=1e-10)


@pytest.mark.parametrize("D", [1, 7, 100])
def test_dimension_monte_carlo(D):
    rng = np.random.default_rng(D)
    noise = rng.standard_normal((40_000, D + 1))
    for name in dimension.NAMES:
        t = dimension.terms(name, noise)
        var = dimension.variance(name, D)
        assert abs(t.mean() - 4.0) < Z * stats.mean_se(var, t.size)
        m4 = np.mean((t - t.mean())**4)  # the sample's own fourth moment
        assert abs(t.var(ddof=1) - var) < Z * stats.variance_se(var, max(m4, var**2), t.size)


# --- the explorer's pure update function --------------------------------------------------

def test_family_view():
    view = family_explorer.family_view("cosine", 4.0)
    assert view.lowest == "measure_valued"
    assert view.at_k["reparameterization"] > view.at_k["score_function"]
    assert set(view.curves) == set(families.NAMES)
    other = family_explorer.family_view("square", 2.0, "sigma")
    assert other.at_k["score_function"] > other.at_k["reparameterization"]


# --- bad input -----------------------------------------------------------------------------

EPS3 = np.zeros((4, 3))


@pytest.mark.parametrize("call,error,match", [
    (lambda: objectives.GaussianBump(-1.0), ValueError, "k"),
    (lambda: objectives.GaussianBump(True), TypeError, "k"),
    (lambda: objectives.Cosine(1e300), ValueError, "k"),
    (lambda: objectives.Cosine(float("nan")), ValueError, "k"),
    (lambda: objectives.Cosine(2.0).expectation(1e300), ValueError, "theta"),
    (lambda: objectives.GaussianBump(1.0).gradient(0.0, 0.0), ValueError, "sigma"),
    (lambda: objectives.Cosine(1e4).value(np.array([1e306])), ValueError, "x"),
    (lambda: estimators.measure_valued(objectives.Square(), 0.0, 1.0, np.zeros(5)),
     ValueError, "eps"),
    (lambda: estimators.measure_valued(objectives.Square(), 0.0, 1.0, np.zeros((5, 2))),
     ValueError, "eps"),
    (lambda: estimators.measure_valued(objectives.Square(), 1e308, 1e308, EPS3 + 1),
     ValueError, "theta"),
    (lambda: estimators.measure_valued(objectives.Square(), 0.0, 1.0, EPS3, wrt="mu"),
     ValueError, "wrt"),
    (lambda: estimators.measure_valued("x^2", 0.0, 1.0, EPS3), TypeError, "objective"),
    (lambda: estimators.measure_valued(objectives.Square(), 0.0, 1.0, [[0, 0, 0]]),
     TypeError, "eps"),
    (lambda: families.variance("pathwise", "cosine", 1.0), ValueError, "name"),
    (lambda: families.variance("score_function", "sine", 1.0), ValueError, "family"),
    (lambda: families.variance("score_function", "bump", -1.0), ValueError, "k"),
    (lambda: families.variance("score_function", "bump", np.array([[1.0]])), ValueError, "k"),
    (lambda: families.variance("score_function", "bump", np.array([np.nan])), ValueError, "k"),
    (lambda: families.variance("measure_valued", "cosine", 500.0), ValueError, "sigma"),
    (lambda: families.variance("score_function", "cosine", 1.0, 1e300), ValueError, "theta"),
    (lambda: families.quadrature_moments("score_function", "f", 0.0), TypeError, "objective"),
    (lambda: families.cost("cosine", 1e9), ValueError, "k"),
    (lambda: families.crossing("cosine", lo=2.0, hi=1.0), ValueError, "lo"),
    (lambda: families.gaussian_expectation("x"), TypeError, "expr"),
    (lambda: dimension.variance("score_function", 0), ValueError, "D"),
    (lambda: dimension.variance("score_function", 2.0), TypeError, "D"),
    (lambda: dimension.terms("score_function", np.zeros(4)), ValueError, "eps"),
    (lambda: dimension.terms("score_function", np.zeros((3, 2)), sigma=-1.0), ValueError,
     "sigma"),
    (lambda: family_explorer.family_view("cosine", 9.0), ValueError, "k"),
    (lambda: family_explorer.draw(None), TypeError, "view"),
    (lambda: dimension.terms("score_function", np.full((2, 3), 1e300)), ValueError, "theta"),
    (lambda: families.gaussian_expectation(sp.exp(sp.Symbol("epsilon", real=True)**2)),
     ValueError, "diverges"),
    (lambda: families.exact_gradient(objectives.Square(), 0.0, wrt="x"), ValueError, "wrt"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_extreme_but_allowed_input_stays_finite():
    for f in (objectives.GaussianBump(1e4), objectives.Cosine(1e4), objectives.Cosine(-1e4)):
        for theta, sigma in [(1e6, 1e6), (-1e6, 1e-300), (0.0, 1e6)]:
            vals = [f.expectation(theta, sigma), f.gradient(theta, sigma),
                    f.gradient_sigma(theta, sigma)]
            assert all(math.isfinite(v) for v in vals)
    big = objectives.GaussianBump(1e4).derivative(np.array([1e200, -1e200, 0.0]))
    assert np.all(np.isfinite(big))
    v = families.variance("score_function", "cosine", np.array([0.0, 1e4]), 1e6, 1e6)
    assert np.all(np.isfinite(v)) and np.all(v >= 0)
