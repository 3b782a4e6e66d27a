"""Known answers for mcgrad.policies: the tanh-squashed Gaussian and the entropy bandit.

Independent checks: the exact asymptote of log(1 - tanh(u)^2) in float32 and
float64, mpmath at high precision, finite differences of the exact CDF and of the
exact objective, histogram counts within 5 binomial standard errors, and
Monte Carlo gradients within 5 exact standard errors at a fixed seed.
"""

import math

import mpmath as mp
import numpy as np
import pytest

from mcgrad import policies as pol

Z = 5.0
LOG2 = math.log(2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log1m_tanh_sq_is_stable_at_extreme_u(dtype):
    u = np.array([-1e30, -1e4, -50, -25, 25, 50, 60, 1e4, 1e30], dtype=dtype)
    out = pol.log1m_tanh_sq(u)
    assert out.dtype == dtype and np.all(np.isfinite(out))
    asymptote = -2 * np.abs(u.astype(np.float64)) + 2 * LOG2
    np.testing.assert_allclose(out, asymptote, rtol=4 * np.finfo(dtype).eps)
    assert pol.log1m_tanh_sq(np.zeros(2, dtype))[0] == 0  # tanh(0) = 0
    # the shortcut saturates at log(1e-6) = -13.8 instead of -98.6 at u = 50
    naive = pol.naive_log1m_tanh_sq(np.tanh(np.array([50.0], dtype)))
    assert naive[0] == pytest.approx(math.log(1e-6), rel=1e-5)


def test_log1m_tanh_sq_matches_mpmath():
    mp.mp.dps = 50
    for u in [-30.0, -7.6, -1.0, 0.3, 2.0, 9.0, 19.5, 40.0]:
        exact = float(mp.log(1 - mp.tanh(u) ** 2))
        assert pol.log1m_tanh_sq(np.array([u]))[0] == pytest.approx(exact, rel=1e-14, abs=1e-15)
    mp.mp.dps = 15


def test_log_prob_known_answers_and_change_of_variables():
    u = np.array([0.0, 1.5])
    # at u = 0 the Jacobian is 1: log pi = log N(0; 0, 1) = -log(2 pi)/2
    assert pol.squashed_log_prob(u, 0.0, 0.0)[0] == pytest.approx(-0.5 * math.log(2 * math.pi))
    expected = -0.5 * ((1.5 - 0.2) / 0.5) ** 2 - math.log(0.5) - 0.5 * math.log(2 * math.pi)
    assert pol.gaussian_log_prob(u, 0.2, math.log(0.5))[1] == pytest.approx(expected)
    assert pol.squashed_log_prob(u, 0.2, math.log(0.5))[1] == pytest.approx(
        expected - math.log(1 - math.tanh(1.5) ** 2))
    # density = derivative of the CDF Phi((atanh t - mu)/sigma)
    mu, ls, h = 0.4, math.log(0.7), 1e-6
    t = np.linspace(-0.95, 0.95, 9)
    fd = (pol.squashed_cdf(t + h, mu, ls) - pol.squashed_cdf(t - h, mu, ls)) / (2 * h)
    np.testing.assert_allclose(pol.squashed_density(t, mu, ls), fd, rtol=1e-6)
    np.testing.assert_array_equal(pol.squashed_cdf(np.array([-1.0, 1.0]), mu, ls), [0.0, 1.0])


def test_histogram_of_samples_matches_cdf():
    n, mu, ls = 100_000, 0.5, math.log(1.2)
    a, u = pol.squashed_sample(mu, ls, np.random.default_rng(3).standard_normal(n))
    assert np.array_equal(a, np.tanh(u))
    edges = np.linspace(-1, 1, 21)
    counts, _ = np.histogram(a, edges)
    probs = np.diff(pol.squashed_cdf(edges, mu, ls))
    assert np.all(np.abs(counts / n - probs) <= Z * np.sqrt(probs * (1 - probs) / n))


@pytest.mark.parametrize("estimator", pol.ESTIMATORS)
@pytest.mark.parametrize("entropy_term", [True, False])
def test_both_estimators_unbiased_for_the_exact_gradient(estimator, entropy_term):
    mu, ls, alpha, target, h = 0.2, -0.5, 0.3, 0.6, 1e-6
    J = lambda m, s: pol.soft_objective(m, s, alpha=alpha, target=target)  # noqa: E731
    fd = [(J(mu + h, ls) - J(mu - h, ls)) / (2 * h), (J(mu, ls + h) - J(mu, ls - h)) / (2 * h)]
    mean, var = pol.gradient_moments(estimator, mu, ls, alpha=alpha, target=target,
                                     entropy_term=entropy_term)
    np.testing.assert_allclose(mean, fd, atol=1e-7)
    n = 100_000
    eps = np.random.default_rng(11).standard_normal(n)
    terms = pol.gradient_terms(estimator, mu, ls, eps, alpha=alpha, target=target,
                               entropy_term=entropy_term)
    for k in range(2):
        assert abs(terms[k].mean() - mean[k]) < Z * math.sqrt(var[k] / n)


def test_entropy_and_optimum_known_answers():
    # alpha = 0, sigma -> 0: J -> Q(tanh(mu)); entropy of N(0,1) pushed through tanh
    assert pol.soft_objective(math.atanh(0.6), -12.0, alpha=0.0, target=0.6) == pytest.approx(0, abs=1e-9)
    mp.mp.dps = 20
    e = mp.quad(lambda u: -2 * mp.npdf(u) * mp.log(mp.cosh(u)), [-40, 0, 40])  # 1 - tanh^2 = 1/cosh^2
    q = mp.quad(lambda u: -mp.npdf(u) * (mp.tanh(u) - 0.5) ** 2, [-mp.inf, 0, mp.inf])
    mp.mp.dps = 15
    h_exact = 0.5 * math.log(2 * math.pi * math.e) + float(e)  # entropy of tanh(N(0, 1))
    assert pol.soft_objective(0.0, 0.0, alpha=1.0, target=0.5) == pytest.approx(float(q) + h_exact, abs=1e-9)
    x = pol.optimum(alpha=0.1, target=0.6)
    g, _ = pol.gradient_moments("reparameterization", *x, alpha=0.1, target=0.6)
    assert np.max(np.abs(g)) < 1e-9


def test_ascend_uses_common_random_numbers():
    eps = np.random.default_rng(5).standard_normal((50, 4))
    a = pol.ascend("reparameterization", eps, alpha=0.1)
    b = pol.ascend("reparameterization", eps.copy(), alpha=0.1)
    assert a.shape == (51, 2) and np.array_equal(a, b) and np.all(a[0] == 0)


def test_bad_input():
    with pytest.raises(TypeError, match="u must be a numpy array|u must be real"):
        pol.log1m_tanh_sq("3")
    with pytest.raises(TypeError, match="u must be real"):
        pol.log1m_tanh_sq(True)
    with pytest.raises(TypeError, match="floating dtype"):
        pol.log1m_tanh_sq(np.array([1, 2]))
    with pytest.raises(ValueError, match="finite"):
        pol.log1m_tanh_sq(np.array([np.inf]))
    with pytest.raises(ValueError, match="log_sigma must be finite"):
        pol.squashed_sample(0.0, math.nan, np.zeros(3))
    with pytest.raises(ValueError, match="strictly inside"):
        pol.squashed_density(np.array([1.0]), 0.0, 0.0)
    with pytest.raises(ValueError, match="t must lie in"):
        pol.squashed_cdf(np.array([1.5]), 0.0, 0.0)
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        pol.soft_objective(0.0, 0.0, alpha=-1.0)
    with pytest.raises(ValueError, match="target must lie inside"):
        pol.soft_objective(0.0, 0.0, alpha=0.1, target=1.0)
    with pytest.raises(ValueError, match="estimator"):
        pol.gradient_terms("pathwise", 0.0, 0.0, np.zeros(3), alpha=0.1)
    with pytest.raises(TypeError, match="entropy_term"):
        pol.gradient_terms("score_function", 0.0, 0.0, np.zeros(3), alpha=0.1, entropy_term=1)
    with pytest.raises(ValueError, match="shape \\(steps, batch\\)"):
        pol.ascend("score_function", np.zeros(5), alpha=0.1)
    with pytest.raises(ValueError, match="alpha must be > 0"):
        pol.optimum(alpha=0.0)
