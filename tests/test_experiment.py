"""Reproducibility, accuracy, memory bound and input errors of mcgrad.experiment.

Statistical checks use a fixed seed and 5 exact standard errors.  The exact
per-sample variances are checked independently of mcgrad.moments by
Gauss-Hermite quadrature of the estimators' own terms.
"""

import math
import tracemalloc

import numpy as np
import pytest

from mcgrad import estimators as est
from mcgrad import experiment as ex
from mcgrad import objectives as ob

Z = 5.0  # standard errors
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
WEIGHTS = WEIGHTS / math.sqrt(2 * math.pi)
FIELDS = ("mean", "var", "var_se", "exact_mean", "exact_var", "exact_var_se")


def quadrature_var(name, f, theta, sigma, wrt="theta"):
    terms = est.get(name)(f, theta, sigma, NODES, wrt=wrt)
    mean = WEIGHTS @ terms
    return float(WEIGHTS @ (terms - mean) ** 2)


def run(Ns=(1, 7, 100, 3000), runs=500, seed=11, f=None, **kw):
    f = ob.Square() if f is None else f
    return ex.variance_experiment(f, 2.0, 1.0, list(Ns), runs, np.random.default_rng(seed), **kw)


def assert_identical(a, b):
    assert np.array_equal(a.Ns, b.Ns) and a.names == b.names
    for field in FIELDS:
        for name in a.names:
            assert np.array_equal(getattr(a, field)[name], getattr(b, field)[name]), (field, name)
    assert np.array_equal(a.ratio, b.ratio)


def test_bit_identical_whatever_the_budget_and_the_threads():
    """Chunks (down to one run) and threads never change a single bit."""
    reference = run(threads=1)
    smallest = ex.BYTES_PER_DRAW * 3000 + 8 * 2 * 500  # one run of N = 3000 plus run means
    for kw in [dict(max_bytes=smallest, threads=1), dict(max_bytes=3 * smallest + 7, threads=2),
               dict(max_bytes=smallest, threads=2), dict(threads=2), dict(threads=3), dict()]:
        assert_identical(reference, run(**kw))


def test_same_seed_same_result_and_each_N_has_its_own_stream():
    assert_identical(run(), run())
    both, alone = run(Ns=(10, 100)), run(Ns=(100,))
    assert both.var["score_function"][1] == alone.var["score_function"][0]
    assert run(seed=12).var["score_function"][0] != run().var["score_function"][0]


def test_matches_a_float64_reference_on_the_same_stream():
    """The documented stream (root seed, spawn_key=(N, block)) summed in float64 at N = 100000."""
    n, runs, seed = 100_000, 20, 5
    result = run(Ns=(n,), runs=runs, seed=seed, threads=2)
    root = np.random.default_rng(seed).integers(0, 2**63, size=4, dtype=np.uint64).tolist()
    rb = ex.block_runs(n)
    means = {k: [] for k in est.ESTIMATORS}
    for j in range(-(-runs // rb)):
        gen = np.random.Generator(np.random.SFC64(np.random.SeedSequence(root, spawn_key=(n, j))))
        eps = gen.standard_normal((min(rb, runs - j * rb), n), dtype=np.float32).astype(np.float64)
        for k in est.ESTIMATORS:
            means[k] += [math.fsum(row) / n for row in est.get(k)(ob.Square(), 2.0, 1.0, eps)]
    for k in est.ESTIMATORS:
        sd = math.sqrt(result.exact_var[k][0])
        assert abs(result.mean[k][0] - np.mean(means[k])) < 1e-4 * sd
        assert result.var[k][0] == pytest.approx(np.var(means[k], ddof=1), rel=1e-4)


CASES = [(ob.Square(), 2.0, 1.0, "theta"), (ob.Square(), 0.0, 1.0, "theta"),
         (ob.ShiftedSquare(1.0), -0.5, 1.7, "sigma"), (ob.Linear(-2.0), 1.0, 0.5, "sigma"),
         (ob.Step(), 0.3, 1.0, "theta")]


@pytest.mark.parametrize("f,theta,sigma,wrt", CASES, ids=lambda c: repr(c))
def test_within_five_standard_errors_of_exact(f, theta, sigma, wrt):
    Ns = np.array([1, 10, 100, 1000])
    r = ex.variance_experiment(f, theta, sigma, Ns, 3000, np.random.default_rng(2026), wrt=wrt)
    exact_grad = f.gradient(theta, sigma) if wrt == "theta" else f.gradient_sigma(theta, sigma)
    assert r.names == (est.ESTIMATORS if f.differentiable else ("score_function",))
    for k in r.names:
        np.testing.assert_allclose(r.exact_mean[k], exact_grad, atol=1e-12)
        if not isinstance(f, ob.Step):  # quadrature is exact for polynomial terms
            np.testing.assert_allclose(r.exact_var[k], quadrature_var(k, f, theta, sigma, wrt) / Ns,
                                       rtol=1e-9, atol=1e-15)
        assert np.all(np.abs(r.mean[k] - r.exact_mean[k]) <= Z * r.mean_se(k) + 1e-12), k
        assert np.all(np.abs(r.var[k] - r.exact_var[k]) <= Z * r.exact_var_se[k] + 1e-12), k


def test_running_example_ratio_and_table():
    r = run(Ns=(10, 1000), runs=2000)
    np.testing.assert_allclose(r.exact_ratio, 87 / 4)
    np.testing.assert_allclose(r.exact_var["score_function"], [8.7, 0.087])
    table = r.table().splitlines()
    assert len(table) == 3 and table[0].split()[0] == "N" and "21.75" in table[1]
    with pytest.raises(ValueError, match="name"):
        r.mean_se("pathwise")
    with pytest.raises(AttributeError):
        r.runs = 3
    with pytest.raises(ValueError):
        r.var["score_function"][0] = 1.0


@pytest.mark.parametrize("f", [ob.Square(), ob.ShiftedSquare(1.0), ob.Linear(-2.0),
                               ob.Constant(3.0), ob.Step()], ids=repr)
@pytest.mark.parametrize("wrt", ["theta", "sigma"])
def test_fused_kernel_equals_the_estimators(f, wrt):
    eps32 = np.random.default_rng(3).standard_normal((4, 1000), dtype=np.float32)
    names = est.ESTIMATORS if f.differentiable else ("score_function",)
    for eps, rtol in [(eps32, 1e-5), (eps32.astype(np.float64), 1e-12)]:
        fused = ex._fused_means(f, 0.7, 1.3, eps, wrt, names)
        assert set(fused) == set(names)
        for k in names:
            terms = est.get(k)(f, 0.7, 1.3, eps.astype(np.float64), wrt=wrt)
            scale = np.abs(terms).mean() + 1e-300
            np.testing.assert_allclose(fused[k], terms.mean(axis=1), rtol=0, atol=rtol * scale)


def test_memory_budget_is_enforced_and_respected():
    with pytest.raises(ValueError, match=r"max_bytes=268435456 is too small: one run of N=100000000"):
        run(Ns=(10, 10**8), runs=2)
    with pytest.raises(ValueError, match="max_bytes=1000 is too small"):
        run(Ns=(100,), runs=2, max_bytes=1000)
    budget = 2 * 2**20
    run(Ns=(20_000,), runs=40, max_bytes=budget)  # warm-up: SymPy caches
    tracemalloc.start()
    run(Ns=(20_000,), runs=40, max_bytes=budget)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak <= budget, peak


BAD = [
    (dict(objective=lambda x: x * x), TypeError, "objective must be an mcgrad"),
    (dict(theta=float("nan")), ValueError, "theta must be finite"),
    (dict(theta="2"), TypeError, "theta must be a real number"),
    (dict(sigma=0.0), ValueError, "sigma must be > 0"),
    (dict(Ns=[]), ValueError, "Ns must be a non-empty 1-D sequence"),
    (dict(Ns=np.array([[10, 100]])), TypeError, "Ns must be a 1-D sequence of ints"),
    (dict(Ns=[10, [100]]), TypeError, r"Ns\[1\] must be an integer, got \[100\]"),
    (dict(Ns=10), TypeError, "Ns must be a 1-D sequence of ints, got 10 of type int"),
    (dict(Ns="10"), TypeError, "Ns must be a 1-D sequence of ints, got '10' of type str"),
    (dict(Ns=[10, 0]), ValueError, r"Ns\[1\] must be >= 1, got 0"),
    (dict(Ns=[10, True]), TypeError, r"Ns\[1\] must be an integer, got True"),
    (dict(Ns=[10, 2.5]), TypeError, r"Ns\[1\] must be an integer, got 2.5"),
    (dict(Ns=np.array([10.0])), TypeError, r"Ns\[0\] must be an integer"),
    (dict(Ns=[10, 10]), ValueError, "Ns must not repeat a sample size"),
    (dict(runs=1), ValueError, "runs must be >= 2, got 1"),
    (dict(runs=100.0), TypeError, "runs must be an integer, got 100.0"),
    (dict(runs=False), TypeError, "runs must be an integer, got False"),
    (dict(rng=np.random.RandomState(0)), TypeError, "rng must be a numpy.random.Generator"),
    (dict(rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (dict(max_bytes=0), ValueError, "max_bytes must be >= 1, got 0"),
    (dict(max_bytes=1e9), TypeError, "max_bytes must be an integer"),
    (dict(threads=0), ValueError, "threads must be >= 1, got 0"),
    (dict(threads=True), TypeError, "threads must be an integer, got True"),
    (dict(wrt="mu"), ValueError, "wrt must be one of"),
]


@pytest.mark.parametrize("bad,error,message", BAD, ids=lambda v: repr(v)[:40])
def test_bad_inputs_raise_with_a_clear_message(bad, error, message):
    args = dict(objective=ob.Square(), theta=2.0, sigma=1.0, Ns=[10, 100], runs=100,
                rng=np.random.default_rng(0))
    bad = dict(bad)
    kw = {k: bad.pop(k) for k in ("max_bytes", "threads", "wrt") if k in bad}
    args.update(bad)
    with pytest.raises(error, match=message):
        ex.variance_experiment(**args, **kw)


def test_exact_variance_se_is_exact_for_the_step():
    """The exact fourth moment behind exact_var_se is right across the jump of 1[x > 0].

    Independent check: Simpson's rule in eps on each side of the jump at
    eps = -theta/sigma, against the N = 1 values the engine reports.
    """
    theta, sigma, runs = 0.3, 0.8, 1000
    jump = -theta / sigma
    below, above = np.linspace(-12.0, jump, 200_001), np.linspace(jump, 12.0, 200_001)

    def simpson(e, y):
        y = y * np.exp(-e**2 / 2) / math.sqrt(2 * math.pi)
        return (e[1] - e[0]) / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum())

    def expect(g):  # score-function term: 0 below the jump, eps / sigma above it
        return simpson(below, g(np.zeros_like(below))) + simpson(above, g(above / sigma))

    mean = expect(lambda t: t)
    var = expect(lambda t: (t - mean) ** 2)
    m4 = expect(lambda t: (t - mean) ** 4)
    se = math.sqrt((m4 - (runs - 3) / (runs - 1) * var**2) / runs)
    result = ex.variance_experiment(ob.Step(), theta, sigma, [1], runs, np.random.default_rng(0))
    assert result.exact_var["score_function"][0] == pytest.approx(var, rel=1e-9)
    assert result.exact_var_se["score_function"][0] == pytest.approx(se, rel=1e-9)
