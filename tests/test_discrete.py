"""Known answers for mcgrad.discrete: Bernoulli score function and binary concrete.

Independent checks: the two-outcome closed forms, finite differences of the
relaxed objective, the tau -> 0 limits, and Monte Carlo at a fixed seed within
5 exact standard errors.
"""

import math

import numpy as np
import pytest

from mcgrad import discrete as dc

Z = 5.0


@pytest.mark.parametrize("p,t", [(0.3, 0.45), (0.8, 0.45), (0.5, 0.1)])
def test_bernoulli_score_function_exact(p, t):
    f0, f1 = t**2, (1 - t) ** 2
    assert dc.exact_gradient(p, t) == pytest.approx(f1 - f0)
    assert dc.exact_objective(p, t) == pytest.approx((1 - p) * f0 + p * f1)
    # the two outcomes b = 0, 1 weighted by 1 - p and p
    terms = {0: f0 * (0 - p) / (p * (1 - p)), 1: f1 * (1 - p) / (p * (1 - p))}
    mean = (1 - p) * terms[0] + p * terms[1]
    var = (1 - p) * terms[0] ** 2 + p * terms[1] ** 2 - mean**2
    assert mean == pytest.approx(f1 - f0) and dc.score_variance(p, t) == pytest.approx(var)


def test_concrete_estimates_the_relaxed_gradient():
    p, h = 0.3, 1e-5
    for tau in [2.0, 0.5, 0.1, 0.01]:
        mean, _ = dc.moments("concrete", p, tau=tau)
        fd = (dc.relaxed_objective(p + h, tau) - dc.relaxed_objective(p - h, tau)) / (2 * h)
        assert mean == pytest.approx(fd, abs=1e-7)
    # tau -> 0: relaxed gradient -> f(1) - f(0), tau * Var -> int_0^1 f'(s)^2 s(1-s) ds / (p(1-p))
    mean, var = dc.moments("concrete", p, tau=1e-4)
    assert mean == pytest.approx(dc.exact_gradient(p), abs=1e-3)
    limit = 4 * (1 / 20 - 0.9 / 12 + 0.45**2 / 6) / (p * (1 - p))
    assert var * 1e-4 == pytest.approx(limit, rel=1e-3)
    assert dc.moments("concrete", p, tau=1.0)[0] < 0 < dc.exact_gradient(p)  # wrong sign at tau = 1


def test_monte_carlo_within_five_standard_errors():
    p, tau, n = 0.3, 0.5, 200_000
    noise = np.random.default_rng(7).logistic(size=n)
    assert dc.hard_sample(p, noise).mean() == pytest.approx(p, abs=Z * math.sqrt(p * (1 - p) / n))
    for name, terms in [("score_function", dc.score_terms(p, noise)),
                        ("concrete", dc.concrete_terms(p, noise, tau))]:
        mean, var = dc.moments(name, p, tau=tau)
        assert abs(terms.mean() - mean) < Z * math.sqrt(var / n)


def test_discrete_bad_input():
    noise = np.zeros(3)
    for p in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            dc.score_terms(p, noise)
    with pytest.raises(TypeError, match="noise"):
        dc.hard_sample(0.5, [0.1, 0.2])
    with pytest.raises(ValueError, match="tau must be > 0"):
        dc.concrete_terms(0.5, noise, -1.0)
    with pytest.raises(ValueError, match="tau must be given"):
        dc.moments("concrete", 0.5)
    with pytest.raises(ValueError, match="estimator"):
        dc.moments("gumbel", 0.5, tau=0.1)
    with pytest.raises(TypeError, match="p must be a real number"):
        dc.exact_gradient(True)
