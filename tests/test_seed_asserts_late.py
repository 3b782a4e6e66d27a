"""Seed-dependent asserts of notebooks 07, 08 and 10, rerun under 50 other seeds.

Each test repeats the computation behind one assert of a notebook (not the notebook
itself), with the notebook's settings and ``mcgrad``, for seeds 1..50.  Every tolerance
is derived in the notebook, so by that derivation each assert fails for at most one seed
in 10^4; the docstrings give the bound for each.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import mpmath as mp

from mcgrad import baselines, objectives, optimize, policies, stats

SEEDS = range(1, 51)
F = objectives.Square()
NAMES = ("score_function", "reparameterization")
THETA0, SIGMA, ETA, TOL = 3.0, 1.0, 0.1, 0.1


def _half_or_more(p):
    """P(Binomial(500, p) >= 250) = I_p(250, 251), the regularized incomplete beta."""
    return np.array([float(mp.betainc(250, 251, 0, v, regularized=True)) for v in p])


def median_range(n_, rng_, big=50_000, p_out=1e-6):
    """Notebook 07: the range the median of 500 pathwise first-passage times leaves
    with probability below p_out on each side (P(T <= t) from `big` fresh runs, moved
    by 5 standard errors to the unfavourable side)."""
    T = np.concatenate([optimize.sgd(  # 5 chunks; one normal per step suffices
        F, NAMES[1], THETA0, SIGMA, ETA, rng_.standard_normal((big // 5, 40, 1))
        / np.sqrt(n_)).steps_to_reach(TOL) for _ in range(5)])
    F_t = (T[:, None] <= np.arange(41)).mean(axis=0)
    dF = 5 * np.sqrt(F_t * (1 - F_t) / big)
    p_le = _half_or_more(np.minimum(F_t + dF, 1))  # >= P(median <= t)
    p_gt = 1 - _half_or_more(np.maximum(F_t - dF, 0))  # >= P(median > t)
    return int(np.argmax(p_le > p_out)), int(np.argmax(p_gt <= p_out))


@pytest.mark.parametrize("seed", SEEDS)
def test_07_pathwise_medians_within_derived_range(seed):
    """07, "Iterations and samples to reach a tolerance": each of the four pathwise
    medians (N = 1, 4, 16, 64) lies in its derived range.  Failure probability: at most
    2e-6 per N from the binomial tails plus 2 x 5.7e-7 from the 5-SE margin on P(T <= t),
    so at most 1.3e-5 for the assert."""
    rng = np.random.default_rng(seed)
    rng_T = np.random.default_rng([seed, 7])
    for n_ in (1, 4, 16, 64):
        e_n = optimize.draw_noise(rng, 500, 150, n_)
        hit = optimize.sgd(F, NAMES[1], THETA0, SIGMA, ETA, e_n).steps_to_reach(TOL)
        med = np.quantile(hit, 0.5, method="inverted_cdf")
        lo, hi = median_range(n_, rng_T)
        assert lo <= med <= hi, (n_, lo, med, hi)


@pytest.mark.parametrize("seed", SEEDS)
def test_08_running_baseline_bands(seed):
    """08, the late per-sample variances of the SGD runs (t >= 30): the exact bounds
    (pathwise 4, b* >= 6, no baseline >= 15, running baseline >= b* on the same path)
    cannot fail; the gap between no baseline and the running baseline is more than 5
    standard errors of its mean over 1000 independent runs, which fails with
    probability below 2.9e-7 whenever the true mean gap exceeds 10 standard errors
    (it is 160-220 standard errors for the seeds 1, 2 and 2026)."""
    rng = np.random.default_rng(seed)
    runs_n, steps, N = 1000, 60, 4
    eps = optimize.draw_noise(rng, runs_n, steps, N)
    running = baselines.RunningBaseline(F, 1.0, decay=0.9, b0=0.0)
    sf = optimize.sgd(F, "score_function", THETA0, 1.0, ETA, eps)
    rb = optimize.run(running, THETA0, ETA, eps)
    th_sf, th_b = sf.theta[:, :-1], rb.theta[:, :-1]
    v_sf = th_sf**4 + 14 * th_sf**2 + 15  # eq. (3) with b = 0, sigma = 1
    v_bstar = 8 * th_b**2 + 6
    v_b = v_bstar + (running.history - (th_b**2 + 3))**2  # V(b) = V(b*) + (b - b*)^2
    assert v_bstar[:, 30:].mean() >= 6 and v_sf[:, 30:].mean() >= 15
    assert np.all(v_b >= v_bstar)
    gap = v_sf[:, 30:].mean(axis=1) - v_b[:, 30:].mean(axis=1)
    assert gap.mean() > 5 * stats.mean_se(gap.var(ddof=1), runs_n)


@pytest.mark.parametrize("seed", SEEDS)
def test_10_finite_difference_tolerance(seed):
    """10, the density (2) against central differences of the distribution function (3):
    the tolerance is twice the truncation bound delta^2 |pi''| / 6 plus the rounding
    bound eps / delta, a stated floating-point error, so it does not depend on a seed.
    Here each seed draws another policy (mu, log sigma) to test the derivation away from
    the notebook's (0.5, log 1.2)."""
    rng = np.random.default_rng(seed)
    mu, log_sigma = rng.uniform(-2, 2), rng.uniform(math.log(0.2), math.log(3))
    a_grid, delta, h = np.linspace(-0.98, 0.98, 99), 1e-6, 1e-3
    cdf_up = policies.squashed_cdf(a_grid + delta, mu, log_sigma)
    cdf_down = policies.squashed_cdf(a_grid - delta, mu, log_sigma)
    density = policies.squashed_density(a_grid, mu, log_sigma)
    d2 = [policies.squashed_density(a_grid + s * h, mu, log_sigma) for s in (-1, 1)]
    curv = np.abs(d2[0] - 2 * density + d2[1]) / h**2
    fd_tol = 2 * (delta**2 * curv / 6 + np.finfo(float).eps / delta)
    assert np.all(np.abs(density - (cdf_up - cdf_down) / (2 * delta)) <= fd_tol)
