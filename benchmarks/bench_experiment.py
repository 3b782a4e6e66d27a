"""Time the Monte Carlo variance experiment of notebook 05 three ways, in one run.

(a) naive:  the loop of the original seed notebook: a fresh, OS-seeded
            np.random.default_rng() for every run and every estimator, float64
            draws, each estimator drawing its own samples;
(b) engine: mcgrad.experiment.variance_experiment (float32 SFC64 draws in fixed
            blocks, fused estimators, threads);
(c) floor:  only drawing the same total number of standard normals on ONE core
            with the fastest bit generator and dtype (compared first).

Each part runs in its own subprocess, so the peak resident memory (ru_maxrss)
of one part is not polluted by another.  Full size: N = 10 ... 100000, 10000 runs,
theta = 2 (the naive part takes a minute or so); ``--quick`` uses 200 runs.
Targets on a 2-core machine at full size: (a)/(b) >= 6, (b)/(c) <= 0.75, RSS(b) <= 300 MB.

Usage: python benchmarks/bench_experiment.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np

NS = (10, 100, 1000, 10000, 100000)
THETA = 2.0
CHUNK = 2**20  # draws per call in the floor


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def naive(runs: int) -> dict:
    start, cpu = time.perf_counter(), cpu_seconds()
    for n in NS:
        score, reparam = np.zeros(runs), np.zeros(runs)
        for r in range(runs):
            x = np.random.default_rng().normal(THETA, 1.0, n)
            score[r] = np.mean((x - THETA) * x**2)
            eps = np.random.default_rng().normal(0.0, 1.0, n)
            reparam[r] = np.mean(2 * (THETA + eps))
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu}


def engine(runs: int) -> dict:
    from mcgrad import experiment, objectives

    args = (objectives.Square(), THETA, 1.0, NS)
    experiment.variance_experiment(*args, 2, np.random.default_rng(0))  # warm-up: SymPy caches
    start, cpu = time.perf_counter(), cpu_seconds()
    result = experiment.variance_experiment(*args, runs, np.random.default_rng(2026))
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    tracemalloc.start()  # second, smaller run: peak of traced (numpy + Python) allocations
    experiment.variance_experiment(*args, max(2, runs // 10), np.random.default_rng(2026))
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": seconds, "cpu": cpu, "traced_mb": traced / 2**20,
            "ratio": [round(float(v), 2) for v in result.ratio]}


def speed(bit_generator: str, dtype: type, n: int = 2**20, repeats: int = 5) -> float:
    """Nanoseconds per standard normal, best of ``repeats`` fills of a preallocated buffer."""
    gen = np.random.Generator(getattr(np.random, bit_generator)(1))
    buf = np.empty(n, dtype)
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        gen.standard_normal(dtype=dtype, out=buf)
        best = min(best, time.perf_counter() - start)
    return best / n * 1e9


def floor(runs: int) -> dict:
    if hasattr(os, "sched_setaffinity"):  # pin to one core (Linux)
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    candidates = {(b, d.__name__): speed(b, d) for b in ("PCG64", "PCG64DXSM", "SFC64", "Philox")
                  for d in (np.float32, np.float64)}
    best_bg, best_dtype = min(candidates, key=candidates.get)
    gen = np.random.Generator(getattr(np.random, best_bg)(1))
    total = sum(NS) * runs
    buf = np.empty(CHUNK, best_dtype)
    start, cpu = time.perf_counter(), cpu_seconds()
    for done in range(0, total, CHUNK):
        gen.standard_normal(dtype=best_dtype, out=buf[:min(CHUNK, total - done)])
    return {"seconds": time.perf_counter() - start, "cpu": cpu_seconds() - cpu,
            "draws": total, "best": [best_bg, best_dtype],
            "ns_per_draw": {f"{b} {d}": round(v, 2) for (b, d), v in candidates.items()}}


PARTS = {"engine": engine, "floor": floor, "naive": naive}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 runs instead of 10000")
    parser.add_argument("--part", choices=tuple(PARTS), help=argparse.SUPPRESS)
    opts = parser.parse_args()
    runs = 200 if opts.quick else 10000
    if opts.part:  # child process: run one part, report one JSON line
        out = PARTS[opts.part](runs)
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return
    print(f"N = {NS}, {runs} runs each, theta = {THETA}, cores available: "
          f"{os.cpu_count()} (timings are noisy on a shared machine)")
    res = {}
    for part in PARTS:  # engine first, each in a fresh process
        cmd = [sys.executable, __file__, "--part", part] + (["--quick"] if opts.quick else [])
        res[part] = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                              text=True).stdout.splitlines()[-1])
    fl, nv, en = res["floor"], res["naive"], res["engine"]
    print("bit generator speed, ns per standard normal:", fl["ns_per_draw"])
    print(f"(a) naive seed loop       {nv['seconds']:7.2f} s wall {nv['cpu']:7.2f} s CPU"
          f"  peak RSS {nv['rss_mb']:6.1f} MB")
    print(f"(b) variance_experiment   {en['seconds']:7.2f} s wall {en['cpu']:7.2f} s CPU"
          f"  peak RSS {en['rss_mb']:6.1f} MB (traced peak {en['traced_mb']:.1f} MB);"
          f" variance ratios {en['ratio']}")
    print(f"(c) floor, one core       {fl['seconds']:7.2f} s wall {fl['cpu']:7.2f} s CPU"
          f"  peak RSS {fl['rss_mb']:6.1f} MB ({fl['draws']:.3g} draws, {' '.join(fl['best'])})")
    print(f"(a)/(b) = {nv['seconds'] / en['seconds']:.2f} wall (target >= 6), "
          f"{nv['cpu'] / en['cpu']:.2f} CPU")
    print(f"(b)/(c) = {en['seconds'] / fl['seconds']:.2f} wall (target <= 0.75), "
          f"{en['cpu'] / fl['cpu']:.2f} CPU (CPU/2 is the wall time on two idle cores)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

if __name__ == "__main__":
    main()
