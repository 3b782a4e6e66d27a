"""mcgrad.group_baselines, group_sequences and group_explorer: known answers.

The exact moments are checked against (a) brute force over all K^N ordered groups, with the
advantages written out here independently, (b) SymPy identities with symbolic probabilities,
and (c) Monte Carlo within 5 standard errors at a fixed seed.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp

from mcgrad import group_baselines as gb
from mcgrad import group_explorer, group_sequences, stats


def brute_force(estimator, logits, rewards, N):
    """Mean and covariance of eq. (1) by summing over all K^N ordered groups."""
    pi = np.exp(logits - logits.max())
    pi /= pi.sum()
    K = pi.size
    mean, second = np.zeros(K), np.zeros((K, K))
    for group in itertools.product(range(K), repeat=N):
        f = rewards[list(group)]
        fbar = f.mean()
        if estimator == "reinforce":
            A = f
        elif estimator == "group_mean":
            A = f - fbar
        elif estimator == "rloo":
            A = f - (f.sum() - f) / (N - 1)
        else:
            sd = math.sqrt(sum((x - fbar) ** 2 for x in f) / (N - 1))
            A = (f - fbar) / (sd + 1e-4)
        g = sum(a * (np.eye(K)[k] - pi) for a, k in zip(A, group)) / N
        p = np.prod(pi[list(group)])
        mean += p * g
        second += p * np.outer(g, g)
    return mean, second - np.outer(mean, mean)


CASES = [
    (np.array([0.3, -0.2, 0.9]), np.array([1.0, 0.0, 0.0]), 4),
    (np.array([0.3, -0.2, 0.9]), np.array([2.0, -1.0, 0.5]), 3),
    (np.array([0.0, 1.0, -1.0, 0.5]), np.array([1.0, 0.0, 1.0, 0.0]), 3),
    (np.array([0.2, 0.1]), np.array([0.7, 0.7]), 5),  # all rewards equal
]


@pytest.mark.parametrize("estimator", gb.ESTIMATORS)
@pytest.mark.parametrize("logits,rewards,N", CASES)
def test_exact_moments_match_brute_force(estimator, logits, rewards, N):
    mean, cov = brute_force(estimator, logits, rewards, N)
    assert np.allclose(gb.expected_gradient(estimator, logits, rewards, N), mean,
                       rtol=0, atol=1e-12)
    assert np.allclose(gb.gradient_covariance(estimator, logits, rewards, N), cov,
                       rtol=0, atol=1e-12)


@pytest.mark.parametrize("logits,rewards,N", CASES[:3])
def test_sample_agrees_with_the_exact_moments_within_5_se(logits, rewards, N):
    R = 100_000
    draws = gb.sample(logits, rewards, N, np.random.default_rng(7), groups=R)
    u = np.linspace(1.0, -0.5, logits.size)  # a fixed projection for the variance check
    for name, g in draws.items():
        assert g.shape == (R, logits.size)
        mean, cov = gb.expected_gradient(name, logits, rewards, N), \
            gb.gradient_covariance(name, logits, rewards, N)
        se = np.sqrt(np.diag(cov) / R)
        assert np.all(np.abs(g.mean(axis=0) - mean) <= 5 * se + 1e-15), name
        proj = g @ u
        var = u @ cov @ u
        m4 = np.mean((proj - mean @ u) ** 4)  # fourth central moment, estimated
        assert abs(proj.var() - var) <= 5 * stats.variance_se(var, m4, R), name


def test_reinforce_and_rloo_unbiased_group_mean_shrunk_sympy():
    """Symbolic probabilities and rewards, K = 3, N = 3, all 27 ordered groups."""
    K, N = 3, 3
    p = sp.symbols("p0:3", positive=True)
    f = sp.symbols("f0:3", real=True)
    pi = [p[0], p[1], 1 - p[0] - p[1]]
    J = sum(pi[a] * f[a] for a in range(K))
    grad = [pi[k] * (f[k] - J) for k in range(K)]  # d J / d theta_k for pi = softmax(theta)
    means = {name: [0] * K for name in ("reinforce", "group_mean", "rloo")}
    for group in itertools.product(range(K), repeat=N):
        prob = sp.Mul(*[pi[a] for a in group])
        fs = [f[a] for a in group]
        fbar = sum(fs) / N
        adv = {"reinforce": fs, "group_mean": [x - fbar for x in fs],
               "rloo": [x - (sum(fs) - x) / (N - 1) for x in fs]}
        for name, A in adv.items():
            for k in range(K):
                score_k = [(1 if a == k else 0) - pi[k] for a in group]
                means[name][k] += prob * sum(x * s for x, s in zip(A, score_k)) / N
    for k in range(K):
        assert sp.expand(means["reinforce"][k] - grad[k]) == 0
        assert sp.expand(means["rloo"][k] - grad[k]) == 0
        assert sp.expand(means["group_mean"][k] - (1 - sp.Rational(1, N)) * grad[k]) == 0


def test_grpo_binary_is_parallel_with_scale_c_sympy():
    """One right answer among K = 3, N = 3, symbolic probabilities and eps."""
    N = 3
    p0, p1, eps = sp.symbols("p0 p1 epsilon", positive=True)
    pi = [p0, p1, 1 - p0 - p1]
    f = [1, 0, 0]
    mean = [0, 0, 0]
    for group in itertools.product(range(3), repeat=N):
        fs = [f[a] for a in group]
        fbar = sp.Rational(sum(fs), N)
        sd = sp.sqrt(sum((x - fbar) ** 2 for x in fs) / (N - 1))
        prob = sp.Mul(*[pi[a] for a in group])
        for k in range(3):
            score_k = [(1 if a == k else 0) - pi[k] for a in group]
            mean[k] += prob * sum((x - fbar) / (sd + eps) * s for x, s in zip(fs, score_k)) / N
    q = p0
    c = sum(sp.binomial(N, j) * q**j * (1 - q) ** (N - j) * j * (N - j) / N**2
            / (sp.sqrt(sp.Rational(j * (N - j), N * (N - 1))) + eps)
            for j in range(1, N)) / (q * (1 - q))
    grad = [pi[k] * (f[k] - q) for k in range(3)]
    for k in range(3):
        assert sp.simplify(mean[k] - c * grad[k]) == 0
    # and the module's binomial sum is that c, at eps = 1e-4
    value = float(c.subs({p0: sp.Rational(3, 10), eps: sp.Rational(1, 10**4)}))
    assert gb.scale("grpo", 0.3, N) == pytest.approx(value, rel=1e-13)


@pytest.mark.parametrize("N", [2, 3, 8, 33])
def test_scale_matches_expected_gradient(N):
    logits = np.array([0.4, -0.3, 1.1, 0.0, -0.8])
    rewards = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    q = float(gb.softmax(logits) @ rewards)
    grad = gb.objective_gradient(logits, rewards)
    for name in gb.ESTIMATORS:
        assert np.allclose(gb.expected_gradient(name, logits, rewards, N),
                           gb.scale(name, q, N) * grad, rtol=1e-12, atol=1e-15)
    assert gb.scale("group_mean", q, N) == pytest.approx(1 - 1 / N, rel=1e-12)
    assert gb.scale("rloo", q, N) == pytest.approx(1.0, rel=1e-12)


def test_grpo_scale_known_values():
    # N = 2: only m = 1 contributes, std = 1/sqrt(2): c = 2 q (1-q) (1/4) / (..) / (q (1-q))
    assert gb.scale("grpo", 0.23, 2) == pytest.approx(0.5 / (1 / math.sqrt(2) + 1e-4), rel=1e-13)
    # large N: c -> 1 / sqrt(q (1 - q)) (the eps shift is 1e-4 relative)
    assert gb.scale("grpo", 0.3, 4096) == pytest.approx(1 / math.sqrt(0.21), rel=2e-3)
    # N = 3: both kinds of mixed group (1 or 2 right) have std sqrt(1/3), so c is flat in q
    c3 = (2 / 3) / (math.sqrt(1 / 3) + 1e-4)
    assert all(gb.scale("grpo", x, 3) == pytest.approx(c3, rel=1e-13) for x in (0.05, 0.5, 0.8))
    # symmetric in q <-> 1 - q
    assert gb.scale("grpo", 0.1, 16) == pytest.approx(gb.scale("grpo", 0.9, 16), rel=1e-12)


def test_grpo_zero_for_all_equal_groups_and_their_frequency():
    logits, rewards, N, R = gb.logits_for(0.2, 4), np.eye(4)[0], 4, 200_000
    draws = gb.sample(logits, rewards, N, np.random.default_rng(3), groups=R)
    zero = np.all(draws["grpo"] == 0, axis=1)
    exact = 0.2**N + 0.8**N
    assert abs(zero.mean() - exact) <= 5 * math.sqrt(exact * (1 - exact) / R)
    # the same groups, and only those, give zero for the group mean and RLOO
    for name in ("group_mean", "rloo"):
        assert np.array_equal(np.all(draws[name] == 0, axis=1), zero)


def test_two_prompts_angle():
    logits = np.array([gb.logits_for(0.1, 4), gb.logits_for(0.5, 4)])
    rewards = np.tile(np.eye(4)[0], (2, 1))
    grad = gb.objective_gradient(logits, rewards)
    assert np.allclose(grad[0], gb.objective_gradient(logits[0], rewards[0]) / 2)
    for name in ("reinforce", "group_mean", "rloo"):
        assert gb.angle(gb.expected_update(name, logits, rewards, 8), grad) < 1e-5
    assert gb.angle(gb.expected_update("grpo", logits, rewards, 2), grad) < 1e-5
    # the angle from the scales: (c1 |v1|, c2 |v2|) against (|v1|, |v2|), |v_j| ~ q_j (1 - q_j)
    c1, c2 = gb.scale("grpo", 0.1, 8), gb.scale("grpo", 0.5, 8)
    expect = math.degrees(math.atan2(0.25, 0.09) - math.atan2(0.25 * c2, 0.09 * c1))
    assert gb.angle(gb.expected_update("grpo", logits, rewards, 8), grad) == pytest.approx(
        expect, rel=1e-9)
    assert c1 > c2 and expect > 4  # the hard prompt is weighted up
    sym = np.array([gb.logits_for(0.1, 4), gb.logits_for(0.9, 4)])
    assert gb.angle(gb.expected_update("grpo", sym, rewards, 8),
                    gb.objective_gradient(sym, rewards)) < 1e-5


def test_optimal_baseline_and_baseline_variance():
    logits, rewards = np.array([0.3, -0.2, 0.9, 0.1]), np.array([1.0, 0.0, 0.5, 0.0])
    b_star = gb.optimal_baseline(logits, rewards)
    v = gb.baseline_variance(logits, rewards, b_star)
    for db in (-0.1, -1e-3, 1e-3, 0.1):
        assert gb.baseline_variance(logits, rewards, b_star + db) > v
    N = 5
    cov = gb.gradient_covariance("reinforce", logits, rewards, N)
    assert np.trace(cov) * N == pytest.approx(gb.baseline_variance(logits, rewards, 0.0),
                                              rel=1e-12)


def test_sequences_toy():
    logits, T = np.array([-1.0, 0.5, 0.5]), 6
    toy = group_sequences.sequences(logits, T)
    assert toy["prob"].sum() == pytest.approx(1.0, abs=1e-15)
    assert np.allclose(toy["prob"] @ toy["score"], 0, atol=1e-15)  # E[score] = 0
    assert set(toy["length"]) == set(range(2, T + 1))
    sig = 1 / (1 + math.e)
    true = np.array([sig * (1 - sig), 0, 0])
    for name in ("reinforce", "rloo"):
        assert np.allclose(group_sequences.sequence_expected_gradient(name, logits, 4, T, "sum"),
                           true, atol=1e-15)
        assert np.allclose(
            group_sequences.sequence_expected_gradient(name, logits, 4, T, "constant"),
            true / T, atol=1e-15)
    for name in ("group_mean", "rloo", "grpo"):
        g = group_sequences.sequence_expected_gradient(name, logits, 8, T, "length")
        assert g[1] < 0 < g[2]  # shorter right answers, longer wrong ones


def test_sequences_monte_carlo_within_5_se():
    logits, T, N, R = np.array([-0.5, 0.8, 0.2]), 5, 4, 100_000
    toy = group_sequences.sequences(logits, T)
    rng = np.random.default_rng(11)
    idx = rng.choice(toy["prob"].size, size=(R, N), p=toy["prob"])
    f = toy["reward"][idx]
    dev = f - f.mean(axis=1, keepdims=True)
    terms = dev[..., None] * toy["score"][idx] / toy["length"][idx][..., None]
    g = terms.mean(axis=1)
    exact = group_sequences.sequence_expected_gradient("group_mean", logits, N, T, "length")
    se = g.std(axis=0, ddof=1) / math.sqrt(R)
    assert np.all(np.abs(g.mean(axis=0) - exact) <= 5 * se)


def test_explorer_view_and_show(capsys):
    view = group_explorer.two_prompt_view(0.1, 0.5, 8, "grpo")
    assert view.angle == pytest.approx(4.50, abs=0.01)
    assert np.allclose(view.update / view.gradient, view.scales)
    assert np.allclose(view.all_equal, [0.9**8 + 0.1**8, 2 * 0.5**8])
    assert view.probs.sum() == pytest.approx(1.0, abs=1e-14)
    centre = view.probs @ view.points
    assert np.allclose(centre, view.update, rtol=1e-12)
    assert np.allclose(np.sqrt(view.probs @ (view.points - centre) ** 2), view.sd, rtol=1e-9)
    import matplotlib
    matplotlib.use("Agg")
    group_explorer.show(0.1, 0.5, 8, "rloo")
    assert "angle 0.00 deg" in capsys.readouterr().out
    box = group_explorer.build(0.1, 0.5, 8, "grpo")
    assert len(box.children) == 3


@pytest.mark.parametrize("call,match", [
    (lambda: gb.expected_gradient("ppo", np.zeros(3), np.zeros(3), 4), "estimator must be"),
    (lambda: gb.expected_gradient("grpo", np.zeros(3), np.zeros(4), 4), "rewards must have"),
    (lambda: gb.expected_gradient("grpo", np.zeros(3), np.zeros(3), 1), "N must be >= 2"),
    (lambda: gb.expected_gradient("grpo", np.zeros(3), np.zeros(3), 2.0), "N must be an int"),
    (lambda: gb.expected_gradient("grpo", np.array([0.0, 60.0]), np.zeros(2), 4), "logits must"),
    (lambda: gb.expected_gradient("grpo", np.zeros(1), np.zeros(1), 4), "logits must hold K"),
    (lambda: gb.expected_gradient("grpo", np.zeros(3), np.array([0, 1, 2e6]), 4), "rewards"),
    (lambda: gb.gradient_covariance("grpo", np.zeros(40), np.arange(40.0), 200), "budget"),
    (lambda: gb.sample(np.zeros(3), np.zeros(3), 4, 0), "rng must be"),
    (lambda: gb.sample(np.zeros(3), np.zeros(3), 4000, np.random.default_rng(0), 2000),
     "groups"),
    (lambda: gb.scale("grpo", 1.0, 4), "q must be"),
    (lambda: gb.logits_for(1e-30, 4), "q = "),
    (lambda: gb.angle(np.zeros(2), np.ones(2)), "u must not be zero"),
    (lambda: gb.expected_update("grpo", np.zeros(3), np.zeros(3), 4), "logits must be a 2-d"),
    (lambda: group_sequences.sequences(np.zeros(4), 5), "logits must have shape"),
    (lambda: group_sequences.sequence_expected_gradient("grpo", np.zeros(3), 4, 5, "mean"),
     "weighting must be"),
    (lambda: group_explorer.two_prompt_view(0.0, 0.5, 8, "grpo"), "q1 must be within"),
    (lambda: group_explorer.build(0.1, 0.5, 5, "grpo"), "N must be one of"),
])
def test_bad_inputs(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_group_updates_one_group_by_hand():
    logits, rewards = np.array([0.0, 0.5, -0.5]), np.array([1.0, 0.0, 0.0])
    pi = gb.softmax(logits)
    answers = np.array([0, 1, 1, 2])  # rewards 1, 0, 0, 0: mean 1/4, sample std 1/2
    out = gb.group_updates(answers, logits, rewards)
    scores = np.eye(3)[answers] - pi
    A = np.array([0.75, -0.25, -0.25, -0.25])
    assert np.allclose(out["group_mean"][0], A @ scores / 4, atol=1e-15)
    assert np.allclose(out["rloo"][0], (4 / 3) * A @ scores / 4, atol=1e-15)
    assert np.allclose(out["grpo"][0], A / (0.5 + 1e-4) @ scores / 4, atol=1e-15)
    assert np.allclose(out["reinforce"][0], np.array([1, 0, 0, 0]) @ scores / 4, atol=1e-15)
    same = gb.group_updates(np.array([[1, 2, 1, 2]]), logits, rewards)  # all rewards 0
    assert all(np.all(same[n] == 0) for n in ("group_mean", "rloo", "grpo"))


def test_nb13_exercise_answers_match_closed_forms():
    from mcgrad import exercises
    from mcgrad.exercises import _REGISTRY

    exercises.registered("13")
    assert _REGISTRY["13.1"].expected() == pytest.approx(0.3**4 + 0.7**4, rel=1e-12)
    # population std: std_m = sqrt(m (N - m)) / N in the binomial sum of c(q, N)
    m = np.arange(1, 6)
    w = np.array([math.comb(6, k) for k in m]) * 0.2**m * 0.8 ** (6 - m)
    pop = np.sum(w * m * (6 - m) / (36 * (np.sqrt(m * (6 - m)) / 6 + 1e-4))) / 0.16
    assert _REGISTRY["13.2"].expected() == pytest.approx(pop, rel=1e-12)
    assert _REGISTRY["13.3"].expected() == "parallel"
    assert exercises.check("13.3", "sideways") is False  # one line, never an exception
