"""mcgrad.stats: the two standard errors, checked against simulation and against bad input."""

import math

import numpy as np
import pytest

from mcgrad import stats


def test_mean_se_known_values():
    assert stats.mean_se(87.0, 100) == pytest.approx(math.sqrt(0.87))
    np.testing.assert_allclose(stats.mean_se([4.0, 87.0], 4), [1.0, math.sqrt(87) / 2])


def test_variance_se_gaussian_special_case():
    # m4 = 3 V^2 for a Gaussian, so eq. (b) reduces to V sqrt(2/(R-1)).
    assert stats.variance_se(2.0, 12.0, 101) == pytest.approx(2.0 * math.sqrt(2 / 100))
    assert stats.gaussian_variance_se(2.0, 101) == pytest.approx(2.0 * math.sqrt(2 / 100))


def test_variance_se_matches_simulation():
    # Exponential(1) values: V = 1, m4 = 9. The spread of 4000 sample variances of R = 50
    # values estimates SE[s^2]; its own relative standard error is about 1/sqrt(2*4000) < 2%,
    # inflated by the heavy tail, so 10% is several of its standard errors.
    rng = np.random.default_rng(7)
    s2 = rng.exponential(size=(4000, 50)).var(axis=1, ddof=1)
    assert s2.std(ddof=1) == pytest.approx(stats.variance_se(1.0, 9.0, 50), rel=0.10)


@pytest.mark.parametrize("call, match", [
    (lambda: stats.mean_se(-1.0, 10), "var must be >= 0"),
    (lambda: stats.mean_se(1.0, 0), "n must be >= 1"),
    (lambda: stats.mean_se(1.0, 2.5), "n must be an integer"),
    (lambda: stats.mean_se(float("nan"), 3), "var must contain only finite values"),
    (lambda: stats.mean_se("x", 3), "var must be real numbers"),
    (lambda: stats.mean_se(True, 3), "var must be real numbers"),
    (lambda: stats.mean_se("2", 3), "var must be real numbers"),
    (lambda: stats.mean_se(np.array([1j]), 3), "var must be real numbers"),
    (lambda: stats.mean_se(10**400, 3), "var must be within the float64 range"),
    (lambda: stats.variance_se(1.0, 10**400, 3), "m4 must be within the float64 range"),
    (lambda: stats.variance_se(1.0, 0.5, 10), "m4 must be >= var"),
    (lambda: stats.variance_se(1.0, 3.0, 1), "runs must be >= 2"),
    (lambda: stats.variance_se([1.0, 2.0], [3.0, 4.0, 5.0], 5), "broadcastable"),
    (lambda: stats.gaussian_variance_se(1.0, True), "runs must be an integer"),
])
def test_bad_input(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()
