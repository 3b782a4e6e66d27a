"""The Monte Carlo variance experiment of notebook 05: chunked, memory-bounded, fast.

For each sample size N, ``runs`` runs each draw N standard normals eps, set
x = theta + sigma*eps and average each estimator's per-sample terms on the SAME
eps (common random numbers); the mean and variance (ddof=1) of the ``runs``
estimates are reported next to their exact values::

    g_hat(N) = (1/N) sum_i term(eps_i),   Var[g_hat(N)] = Var[term] / N    (the 1/N law)

Random stream: ``rng`` only supplies a root seed.  The runs of each N are cut
into fixed logical blocks of ``block_runs(N)`` runs; block j draws from its own
``SFC64`` generator seeded by ``SeedSequence(root, spawn_key=(N, j))``.  Chunks
(bounded by ``max_bytes``) and threads only decide which whole runs of a block
are drawn together, never which numbers are drawn or how a run is summed, so
results are bit-identical for every ``max_bytes`` and ``threads``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from mcgrad import _checks, estimators, quadrature
from mcgrad.objectives import Objective

BLOCK_ELEMENTS = 2**20  # draws per logical block: fixes the random stream
MAX_BLOCK_RUNS = 2**14  # runs per logical block when N is small
TILE_ELEMENTS = 2**16   # draws per chunk when the budget allows (fits in L2 cache)
BYTES_PER_DRAW = 20     # float32 eps + x + f(x) + eps^2 - 1 + f'(x) work arrays
MAX_TOTAL_DRAWS = 2**34  # runs * sum(Ns): 16 times notebook 05's full experiment


# Pyodide (the browser runtime, ``sys.platform == "emscripten"``) cannot start threads;
# there every experiment runs its blocks serially.  Results do not depend on the number of
# worker threads (see above), so they are the same numbers as on the native route.
CAN_START_THREADS = sys.platform != "emscripten"


def block_runs(n: int) -> int:
    """Runs per logical block for sample size ``n`` (independent of budget and threads)."""
    n = _checks.integer("n", n, minimum=1)
    return max(1, min(MAX_BLOCK_RUNS, BLOCK_ELEMENTS // n))


@dataclass(frozen=True)
class ExperimentResult:
    """Outcome of :func:`variance_experiment`; every array has one entry per N.

    ``mean[name]``, ``var[name]``: mean and variance (ddof=1) over runs of the
    N-sample estimates.  ``var_se[name]``: standard error of ``var`` from the
    SAMPLE fourth central moment m4 of the estimates, sqrt((m4 - (R-3)/(R-1) var^2)/R)
    for R runs.  ``exact_mean``, ``exact_var`` (= per-sample variance / N) come
    from :mod:`mcgrad.moments`; ``exact_var_se`` is the same standard error with
    the exact fourth moment (composite quadrature of :mod:`mcgrad.quadrature`,
    accurate to rounding for polynomial f and for the step).
    ``ratio`` = var score / var reparameterization (None if only one estimator).
    """

    objective: str
    theta: float
    sigma: float
    wrt: str
    Ns: np.ndarray
    runs: int
    names: tuple[str, ...]
    mean: Mapping[str, np.ndarray]
    var: Mapping[str, np.ndarray]
    var_se: Mapping[str, np.ndarray]
    exact_mean: Mapping[str, np.ndarray]
    exact_var: Mapping[str, np.ndarray]
    exact_var_se: Mapping[str, np.ndarray]
    ratio: np.ndarray | None
    exact_ratio: np.ndarray | None

    def mean_se(self, name: str) -> np.ndarray:
        """Exact standard error of ``mean[name]``: sqrt(exact_var / runs)."""
        _checks.choice("name", name, self.names)
        return np.sqrt(self.exact_var[name] / self.runs)

    def table(self) -> str:
        """The results as a fixed-width text table: means, variances with exact values, ratio."""
        short = {"score_function": "score", "reparameterization": "reparam"}
        cols = [("N", 7, "d", self.Ns)] + [(f"mean {short[k]}", 13, ".4f", self.mean[k])
                                           for k in self.names]
        for k in self.names:
            cols += [(f"var {short[k]}", 12, ".4e", self.var[k]),
                     ("exact", 10, ".4e", self.exact_var[k])]
        if self.ratio is not None:
            cols += [("ratio", 7, ".2f", self.ratio), ("exact", 7, ".2f", self.exact_ratio)]
        lines = [" ".join(f"{head:>{w}}" for head, w, _, _ in cols)]
        lines += [" ".join(f"{v[i]:>{w}{fmt}}" for _, w, fmt, v in cols) for i in range(len(self.Ns))]
        return "\n".join(lines)


def _fused_means(objective: Objective, theta: float, sigma: float, eps: np.ndarray,
                 wrt: str, names: Sequence[str], work: np.ndarray | None = None
                 ) -> dict[str, np.ndarray]:
    """Per-run means (float64, shape eps.shape[:-1]) of each estimator's terms.

    ``eps`` has shape (runs, N), one run per row.  Equals ``estimators.<name>(...,
    eps).mean(axis=-1)`` up to rounding; sums rows pairwise in eps's dtype, x in ``work``.
    """
    n = eps.shape[-1]
    x = np.multiply(eps, sigma, out=work)
    x += theta  # x = theta + sigma*eps
    out = {}
    if "score_function" in names:
        t = _fresh(objective.value(x), x)
        t *= eps if wrt == "theta" else eps * eps - 1  # f(x) eps or f(x) (eps^2 - 1); / sigma below
        out["score_function"] = t.sum(axis=-1).astype(np.float64) / (n * sigma)
    if "reparameterization" in names:
        d = _fresh(objective.derivative(x), x)
        if wrt == "sigma":
            d *= eps  # f'(x) eps
        out["reparameterization"] = d.sum(axis=-1).astype(np.float64) / n
    return out


def _fresh(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``a`` if it is a new array of x's dtype, else a copy (so x is never overwritten)."""
    return a.astype(x.dtype) if np.may_share_memory(a, x) or a.dtype != x.dtype else a


def _validate(objective, theta, sigma, Ns, runs, rng, max_bytes, threads, wrt):
    _checks.objective("objective", objective)
    theta = _checks.real_scalar("theta", theta)
    sigma = _checks.positive_scalar("sigma", sigma)
    if (isinstance(Ns, (str, bytes)) or not isinstance(Ns, (Sequence, np.ndarray))
            or isinstance(Ns, np.ndarray) and Ns.ndim != 1):
        raise TypeError(f"Ns must be a 1-D sequence of ints, got {Ns!r} of type {type(Ns).__name__}")
    if len(Ns) == 0:
        raise ValueError(f"Ns must be a non-empty 1-D sequence of ints >= 1, got {Ns!r}")
    Ns = [_checks.integer(f"Ns[{k}]", n, minimum=1) for k, n in enumerate(Ns)]
    if len(set(Ns)) != len(Ns):
        raise ValueError(f"Ns must not repeat a sample size, got {Ns}")
    runs = _checks.integer("runs", runs, minimum=2)
    if runs * sum(Ns) > MAX_TOTAL_DRAWS:
        raise ValueError(f"runs * sum(Ns) = {runs * sum(Ns):.3g} draws exceeds the budget of "
                         f"{MAX_TOTAL_DRAWS:.3g} (hours of work); reduce runs or Ns")
    _checks.generator("rng", rng)
    max_bytes = _checks.integer("max_bytes", max_bytes, minimum=1)
    if threads is not None:
        threads = _checks.integer("threads", threads, minimum=1)
    _checks.choice("wrt", wrt, estimators.WRT)
    return theta, sigma, np.array(Ns, dtype=np.int64), runs, max_bytes, threads


def variance_experiment(objective: Objective, theta: float, sigma: float,
                        Ns: Sequence[int], runs: int, rng: np.random.Generator, *,
                        max_bytes: int = 256 * 2**20, threads: int | None = None,
                        wrt: str = "theta") -> ExperimentResult:
    """Run ``runs`` N-sample estimates of d/d(wrt) E[f(x)], x ~ N(theta, sigma^2), per N.

    Both estimators (only the score function for a non-differentiable f) use the
    same float32 draws.  At most ``max_bytes`` of draws and work arrays
    (``BYTES_PER_DRAW`` per draw, plus 8 bytes per run of a block per estimator)
    are in flight across ``threads`` worker threads (default: available cores).
    Raises ``ValueError`` when one run of the largest N does not fit the budget.
    Introduced in notebook 05 (``05-monte-carlo-experiment.ipynb``).
    """
    theta, sigma, Ns, runs, max_bytes, threads = _validate(
        objective, theta, sigma, Ns, runs, rng, max_bytes, threads, wrt)
    names = estimators.ESTIMATORS if objective.differentiable else ("score_function",)
    rb = [min(runs, block_runs(int(n))) for n in Ns]
    fixed = 8 * len(names) * max(rb)
    one_run = BYTES_PER_DRAW * int(Ns.max()) + fixed
    if one_run > max_bytes:
        raise ValueError(f"max_bytes={max_bytes} is too small: one run of N={int(Ns.max())} "
                         f"needs {one_run} bytes ({BYTES_PER_DRAW} bytes per draw for draws and "
                         f"work arrays, plus {fixed} bytes of per-run means); raise max_bytes "
                         f"to at least {one_run} or use a smaller N")
    tasks = [(i, j) for i, n in enumerate(Ns) for j in range(-(-runs // rb[i]))]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = max(1, min(threads or cores or 1, len(tasks), max_bytes // one_run))
    if not CAN_START_THREADS:
        workers = 1  # e.g. Pyodide in a browser: runs serially, with identical results
    per_worker = (max_bytes // workers - fixed) // BYTES_PER_DRAW  # draws per chunk
    tile = [max(1, min(rb[i], TILE_ELEMENTS // n, per_worker // n)) for i, n in enumerate(Ns)]
    tile_elems = max(t * int(n) for t, n in zip(tile, Ns))
    root = rng.integers(0, 2**63, size=4, dtype=np.uint64).tolist()
    exact = {k: _exact(k, objective, theta, sigma, wrt, Ns, runs) for k in names}
    stats = [np.zeros((-(-runs // rb[i]), len(names), 4)) for i in range(len(Ns))]
    local = threading.local()

    def work(task: tuple[int, int]) -> None:
        i, j = task
        n = int(Ns[i])
        if not hasattr(local, "eps"):  # per-thread buffers, allocated once
            local.eps, local.x = np.empty((2, tile_elems), np.float32)
            local.means = np.empty((len(names), max(rb)))
        gen = np.random.Generator(np.random.SFC64(np.random.SeedSequence(root, spawn_key=(n, j))))
        rows = min(rb[i], runs - j * rb[i])
        for a in range(0, rows, tile[i]):
            k = min(tile[i], rows - a)
            eps = local.eps[:k * n].reshape(k, n)
            gen.standard_normal(dtype=np.float32, out=eps)
            means = _fused_means(objective, theta, sigma, eps, wrt, names,
                                 local.x[:k * n].reshape(k, n))
            for m, name in enumerate(names):
                local.means[m, a:a + k] = means[name]
        for m, name in enumerate(names):
            d = local.means[m, :rows] - exact[name][0][i]  # deviations from the exact mean
            stats[i][j, m] = [np.sum(d**p) for p in (1, 2, 3, 4)]

    if workers == 1:
        list(map(work, tasks))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, tasks))
    return _collect(objective, theta, sigma, wrt, Ns, runs, names, stats, exact)


def _var_se(mu4, var, runs: int):
    """SE of a ddof=1 sample variance of ``runs`` values: sqrt((mu4 - (R-3)/(R-1) var^2) / R)."""
    return np.sqrt(np.maximum(0.0, (mu4 - (runs - 3) / (runs - 1) * var * var) / runs))


def _exact(name, objective, theta, sigma, wrt, Ns, runs):
    """Exact mean, variance, variance SE over Ns: s2 from moments, m4 by quadrature."""
    from mcgrad import moments  # imported here: SymPy work only when needed
    mean, s2 = moments.estimator_moments(name, objective, theta, sigma, wrt=wrt)
    # composite rule with a breakpoint at x = 0: exact for polynomial f and for the step
    nodes, weights = quadrature.normal_rule(theta, sigma, kink=0.0)
    terms = estimators.get(name)(objective, theta, sigma, nodes, wrt=wrt)
    m4 = float(weights @ (terms - weights @ terms) ** 4)
    n = Ns.astype(np.float64)
    mu4 = (m4 + 3 * (n - 1) * s2 * s2) / n**3  # 4th central moment of an N-sample mean
    return np.full(n.shape, float(mean)), s2 / n, _var_se(mu4, s2 / n, runs)


def _collect(objective, theta, sigma, wrt, Ns, runs, names, stats, exact):
    out = {key: {} for key in ("mean", "var", "var_se", "exact_mean", "exact_var", "exact_var_se")}
    for m, k in enumerate(names):
        # raw power sums of d = estimate - exact mean, added in block order
        s1, s2, s3, s4 = np.array([st[:, m].sum(axis=0) for st in stats]).T / runs
        var = (s2 - s1 * s1) * runs / (runs - 1)
        m4 = s4 - 4 * s1 * s3 + 6 * s1**2 * s2 - 3 * s1**4  # central 4th moment
        out["mean"][k], out["var"][k], out["var_se"][k] = exact[k][0] + s1, var, _var_se(m4, var, runs)
        out["exact_mean"][k], out["exact_var"][k], out["exact_var_se"][k] = exact[k]
    ratio = exact_ratio = None
    with np.errstate(divide="ignore", invalid="ignore"):  # var 0 (e.g. linear f): inf/nan
        if len(names) == 2:
            ratio = _readonly(out["var"][names[0]] / out["var"][names[1]])
            exact_ratio = _readonly(out["exact_var"][names[0]] / out["exact_var"][names[1]])
    return ExperimentResult(
        objective=repr(objective), theta=theta, sigma=sigma, wrt=wrt, Ns=_readonly(Ns),
        runs=runs, names=names, ratio=ratio, exact_ratio=exact_ratio,
        **{key: MappingProxyType({k: _readonly(v) for k, v in d.items()}) for key, d in out.items()})


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a
