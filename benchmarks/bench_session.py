"""The whole course in ONE JupyterLab session, as a student takes it; kernel memory after each notebook.

Starts JupyterLab from this environment with the course's Jupyter settings
(jupyter-config/: closing a tab shuts its kernel down, idle kernels are culled) and
drives headless Chromium (Debian's, through Playwright) through notebooks 00..12 in
order, in one browser page: open the notebook, Run All, wait until every cell has
run and the kernel is idle, then either close the tab (``--mode close``) or leave it
open (``--mode open``).  After each notebook it prints the number of kernel processes
alive and their total resident memory (VmRSS from /proc, summed over every
ipykernel process under the server), and at the end the curve.

The server's culler (15 minutes idle) does not fire during a run that takes a few
minutes; ``--cull-idle-timeout S`` shortens it to show what culling does when each
notebook takes longer than S seconds to read (the reader's pace, not the machine's).

Usage: python benchmarks/bench_session.py [--mode close|open|both] [--cull-idle-timeout S]
Needs Chromium (apt-get install chromium) and Python Playwright (the test extra).
Measured numbers depend on the machine and its load; say so when quoting them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "jupyter-config"
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
RUN_TIMEOUT = 300_000  # milliseconds for one notebook to run
LIMIT_MB = 1500.0  # the course's budget for all kernels of one session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def kernel_memory(server_pid: int) -> tuple[int, float]:
    """(number of kernel processes, their total VmRSS in MiB) below the server."""
    count, total = 0, 0.0
    for pid in descendants(server_pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"ipykernel" not in cmdline:
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
                    count += 1
        except OSError:
            continue
    return count, total


def start_server(tmp: Path, cull: float | None) -> tuple[subprocess.Popen, int, str]:
    port, token = free_port(), secrets.token_hex(16)
    settings = tmp / "user-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", "--ServerApp.allow_root=True",
           f"--ServerApp.root_dir={ROOT}", f"--LabApp.user_settings_dir={tmp / 'user-settings'}",
           f"--LabApp.app_settings_dir={CONFIG / 'share' / 'jupyter' / 'lab' / 'settings'}",
           f"--LabApp.workspaces_dir={tmp / 'workspaces'}", "--LabApp.expose_app_in_browser=True"]
    if cull is not None:
        cmd += [f"--MappingKernelManager.cull_idle_timeout={cull:g}",
                f"--MappingKernelManager.cull_interval={max(1, min(60, int(cull) // 4))}"]
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "MCGRAD_STYLE")}
    env.update(JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               JUPYTER_CONFIG_PATH=str(CONFIG / "etc" / "jupyter"),
               IPYTHONDIR=str(tmp / "ipython"), PYTHONUNBUFFERED="1")
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 90
    while f"127.0.0.1:{port}/" not in (tmp / "server.log").read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("JupyterLab did not start:\n" + (tmp / "server.log").read_text())
        time.sleep(0.5)
    return proc, port, token


def stop_server(proc: subprocess.Popen) -> None:
    kernels = descendants(proc.pid)
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    for pid in kernels:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def run_notebook(page, path: str) -> float:
    """Open ``path`` in the running JupyterLab, Run All, wait until done; seconds taken."""
    from playwright.sync_api import expect

    start = time.monotonic()
    page.evaluate("async p => { await window.jupyterapp.commands.execute('docmanager:open', "
                  "{path: p, factory: 'Notebook', kernel: {name: 'python3'}}); return null; }",
                  path)
    select = page.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True)
    try:  # JupyterLab may still ask which kernel to start: the stored one, python3
        select.click(timeout=3_000)
    except Exception:
        pass
    panel = page.locator(".jp-NotebookPanel:visible")
    expect(panel).to_have_count(1, timeout=RUN_TIMEOUT)
    status = page.locator("#jp-main-statusbar")
    expect(status).to_contain_text("(ipykernel) | Idle", timeout=RUN_TIMEOUT)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); "
                  "return null; }")
    page.wait_for_timeout(1_000)
    running = panel.locator(".jp-CodeCell .jp-InputPrompt", has_text="[*]")
    expect(running).to_have_count(0, timeout=RUN_TIMEOUT)
    expect(status).to_contain_text("(ipykernel) | Idle", timeout=RUN_TIMEOUT)
    errors = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
                           has_text="Traceback")
    if errors.count():
        print(f"  warning: {path} shows an error output", flush=True)
    return time.monotonic() - start


def close_tab(page) -> None:
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current "
                 ".lm-TabBar-tabCloseIcon").click()
    dialog = page.locator(".jp-Dialog")
    try:
        dialog.wait_for(timeout=3_000)
    except Exception:
        return
    dialog.get_by_role("button", name=re.compile("Discard|Don.t Save")).click()


def session(mode: str, chromium: str, cull: float | None) -> list[tuple[str, int, float]]:
    from playwright.sync_api import sync_playwright

    curve = []
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, token = start_server(Path(tmp), cull)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/lab?token={token}")
                page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started",
                                       timeout=RUN_TIMEOUT)
                print(f"{'after notebook':44s} {'s':>6s} {'ran, MB':>8s} {'kernels':>8s} "
                      f"{'total MB':>9s}")
                for nb in NOTEBOOKS:
                    seconds = run_notebook(page, f"notebooks/{nb.name}")
                    _, ran = kernel_memory(proc.pid)  # all kernels, the tab still open
                    if os.environ.get("BENCH_SCREENSHOTS"):
                        page.screenshot(path=f"{os.environ['BENCH_SCREENSHOTS']}/{nb.stem}.png")
                    if mode == "close":
                        close_tab(page)
                        time.sleep(3)  # the shutdown request reaches the server
                    count, total = kernel_memory(proc.pid)
                    curve.append((nb.name, count, max(ran, total)))
                    print(f"{nb.name:44s} {seconds:6.1f} {ran:8.0f} {count:8d} {total:9.0f}",
                          flush=True)
                browser.close()
        finally:
            stop_server(proc)
    return curve


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("close", "open", "both"), default="both")
    parser.add_argument("--cull-idle-timeout", type=float, default=None,
                        help="seconds; overrides the course's 900 s to show culling at work")
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        raise SystemExit("Chromium not found: apt-get install chromium (or set CHROMIUM=...)")
    worst = 0.0
    for mode in (("close", "open") if args.mode == "both" else (args.mode,)):
        print(f"== one session, tabs {'closed after each notebook' if mode == 'close' else 'left open'}"
              + (f", culling after {args.cull_idle_timeout:g} s idle" if args.cull_idle_timeout
                 else ""))
        curve = session(mode, chromium, args.cull_idle_timeout)
        peak = max(total for _, _, total in curve)
        worst = max(worst, peak)
        print("curve, the larger of 'ran' and 'total' (MB): "
              + ", ".join(f"{name[:2]} {total:.0f}" for name, _, total in curve))
        print(f"highest total kernel memory: {peak:.0f} MB (budget {LIMIT_MB:.0f} MB)\n")
    return 0 if worst <= LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
