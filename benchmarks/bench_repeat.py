"""Execute each widget notebook many times in a row on ONE core; no run may stall.

A widget notebook is one with a live-widget cell (tagged ``nbval-ignore-output``):
06, 07, 09 and the explorer app.  Each run is what ``make execute`` does, a fresh
kernel under tests/execute_notebook.py, pinned to one CPU (the equivalent of
``taskset -c 1``), writing into a temporary folder so the committed notebook is
untouched.  ``--nbconvert`` runs plain ``jupyter nbconvert --to notebook --execute``
instead, for comparison: that is the client that stalls after ``interact`` cells.  A run that has not finished after GUARD seconds is killed and
reported as stalled.

Printed per notebook: every run's wall time (and the CPU time of the executor and its
kernel, so that a run slowed by other load on the core, same CPU time, can be told
from one that waited for a message), the median, and max/median.
Target: max/median <= 2 and no failed or stalled run; otherwise the exit status is 1.

Usage: python benchmarks/bench_repeat.py [NOTEBOOK ...] [--runs 20] [--cpu N]
Measured numbers depend on the machine and its load; say so when quoting them.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
JUPYTER = str(Path(sys.executable).with_name("jupyter"))
EXECUTE = ROOT / "tests" / "execute_notebook.py"  # what `make execute` runs
GUARD = 300.0  # seconds; a normal run takes well under a minute even on a loaded core
TARGET = 2.0


def default_cpu() -> int:
    """CPU 1 when this process may use it (as `taskset -c 1`), else the first allowed one."""
    allowed = sorted(os.sched_getaffinity(0))
    return 1 if 1 in allowed else allowed[0]


def widget_notebooks() -> list[Path]:
    """Notebooks with at least one live-widget cell."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        if any("nbval-ignore-output" in c.metadata.get("tags", []) for c in cells):
            found.append(path)
    return found


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def execute_once(path: Path, cpu: int, outdir: str, nbconvert: bool) -> tuple[float, float, str]:
    """One `make execute`-style run: (wall s, CPU s, "ok" | "failed ..." | "stalled")."""
    if nbconvert:
        cmd = [JUPYTER, "nbconvert", "--to", "notebook", "--execute", "--output-dir", outdir,
               "--ExecutePreprocessor.kernel_name=python3",
               "--ExecutePreprocessor.timeout=1200", str(path)]
    else:
        cmd = [sys.executable, str(EXECUTE), "--output-dir", outdir, str(path)]
    start, cpu_start = time.perf_counter(), children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=path.parent,
                            preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    try:
        _, err = proc.communicate(timeout=GUARD)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the client and the kernel it started
        proc.communicate()
        return time.perf_counter() - start, children_cpu() - cpu_start, "stalled"
    seconds, cpu_seconds = time.perf_counter() - start, children_cpu() - cpu_start
    if proc.returncode != 0:
        return seconds, cpu_seconds, "failed: " + (err.strip().splitlines() or ["?"])[-1][:120]
    return seconds, cpu_seconds, "ok"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every widget notebook")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default 1)")
    parser.add_argument("--nbconvert", action="store_true",
                        help="run plain jupyter nbconvert --execute instead of make's executor")
    args = parser.parse_args()
    if args.runs < 2:
        parser.error(f"--runs must be at least 2, got {args.runs}")
    cpu = default_cpu() if args.cpu is None else args.cpu
    if cpu not in os.sched_getaffinity(0):
        parser.error(f"--cpu {cpu} is not available here; allowed: {sorted(os.sched_getaffinity(0))}")
    paths = [Path(p).resolve() for p in args.notebooks] or widget_notebooks()

    bad = 0
    with tempfile.TemporaryDirectory() as outdir:
        for path in paths:
            how = "jupyter nbconvert --execute" if args.nbconvert else "make execute's executor"
            print(f"== {path.name}: {args.runs} consecutive runs on CPU {cpu} ({how})", flush=True)
            times, problems = [], 0
            for i in range(1, args.runs + 1):
                seconds, cpu_s, status = execute_once(path, cpu, outdir, args.nbconvert)
                times.append(seconds)
                problems += status != "ok"
                print(f"  run {i:2d}: {seconds:6.1f} s  (CPU {cpu_s:5.1f} s)  {status}", flush=True)
            median = statistics.median(times)
            ratio = max(times) / median
            verdict = "ok" if ratio <= TARGET and not problems else "NOT OK"
            print(f"  median {median:.1f} s, max {max(times):.1f} s, max/median {ratio:.2f} "
                  f"(target <= {TARGET:g}), failed or stalled runs: {problems}  {verdict}")
            bad += verdict != "ok"
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
