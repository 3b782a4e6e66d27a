"""The coupled and the independent measure-valued estimators: exact variances and where each wins.

The coupled version shares its noise between the two sides, the independent one draws
them separately (mcgrad.estimators.measure_valued(..., coupling=False)).  Their per-sample
variances differ by -2 c^2 Cov(f_+, f_-): coupling wins exactly when the two sides
correlate positively.  Every number here is derived in SymPy or by mpmath quadrature and
checked against mcgrad.families.variance and against Monte Carlo within 5 standard errors.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from mcgrad import estimators, families, objectives, stats

A, S = sp.Symbol("a", real=True), sp.Symbol("sigma", positive=True)
W, M, U = sp.Symbol("w", positive=True), sp.Symbol("m", real=True), sp.Symbol("u", positive=True)


def _rayleigh(g):
    return sp.integrate(sp.expand(g * W * sp.exp(-W**2 / 2)), (W, 0, sp.oo))


def _maxwell(g):  # double-sided Maxwell density m^2 phi(m)
    return sp.integrate(sp.expand(g * M**2 * sp.exp(-M**2 / 2)), (M, -sp.oo, sp.oo)) \
        / sp.sqrt(2 * sp.pi)


def _normal(g):
    return sp.integrate(sp.expand(g * sp.exp(-M**2 / 2)), (M, -sp.oo, sp.oo)) / sp.sqrt(2 * sp.pi)


def _square_variances():
    """(coupled, independent) per-sample variances for f = (x - k)^2, a = theta - k, in SymPy."""
    c2 = 1 / (2 * sp.pi * S**2)
    fp, fm = (A + S * W)**2, (A - S * W)**2

    def var_w(g):
        return _rayleigh(g**2) - _rayleigh(g)**2

    theta = (sp.simplify(c2 * var_w(fp - fm)), sp.simplify(c2 * (var_w(fp) + var_w(fm))))
    fmax, fgauss = (A + S * M)**2, (A + S * U * M)**2  # coupled Gaussian point U M
    t = (fmax - fgauss) / S
    mean = sp.integrate(_maxwell(t), (U, 0, 1))
    coupled = sp.simplify(sp.integrate(_maxwell(t**2), (U, 0, 1)) - mean**2)
    indep = sp.simplify((_maxwell(fmax**2) - _maxwell(fmax)**2
                         + _normal(fmax**2) - _normal(fmax)**2) / S**2)
    return {"theta": theta, "sigma": (coupled, indep)}


@pytest.fixture(scope="module")
def square():
    return _square_variances()


def test_square_closed_forms_and_crossing(square):
    coupled, indep = square["theta"]
    assert sp.simplify(coupled - 4 * A**2 * (4 - sp.pi) / sp.pi) == 0
    assert sp.simplify(indep - ((8 / sp.pi - 2) * A**2 + 4 * S**2 / sp.pi)) == 0
    # coupling loses exactly when |theta - k| > sigma sqrt(2 / (4 - pi)) = 1.5264 sigma
    roots = sp.solve(sp.Eq(coupled, indep), A)
    crossing = sp.sqrt(2 / (4 - sp.pi)) * S
    assert len(roots) == 2 and all(any(sp.simplify(r - c) == 0 for r in roots)
                                   for c in (crossing, -crossing))
    assert float(crossing.subs(S, 1)) == pytest.approx(1.5263997455328, rel=1e-12)
    # x^2 at theta = 2, sigma = 1: 16 (4 - pi) / pi = 4.372 coupled, 36 / pi - 8 = 3.459 independent
    assert sp.simplify(coupled.subs({A: 2, S: 1}) - 16 * (4 - sp.pi) / sp.pi) == 0
    assert sp.simplify(indep.subs({A: 2, S: 1}) - (36 / sp.pi - 8)) == 0
    # sigma gradient of the square: coupling always wins, 4 (a^2 + sigma^2) < 8 (2 a^2 + sigma^2)
    c_sigma, i_sigma = square["sigma"]
    assert sp.simplify(c_sigma - 4 * (A**2 + S**2)) == 0
    assert sp.simplify(i_sigma - 8 * (2 * A**2 + S**2)) == 0


@pytest.mark.parametrize("theta, sigma, k", [(2.0, 1.0, 0.0), (0.7, 1.3, 0.5), (-3.0, 0.2, 1.0),
                                             (1e3, 1e-5, 0.0), (0.7, 1e-17, 0.0),
                                             (0.0, 1e6, 2.0)])
def test_families_variance_matches_the_square_closed_forms(square, theta, sigma, k):
    for wrt in ("theta", "sigma"):
        for coupling, expr in zip((True, False), square[wrt]):
            exact = float(expr.subs({A: theta - k, S: sigma}))
            got = families.variance("measure_valued", "square", k, theta, sigma, wrt=wrt,
                                    coupling=coupling)
            assert got == pytest.approx(exact, rel=1e-9, abs=1e-300), (wrt, coupling)


def test_where_each_wins_for_the_square():
    edge = math.sqrt(2 / (4 - math.pi))
    for sigma in (0.3, 1.0, 4.0):
        for ratio, coupled_wins in ((0.9 * edge, True), (1.1 * edge, False)):
            v = [families.variance("measure_valued", "square", 0.0, ratio * sigma, sigma,
                                   coupling=c) for c in (True, False)]
            assert (v[0] < v[1]) == coupled_wins


def _mp_variances(f, theta, sigma, wrt):
    """(coupled, independent) by mpmath quadrature of the defining integrals."""
    g = {objectives.Cosine: lambda x: mpmath.cos(f.k * x),
         objectives.GaussianBump: lambda x: mpmath.exp(-f.k * x * x)}[type(f)]
    th, sg = mpmath.mpf(theta), mpmath.mpf(sigma)
    if wrt == "theta":
        c = 1 / (sg * mpmath.sqrt(2 * mpmath.pi))
        dens = lambda w: w * mpmath.exp(-w * w / 2)  # noqa: E731
        E = lambda h: mpmath.quad(lambda w: dens(w) * h(w), [0, 2, 5, 12])  # noqa: E731
        plus, minus = (lambda w: g(th + sg * w)), (lambda w: g(th - sg * w))
        diff = lambda w: plus(w) - minus(w)  # noqa: E731
        coupled = c * c * (E(lambda w: diff(w)**2) - E(diff)**2)
        indep = c * c * (E(lambda w: plus(w)**2) - E(plus)**2 + E(lambda w: minus(w)**2)
                         - E(minus)**2)
        return float(coupled), float(indep)
    phi = lambda m: mpmath.exp(-m * m / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
    pts = [-12, -5, -2, 0, 2, 5, 12]
    EM = lambda h: mpmath.quad(lambda m: m * m * phi(m) * h(m), pts)  # noqa: E731
    EN = lambda h: mpmath.quad(lambda m: phi(m) * h(m), pts)  # noqa: E731
    fx = lambda m: g(th + sg * m)  # noqa: E731
    # inner integrals over U ~ Uniform(0, 1) in closed form: A = E_U f(theta + sigma U m),
    # B = E_U f(theta + sigma U m)^2 (sin for the cosine, erf for the bump)
    if isinstance(f, objectives.Cosine):
        def inner(m, j):  # E_U cos(k x)^j, j = 1, 2
            kk = j * f.k
            part = (mpmath.sin(kk * (th + sg * m)) - mpmath.sin(kk * th)) / (kk * sg * m)
            return part if j == 1 else (1 + part) / 2
    else:
        def inner(m, j):  # E_U exp(-j k x^2)
            r = mpmath.sqrt(j * f.k)
            return mpmath.sqrt(mpmath.pi) * (mpmath.erf(r * (th + sg * m)) - mpmath.erf(r * th)) \
                / (2 * r * sg * m)
    mean = EM(lambda m: fx(m) - inner(m, 1)) / sg
    second = EM(lambda m: fx(m)**2 - 2 * fx(m) * inner(m, 1) + inner(m, 2)) / sg**2
    indep = (EM(lambda m: fx(m)**2) - EM(fx)**2 + EN(lambda m: fx(m)**2) - EN(fx)**2) / sg**2
    return float(second - mean**2), float(indep)


@pytest.mark.parametrize("family, k, theta, sigma", [("cosine", 0.8, 0.7, 1.3),
                                                     ("cosine", 3.0, -1.0, 0.5),
                                                     ("bump", 1.0, 0.5, 1.0),
                                                     ("bump", 4.0, 1.5, 0.3)])
@pytest.mark.parametrize("wrt", ["theta", "sigma"])
def test_families_variance_matches_mpmath_for_cosine_and_bump(family, k, theta, sigma, wrt):
    truth = _mp_variances(families.cost(family, k), theta, sigma, wrt)
    for coupling, exact in zip((True, False), truth):
        got = families.variance("measure_valued", family, k, theta, sigma, wrt=wrt,
                                coupling=coupling)
        assert got == pytest.approx(exact, rel=1e-8)


@pytest.mark.parametrize("family, k, theta, sigma", [("square", 0.0, 2.0, 1.0),
                                                     ("cosine", 0.8, 0.7, 1.3),
                                                     ("bump", 1.0, 0.5, 1.0)])
@pytest.mark.parametrize("wrt", ["theta", "sigma"])
@pytest.mark.parametrize("coupling", [True, False])
def test_estimator_mean_and_variance_within_5_se(family, k, theta, sigma, wrt, coupling):
    f = families.cost(family, k)
    n = 200_000
    width = estimators.MV_NOISE if coupling else estimators.MV_NOISE_UNCOUPLED
    eps = np.random.default_rng(11).standard_normal((n, width))
    t = estimators.measure_valued(f, theta, sigma, eps, wrt=wrt, coupling=coupling)
    assert t.shape == (n,)
    var = families.variance("measure_valued", family, k, theta, sigma, wrt=wrt, coupling=coupling)
    grad = families.exact_gradient(f, theta, sigma, wrt=wrt)
    assert abs(t.mean() - grad) < 5 * stats.mean_se(var, n)
    m4 = float(np.mean((t - t.mean())**4))  # its own estimate: the test is within 5 SE of it
    assert abs(t.var(ddof=1) - var) < 5 * stats.variance_se(var, max(m4, var * var), n)


def test_the_issue_numbers_by_monte_carlo():
    n = 400_000
    rng = np.random.default_rng(3)
    for coupling, exact in ((True, 16 * (4 - math.pi) / math.pi), (False, 36 / math.pi - 8)):
        width = 3 if coupling else 4
        t = estimators.measure_valued(objectives.Square(), 2.0, 1.0,
                                      rng.standard_normal((n, width)), coupling=coupling)
        m4 = float(np.mean((t - t.mean())**4))
        assert abs(t.var(ddof=1) - exact) < 5 * stats.variance_se(exact, m4, n)


def test_coupling_argument_and_noise_shape():
    eps3, eps4 = np.zeros((5, 3)), np.zeros((5, 4))
    with pytest.raises(ValueError, match="trailing axis of length 4"):
        estimators.measure_valued(objectives.Square(), 0.0, 1.0, eps3, coupling=False)
    with pytest.raises(ValueError, match="trailing axis of length 3"):
        estimators.measure_valued(objectives.Square(), 0.0, 1.0, eps4)
    with pytest.raises(TypeError, match="coupling"):
        estimators.measure_valued(objectives.Square(), 0.0, 1.0, eps3, coupling="no")
    with pytest.raises(TypeError, match="coupling"):
        families.variance("measure_valued", "square", 0.0, coupling=1)


def test_log_sigma_factor():
    # d/d log sigma = sigma d/d sigma: for x^2, J = theta^2 + sigma^2 gives 2 sigma^2
    s = sp.Symbol("s", real=True)
    J = sp.Symbol("theta")**2 + sp.exp(s)**2
    assert sp.simplify(sp.diff(J, s) - sp.exp(s) * sp.diff(J.subs(sp.exp(s), S), S).subs(
        S, sp.exp(s))) == 0
