"""Run every notebook on ONE core, as on Binder, and report its time and the kernel's peak memory.

Each notebook is executed from a fresh kernel in a child process pinned to one CPU
(the equivalent of ``taskset -c 1``; the kernel inherits the affinity), in memory:
no file is written.  Reported per notebook:

  run s    wall time from "kernel ready" to the last cell's reply (what a student
           waits for after "Restart kernel and run all");
  start s  kernel start-up, for information;
  peak MB  the kernel process's peak resident memory (VmHWM in /proc/PID/status),
           i.e. the notebook's own footprint, not the executing client's.

Limits (Binder gives one CPU and 1-2 GB): 30 s and 500 MB per notebook.  The exit
status is non-zero if any notebook breaks a limit or fails to run.

With ``--cells`` it also prints, after each code cell, the kernel's resident memory (VmRSS)
and its peak so far (VmHWM), with the cell's first line: where a notebook's memory goes.

Usage: python benchmarks/bench_notebooks.py [NOTEBOOK ...] [--cpu N] [--cells]
Measured numbers depend on the machine and its load; say so when quoting them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_SECONDS = 30.0
LIMIT_MB = 500.0
CELL_TIMEOUT = 600  # a hang shows up as a failure, not as an endless benchmark


def default_cpu() -> int:
    """CPU 1 when this process may use it (as `taskset -c 1`), else the first allowed one."""
    allowed = sorted(os.sched_getaffinity(0))
    return 1 if 1 in allowed else allowed[0]


def notebooks(args: list[str]) -> list[Path]:
    paths = [Path(a).resolve() for a in args] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SystemExit(f"no such notebook: {', '.join(missing)}")
    return paths


def status_mb(pid: int, field: str) -> float:
    """A memory field of process ``pid`` (VmHWM: peak resident, VmRSS: resident now) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size of process ``pid`` in MiB (Linux /proc)."""
    return status_mb(pid, "VmHWM")


def measure(path: Path, cpu: int, cells: bool = False) -> dict:
    """Child side: pin to ``cpu``, execute ``path`` in a fresh kernel, return the numbers."""
    import nbformat
    from nbclient import NotebookClient

    os.sched_setaffinity(0, {cpu})
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        ready = time.perf_counter()
        pid = client.km.provisioner.pid
        rows = []
        for index, cell in enumerate(client.nb.cells):
            client.execute_cell(cell, index)
            if cells and cell.cell_type == "code":
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                rows.append([index, status_mb(pid, "VmRSS"), status_mb(pid, "VmHWM"), first[:60]])
        done = time.perf_counter()
        peak = peak_rss_mb(pid)
    return {"run": done - ready, "start": ready - start, "peak_mb": peak, "cells": rows}


def run_child(path: Path, cpu: int, cells: bool = False) -> dict:
    """Parent side: one child process per notebook, so no kernel or cache is shared."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(path), "--cpu", str(cpu)] + ["--cells"] * cells
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=path.parent)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit status {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default 1)")
    parser.add_argument("--cells", action="store_true",
                        help="print the kernel's memory after each code cell")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cpu = default_cpu() if args.cpu is None else args.cpu
    if cpu not in os.sched_getaffinity(0):
        parser.error(f"--cpu {cpu} is not available here; allowed: {sorted(os.sched_getaffinity(0))}")
    if args.child:
        print(json.dumps(measure(Path(args.child), cpu, args.cells)))
        return 0

    print(f"one core (CPU {cpu}); limits {LIMIT_SECONDS:.0f} s and {LIMIT_MB:.0f} MB per notebook")
    print(f"{'notebook':44s} {'run s':>7s} {'start s':>8s} {'peak MB':>8s}  verdict")
    broken = 0
    for path in notebooks(args.notebooks):
        r = run_child(path, cpu, args.cells)
        if "error" in r:
            broken += 1
            print(f"{path.name:44s} {'-':>7s} {'-':>8s} {'-':>8s}  FAILED: {r['error']}")
            continue
        over = [f"time > {LIMIT_SECONDS:.0f} s"] * (r["run"] > LIMIT_SECONDS)
        over += [f"memory > {LIMIT_MB:.0f} MB"] * (r["peak_mb"] > LIMIT_MB)
        broken += bool(over)
        verdict = "OVER: " + ", ".join(over) if over else "ok"
        print(f"{path.name:44s} {r['run']:7.1f} {r['start']:8.1f} {r['peak_mb']:8.0f}  {verdict}")
        for index, rss, hwm, first in r["cells"]:
            print(f"    cell {index:3d}  rss {rss:6.0f} MB  peak {hwm:6.0f} MB  {first}")
    print("all within limits" if not broken else f"{broken} notebook(s) over a limit or failed")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
