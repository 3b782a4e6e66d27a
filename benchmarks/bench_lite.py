"""The in-browser site (make lite): its size, and how fast notebook 06 becomes usable.

Prints

* the size of the published site (build/lite) and of what a browser fetches besides it from
  the Pyodide CDN on a first visit (the core and the packages the kernel loads at start,
  measured on the local copy of the same files);
* for notebook 06, from opening the page: the kernel ready, the first live picture of the
  explorer after Run All, and a working slider (a click on the theta track reaches the
  readout), cold (new browser profile: empty cache) and warm (same profile, second visit);
  goal: interactive within 20 s of a cold open;
* each lesson notebook's Run All time in the browser (goal: 60 s each), with
  --notebooks (slow: about a minute per notebook on a 2-core machine).

Like the test, it serves a copy of build/lite on a local Pyodide (.ci/pyodide_runtime.py)
on 127.0.0.1, so the network of the machine is not measured.  Timings depend on the machine
and its load; they are printed, never asserted.  Needs `make lite` first.
Usage: .venv/bin/python benchmarks/bench_lite.py [--notebooks] [--site build/lite]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import browser_lite as bl  # noqa: E402


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def runtime_bytes(site: Path) -> int:
    """Core plus the lock's closure of the packages the kernel loads at start."""
    pyodide = site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    spec = __import__("importlib.util").util.spec_from_file_location(
        "rt", ROOT / ".ci" / "pyodide_runtime.py")
    rt = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(rt)
    files = [pyodide / n for n in rt.CORE]
    files += [pyodide / lock["packages"][n]["file_name"] for n in rt.closure(lock, rt.NEEDED)]
    return sum(f.stat().st_size for f in files)


def open_06(context, base: str) -> dict[str, float]:
    start = time.monotonic()
    page = bl.open_notebook(context, base, "06-interactive-explorer.ipynb")
    try:
        page.locator(".jp-OutputArea-output img").first.wait_for(state="visible")
        times = {"stored picture shown": time.monotonic() - start}
        bl.wait_kernel(page)
        times["kernel ready"] = time.monotonic() - start
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        figure = page.locator(".mcgrad-explorer .mcgrad-figure")
        figure.wait_for(state="visible", timeout=bl.RUN_ALL)
        times["first live picture"] = time.monotonic() - start
        figure.scroll_into_view_if_needed()
        bl.click_slider(page, "theta", 0.5)
        page.locator('.mcgrad-readout [data-key="settings"]', has_text="theta = 0,").wait_for(
            timeout=bl.RUN_ALL)
        times["working slider"] = time.monotonic() - start
        return times
    finally:
        page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "build" / "lite"))
    parser.add_argument("--notebooks", action="store_true", help="also time Run All per notebook")
    args = parser.parse_args()
    site = Path(args.site)
    if not (site / "jupyter-lite.json").is_file():
        print(f"no site in {site}: run `make lite` first")
        return 1
    print(f"published site {site}: {size(site) / 2**20:.1f} MiB "
          f"(wheels/ {size(site / 'wheels') / 2**20:.1f} MiB)")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "site"
        shutil.copytree(site, copy)
        subprocess.run([sys.executable, str(ROOT / ".ci" / "pyodide_runtime.py"), "--site",
                        str(copy)], check=True, stdout=subprocess.DEVNULL)
        print(f"fetched from the Pyodide CDN at a first visit: {runtime_bytes(copy) / 2**20:.1f} MiB")
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(bl.Quiet, directory=str(copy)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(bl.RUN_ALL)
            for label in ("cold", "warm"):
                times = open_06(context, base)
                print(f"06 {label}: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
            if args.notebooks:
                for path in sorted((copy / "files").glob("[0-9][0-9]-*.ipynb")):
                    if path.name.startswith("12-"):
                        continue
                    page = bl.open_notebook(context, base, path.name)
                    try:
                        bl.wait_kernel(page)
                        start = time.monotonic()
                        cells = bl.run_all(page)
                        took = time.monotonic() - start
                    finally:
                        page.close()
                    flag = " ERRORS" if bl.errors(cells) else ""
                    print(f"{path.name[:2]} run all {took:6.1f} s{flag}", flush=True)
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
