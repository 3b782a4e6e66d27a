"""Latency of the explorer app in a real browser: does a slider move feel live on a projector?

Serves ``notebooks/explorer-app.ipynb`` with Voila (127.0.0.1, random token), drives Debian's
Chromium with Playwright (``executable_path``, never ``playwright install``) at 1280x720 and
prints

* the ready time: page open to the first picture (target 10 s);
* key press to new picture for theta moves (one ArrowRight/ArrowLeft on the theta slider, timed
  in the page from the keydown event to the first frame after the new SVG has loaded), p50 and
  max, at the default settings (runs x N = 10^5, target p50 150 ms) and at runs x N = 10^7
  (target p50 400 ms).

Timings depend on the machine and its load; they are printed, never asserted.  Run with
``make bench`` or ``.venv/bin/python benchmarks/bench_app_latency.py [--moves 12]
[--screenshots DIR]`` (DIR gets the app at 1280x720 and 1920x1080 in both sizes).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import test_browser as tb  # noqa: E402  (the servers and Chromium settings of the browser test)

from mcgrad import widgets  # noqa: E402

APP = "notebooks/explorer-app.ipynb"
TARGETS = {"default": 150.0, "runs x N = 10^7": 400.0}
# In the page: time from the keydown to the first animation frame after the figure's <img>
# has loaded a new source.  window.__mcgradLatencies collects one number per picture.
PROBE = """() => {
  window.__mcgradLatencies = [];
  let pressed = null;
  document.addEventListener('keydown', e => { pressed = e.timeStamp; }, true);
  const img = document.querySelector('.mcgrad-figure');
  new MutationObserver(() => {
    const start = pressed;
    if (start === null) return;
    pressed = null;
    img.decode().catch(() => {}).then(() => requestAnimationFrame(() =>
      window.__mcgradLatencies.push(performance.now() - start)));
  }).observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def picture_ready(page) -> None:
    page.wait_for_function("() => { const i = document.querySelector('.mcgrad-figure');"
                           " return i && i.complete && i.naturalWidth > 0; }",
                           timeout=tb.RUN_ALL)


def settle(page, theta: float, n: int) -> None:
    """Wait until the readout shows theta and N (the update has fully arrived)."""
    from playwright.sync_api import expect

    expect(page.locator('.mcgrad-readout [data-key="settings"]')).to_contain_text(
        f"theta = {theta:g}, sigma = 1, N = {n},", timeout=tb.STEP)


def theta_moves(page, moves: int, n: int) -> list[float]:
    """``moves`` single key presses on theta (right then left, around 2), one at a time."""
    handle = page.locator(".mcgrad-theta .noUi-handle")
    handle.focus()
    theta, out = widgets.DEFAULTS["theta"], []
    for i in range(moves):
        key, step = ("ArrowRight", 0.25) if i % 2 == 0 else ("ArrowLeft", -0.25)
        count = page.evaluate("() => window.__mcgradLatencies.length")
        handle.press(key)
        theta += step
        page.wait_for_function(f"() => window.__mcgradLatencies.length > {count}",
                               timeout=tb.STEP)
        out.append(page.evaluate("() => window.__mcgradLatencies.at(-1)"))
        settle(page, theta, n)
    return out


def largest_n(page) -> int:
    """Move N to its largest value (runs stays 1000): runs x N = 10^7."""
    handle = page.locator(".mcgrad-n .noUi-handle")
    handle.focus()
    for _ in range(len(widgets.N_CHOICES) - 1 - widgets.N_CHOICES.index(widgets.DEFAULTS["n"])):
        handle.press("ArrowRight")
    n = max(widgets.N_CHOICES)
    settle(page, widgets.DEFAULTS["theta"], n)
    return n


def screenshots(browser, url: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 720), (1920, 1080)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url, timeout=tb.RUN_ALL)
        picture_ready(page)
        for size in widgets.SIZES:
            page.locator(".mcgrad-size button", has_text=size).click()
            page.wait_for_selector(f".mcgrad-explorer.mcgrad-{size}")
            picture_ready(page)
            page.wait_for_timeout(500)  # let the new picture paint before the screenshot
            page.screenshot(path=str(folder / f"app-{width}x{height}-{size}.png"))
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="theta moves per setting")
    parser.add_argument("--screenshots", type=Path, help="folder for screenshots of the app")
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    port, token = tb.free_port(), secrets.token_hex(16)
    cmd = [str(tb.BIN / "voila"), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
           f"--Voila.token={token}", "--ServerApp.allow_root=True", APP]
    url = f"http://127.0.0.1:{port}/?token={token}"
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=tb.CHROMIUM_ARGS)
        with tb.server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), tb.server_env(Path(tmp))):
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            start = time.monotonic()
            page.goto(url, timeout=tb.RUN_ALL)
            picture_ready(page)
            ready = time.monotonic() - start
            page.evaluate(PROBE)
            print(f"ready (page open to first picture): {ready:.1f} s (target 10 s)")
            results = {"default": theta_moves(page, args.moves, widgets.DEFAULTS["n"])}
            results["runs x N = 10^7"] = theta_moves(page, args.moves, largest_n(page))
            for label, times in results.items():
                p50, target = statistics.median(times), TARGETS[label]
                print(f"{label:16} key press to new picture over {len(times)} theta moves: "
                      f"p50 {p50:6.0f} ms, max {max(times):6.0f} ms "
                      f"(target p50 {target:.0f} ms: {p50 / target:.2f} of it)")
            page.close()
            if args.screenshots:
                screenshots(browser, url, args.screenshots)
        browser.close()


if __name__ == "__main__":
    main()
