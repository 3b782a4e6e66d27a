"""The explorer of notebook 06 in a real browser, the way a student meets it.

Each test starts a server from this virtual environment on 127.0.0.1 (a free
port chosen at run time, a random token, authentication on), drives Debian's
Chromium with Playwright (``executable_path``; never ``playwright install``),
moves the theta and N sliders with the keyboard and checks that the readout
shows the exact mean and variance from :mod:`mcgrad.moments` for the new
settings.  It waits on DOM state only.  Servers always stop (terminate, then
kill, the whole process group).  On failure a screenshot goes to
``test-artifacts/``; set ``MCGRAD_SCREENSHOTS=/some/dir`` to keep screenshots
of passing runs too.

Without Chromium the tests skip (``apt-get install chromium``); with CI=true
they fail instead.
"""

from __future__ import annotations

import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from mcgrad import moments, objectives, widgets

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/06-interactive-explorer.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SERVER_START = 90.0  # seconds for a server to print its URL
RUN_ALL = 120_000  # milliseconds for a kernel to start and run notebook 06
STEP = 20_000  # milliseconds for one slider move to reach the readout


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true, so this is a failure, not a skip)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _unavailable("Chromium not found: install it with `apt-get install chromium` "
                     "(or set CHROMIUM=/path/to/chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python Playwright is missing: pip install -e '.[test]'")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(cmd: list[str], ready: re.Pattern, env: dict[str, str]):
    """Run ``cmd`` in its own process group until ``ready`` appears in its log; always stop it."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    log: list[str] = []
    seen: list[str] = []  # every line, also those printed after the server is ready
    threading.Thread(target=lambda: [lines.put(x) or seen.append(x) for x in proc.stdout]
                     + [lines.put(None)], daemon=True).start()
    try:
        deadline = time.monotonic() + SERVER_START
        while True:
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                pytest.fail(f"{cmd[1]} did not start in {SERVER_START:.0f} s:\n" + "".join(log))
            if line is None:
                pytest.fail(f"{cmd[1]} exited with {proc.wait()}:\n" + "".join(log))
            log.append(line)
            if ready.search(line):
                break
        yield seen
    finally:
        kernels = descendants(proc.pid)  # kernels run in sessions of their own
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            if proc.poll() is not None:
                break
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=wait)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        for pid in kernels:  # normally already shut down by the server
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def descendants(pid: int) -> list[int]:
    """Ids of all processes below ``pid``, from /proc (an empty list where there is none)."""
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


def server_env(tmp_path: Path) -> dict[str, str]:
    """A private Jupyter environment whose config path starts with the course's server config
    (jupyter-config/etc/jupyter: kernel culling)."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_CONFIG_PATH=str(COURSE_SERVER_CONFIG),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               IPYTHONDIR=str(tmp_path / "ipython"), PYTHONUNBUFFERED="1")
    return env


COURSE_CONFIG = ROOT / "jupyter-config"  # what Binder, make lab and make lecture install
COURSE_OVERRIDES = COURSE_CONFIG / "share" / "jupyter" / "lab" / "settings"
COURSE_SERVER_CONFIG = COURSE_CONFIG / "etc" / "jupyter"


def lab_settings(tmp_path: Path) -> Path:
    """JupyterLab user settings for a test: every cell rendered, and no autosave (the test
    must never overwrite the notebook's stored outputs).  Everything else, the news pop-up
    and the kernel shut-down on close included, comes from the course's overrides.json."""
    settings = tmp_path / "lab-settings"
    user = {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},  # keep the stored outputs
    }
    for name, values in user.items():
        path = settings / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return settings


@contextmanager
def screenshot_on_failure(page, name: str, keep_explorer: bool = True):
    """A full-page screenshot in test-artifacts/ if the block fails; with MCGRAD_SCREENSHOTS
    set (and ``keep_explorer``), a screenshot of the explorer when it passes."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-failure.png"), full_page=True)
        raise
    keep = os.environ.get("MCGRAD_SCREENSHOTS")
    if keep and keep_explorer:
        Path(keep).mkdir(parents=True, exist_ok=True)
        page.locator(".mcgrad-explorer").screenshot(path=str(Path(keep) / f"{name}.png"))


def cell(page, key: str) -> float:
    return float(page.locator(f'.mcgrad-readout [data-key="{key}"]').inner_text())


def check_readout(page, theta: float, sigma: float, n: int) -> None:
    """Wait until the readout shows (theta, N), then compare it with mcgrad.moments."""
    from playwright.sync_api import expect

    settings = page.locator('.mcgrad-readout [data-key="settings"]')
    expect(settings).to_contain_text(f"theta = {theta:g}, sigma = {sigma:g}, N = {n},",
                                     timeout=STEP)
    variances = {}
    for name in widgets.NAMES:
        mean, per_sample = moments.estimator_moments(name, objectives.Square(), theta, sigma)
        variances[name] = per_sample / n  # Var[g_N] = Var[t] / N
        assert cell(page, f"exact-mean-{name}") == pytest.approx(mean, rel=1e-3, abs=1e-9)
        assert cell(page, f"exact-var-{name}") == pytest.approx(variances[name], rel=1e-3)
        se = (variances[name] / widgets.DEFAULTS["runs"]) ** 0.5  # of the mean over the runs
        assert abs(cell(page, f"mean-{name}") - mean) < 5 * se
    exact_ratio = variances["score_function"] / variances["reparameterization"]
    assert cell(page, "exact-var-ratio") == pytest.approx(exact_ratio, rel=1e-3)


def press(page, slider: str, key: str, times: int) -> None:
    handle = page.locator(f".mcgrad-{slider} .noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def exercise_explorer(page) -> None:
    """Defaults (theta 2, N 100), then theta -> 0 (8 steps of 0.25), then N -> 200."""
    d = widgets.DEFAULTS
    check_readout(page, d["theta"], d["sigma"], d["n"])
    press(page, "theta", "ArrowLeft", 8)
    check_readout(page, 0.0, d["sigma"], d["n"])
    assert cell(page, "exact-var-ratio") == pytest.approx(3.75, rel=1e-3)
    press(page, "n", "ArrowRight", 1)
    check_readout(page, 0.0, d["sigma"], widgets.N_CHOICES[widgets.N_CHOICES.index(d["n"]) + 1])


def jupyterlab_command(tmp_path):
    """A free port, a random token and the command that serves JupyterLab on them."""
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", "--ServerApp.allow_root=True",
           f"--ServerApp.root_dir={ROOT}", f"--LabApp.user_settings_dir={lab_settings(tmp_path)}",
           f"--LabApp.app_settings_dir={COURSE_OVERRIDES}",
           f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"]
    return port, token, cmd


def test_explorer_in_jupyterlab(browser, tmp_path):
    from playwright.sync_api import expect

    port, token, cmd = jupyterlab_command(tmp_path)
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), server_env(tmp_path)):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            with screenshot_on_failure(page, "jupyterlab"):
                page.goto(f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={token}")
                # the kernel must be connected before Run All, or the cells are skipped:
                # the status bar reads "Python 3 (ipykernel) | Idle" only once it is
                status = page.locator("#jp-main-statusbar")
                expect(status).to_contain_text("(ipykernel) | Idle", timeout=RUN_ALL)
                page.get_by_role("menuitem", name="Run", exact=True).click()
                page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
                expect(page.locator(".mcgrad-readout")).to_be_visible(timeout=RUN_ALL)
                # Run All marks every queued cell [*] at once: none left means all ran
                running = page.locator(".jp-CodeCell .jp-InputPrompt", has_text="[*]")
                expect(running).to_have_count(0, timeout=RUN_ALL)
                page.locator(".mcgrad-explorer").scroll_into_view_if_needed()
                exercise_explorer(page)
        finally:
            page.close()


def test_explorer_in_voila(browser, tmp_path):
    from playwright.sync_api import expect

    port, token = free_port(), secrets.token_hex(16)
    cmd = [str(BIN / "voila"), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
           f"--Voila.token={token}", "--ServerApp.allow_root=True", NOTEBOOK]
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), server_env(tmp_path)):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            with screenshot_on_failure(page, "voila"):
                page.goto(f"http://127.0.0.1:{port}/?token={token}", timeout=RUN_ALL)
                expect(page.locator(".mcgrad-readout")).to_be_visible(timeout=RUN_ALL)
                assert page.locator(".jp-InputArea-editor:visible").count() == 0  # code hidden
                exercise_explorer(page)
        finally:
            page.close()


APP = "notebooks/explorer-app.ipynb"
PROJECTOR = {"width": 1280, "height": 720}
MIN_FONT_PX = 16.0  # labels and readouts must be readable from the back of a room


def test_app_fits_a_projector_in_voila(browser, tmp_path):
    """The app at 1280x720: every control and the figure inside the viewport, labels and
    readout at least 16 px, and a slider move reaches the readout with the exact values."""
    from playwright.sync_api import expect

    port, token = free_port(), secrets.token_hex(16)
    cmd = [str(BIN / "voila"), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
           f"--Voila.token={token}", "--ServerApp.allow_root=True", APP]
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), server_env(tmp_path)):
        page = browser.new_page(viewport=PROJECTOR)
        try:
            with screenshot_on_failure(page, "app-1280x720"):
                page.goto(f"http://127.0.0.1:{port}/?token={token}", timeout=RUN_ALL)
                figure = page.locator(".mcgrad-explorer .mcgrad-figure")
                expect(figure).to_be_visible(timeout=RUN_ALL)
                page.wait_for_function("document.querySelector('.mcgrad-figure').complete "
                                       "&& document.querySelector('.mcgrad-figure')"
                                       ".naturalWidth > 0", timeout=STEP)
                controls = [*(f".mcgrad-{key}" for key in widgets.DEFAULTS), ".mcgrad-size",
                            ".mcgrad-readout", ".mcgrad-figure"]
                for selector in controls:
                    box = page.locator(f".mcgrad-explorer {selector}").bounding_box()
                    assert box is not None, f"{selector} is not displayed"
                    inside = (box["x"] >= 0 and box["y"] >= 0
                              and box["x"] + box["width"] <= PROJECTOR["width"]
                              and box["y"] + box["height"] <= PROJECTOR["height"])
                    assert inside, f"{selector} at {box} leaves the 1280x720 viewport"
                fonts = page.eval_on_selector_all(
                    ".mcgrad-explorer .widget-label, .mcgrad-explorer .widget-readout, "
                    ".mcgrad-readout td, .mcgrad-readout th",
                    "els => els.filter(e => e.offsetParent !== null)"
                    ".map(e => parseFloat(getComputedStyle(e).fontSize))")
                assert fonts and min(fonts) >= MIN_FONT_PX, fonts
                exercise_explorer(page)
        finally:
            page.close()


def test_notebook_06_unrun_shows_no_widget_error(browser, tmp_path):
    """06 opened in JupyterLab without running it: the stored outputs (a static picture and a
    'run this cell' line) render, and no 'Error displaying widget' appears."""
    from playwright.sync_api import expect

    port, token, cmd = jupyterlab_command(tmp_path)
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), server_env(tmp_path)):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            with screenshot_on_failure(page, "jupyterlab-unrun"):
                page.goto(f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={token}")
                # the widget manager renders stored widget views once the kernel is up
                status = page.locator("#jp-main-statusbar")
                expect(status).to_contain_text("(ipykernel) | Idle", timeout=RUN_ALL)
                stand_in = page.locator(".jp-OutputArea-output",
                                        has_text="Run this cell to activate the sliders.")
                expect(stand_in).to_have_count(1, timeout=STEP)
                expect(page.locator(".jp-OutputArea-output img").first).to_be_visible()
                expect(page.get_by_text("Error displaying widget")).to_have_count(0)
                expect(page.locator(".jp-OutputArea-output", has_text="VBox(children=")
                       ).to_have_count(0)
        finally:
            page.close()


def api(port: int, token: str, path: str):
    """GET a Jupyter server REST endpoint and decode its JSON."""
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)


def wait_for(predicate, timeout: float, what: str):
    """Poll ``predicate`` every 0.25 s until it returns a true value; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"{what} within {timeout:.0f} s")


def open_notebook(page, port: int, token: str, path: str) -> None:
    """Open ``path`` in JupyterLab and wait until its kernel is connected and idle."""
    from playwright.sync_api import expect

    page.goto(f"http://127.0.0.1:{port}/lab/tree/{path}?token={token}")
    select = page.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True)
    try:  # after an earlier notebook's kernel was shut down JupyterLab may ask: python3
        select.click(timeout=5_000)
    except Exception:
        pass
    status = page.locator("#jp-main-statusbar")
    expect(status).to_contain_text("(ipykernel) | Idle", timeout=RUN_ALL)


def close_current_tab(page) -> None:
    """Close the active notebook tab as a student does (File > Close Tab); discard changes if
    JupyterLab asks (autosave is off in the tests, so nothing is ever written)."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Close Tab")).click()
    dialog = page.locator(".jp-Dialog")
    try:
        dialog.wait_for(timeout=5_000)
    except Exception:  # no dialog: the tab closed at once
        return
    dialog.get_by_role("button", name=re.compile("Discard|Don.t Save")).click()


def test_course_settings_in_jupyterlab(browser, tmp_path):
    """The course's jupyter-config/ in a real JupyterLab: the settings API reports the
    overrides, the server culls idle kernels (15 min, connected too, every minute), no news
    pop-up appears, and closing a notebook tab shuts its kernel down."""
    from playwright.sync_api import expect

    port, token, cmd = jupyterlab_command(tmp_path)
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), server_env(tmp_path)) as log:
        def tracker_settings():
            try:
                return api(port, token, "/lab/api/settings/@jupyterlab/notebook-extension:tracker")
            except OSError:  # the server prints its URL just before it accepts connections
                return None

        tracker = wait_for(tracker_settings, STEP / 1000, "the settings API did not answer")
        # overrides.json replaces the schema's defaults, which the page then uses
        default = lambda reply, key: reply["schema"]["properties"][key]["default"]  # noqa: E731
        assert default(tracker, "kernelShutdown") is True
        news = api(port, token, "/lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert default(news, "fetchNews") == "false"
        assert default(news, "checkForUpdates") is False
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            with screenshot_on_failure(page, "jupyterlab-settings"):
                open_notebook(page, port, token, "notebooks/00-overview.ipynb")
                assert len(api(port, token, "/api/kernels")) == 1
                # the culler starts with the first kernel and says so in the log
                wait_for(lambda: any("Culling kernels with idle durations > 900 seconds at 60 "
                                     "second intervals" in line for line in log), STEP / 1000,
                         "the server did not report culling after 900 s every 60 s")
                assert any("Culling kernels even with connected clients" in line for line in log)
                page.wait_for_timeout(3_000)  # the news question comes shortly after start-up
                expect(page.get_by_text("official Jupyter news")).to_have_count(0)
                expect(page.locator(".jp-toast-message, .Toastify__toast")).to_have_count(0)
                close_current_tab(page)
                wait_for(lambda: api(port, token, "/api/kernels") == [], STEP / 1000,
                         "closing the tab did not shut its kernel down")
        finally:
            page.close()


NOTEBOOK_ROOT = ROOT  # where the notebooks to open are (the server's root directory)


def test_notebooks_open_unmodified(browser, tmp_path):
    """Each notebook in notebooks/, opened and not run, is not marked modified once its kernel
    is connected (JupyterLab marks the tab jp-mod-dirty when the model differs from the file)."""
    from playwright.sync_api import expect

    port, token, cmd = jupyterlab_command(tmp_path)
    cmd = [c if not c.startswith("--ServerApp.root_dir=") else
           f"--ServerApp.root_dir={NOTEBOOK_ROOT}" for c in cmd]
    paths = sorted(p.relative_to(NOTEBOOK_ROOT).as_posix()
                   for p in (NOTEBOOK_ROOT / "notebooks").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
    assert paths, "no notebooks found"
    cmd.append("--LabApp.expose_app_in_browser=True")  # open each notebook in one page
    modified = []
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), server_env(tmp_path)):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            with screenshot_on_failure(page, "jupyterlab-open-unmodified"):
                page.goto(f"http://127.0.0.1:{port}/lab?token={token}")
                page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started",
                                       timeout=RUN_ALL)
                status = page.locator("#jp-main-statusbar")
                for path in paths:
                    page.evaluate("async p => { await window.jupyterapp.commands.execute("
                                  "'docmanager:open', {path: p, factory: 'Notebook', "
                                  "kernel: {name: 'python3'}}); return null; }", path)
                    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
                    expect(tab).to_contain_text(Path(path).name[:12], timeout=STEP)
                    expect(status).to_contain_text("(ipykernel) | Idle", timeout=RUN_ALL)
                    page.wait_for_timeout(1_500)  # the kernel's info reply updates the model
                    if "jp-mod-dirty" in (tab.get_attribute("class") or ""):
                        modified.append(path)
                    close_current_tab(page)
                    wait_for(lambda: api(port, token, "/api/kernels") == [], STEP / 1000,
                             f"the kernel of {path} did not shut down on close")
        finally:
            page.close()
    assert not modified, (f"opened without running, marked modified: {modified}; "
                          "re-run make execute (tests/clean_notebook.py keeps what JupyterLab "
                          "writes on open)")


def slider_values_from_settings(page) -> dict[str, float]:
    """The kernel's current slider values, from the readout's settings line."""
    text = page.locator('.mcgrad-readout [data-key="settings"]').inner_text()
    found = dict(re.findall(r"(theta|sigma|N|runs|seed) = (-?[\d.]+)", text))
    return {"theta": float(found["theta"]), "sigma": float(found["sigma"]),
            "n": float(found["N"]), "runs": float(found["runs"]), "seed": float(found["seed"])}


def check_numbers_whole(page, name: str) -> None:
    """Move N, runs and seed to their widest values, then: every slider readout's text equals
    its slider's value (as the kernel reports it), no readout or readout cell is clipped."""
    from playwright.sync_api import expect

    for slider in ("n", "seed"):
        press(page, slider, "End", 1)
    settings = page.locator('.mcgrad-readout [data-key="settings"]')
    expect(settings).to_contain_text(f"N = {widgets.N_CHOICES[-1]},", timeout=STEP)
    expect(settings).to_contain_text("seed = 9999", timeout=STEP)
    values = slider_values_from_settings(page)
    for key, value in values.items():
        readout = page.locator(f".mcgrad-{key} .widget-readout")
        assert float(readout.inner_text()) == value, (name, key, readout.inner_text(), value)
    clipped = page.eval_on_selector_all(
        ".mcgrad-explorer .widget-readout, .mcgrad-readout td, .mcgrad-readout th, "
        ".mcgrad-readout",
        "els => els.filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth)"
        ".map(e => (e.dataset.key || e.className) + ': ' + e.innerText + ' ' + e.scrollWidth"
        " + '>' + e.clientWidth)")
    assert not clipped, (name, clipped)


def visible_font_sizes(page) -> list[float]:
    return page.eval_on_selector_all(
        ".mcgrad-explorer .widget-label, .mcgrad-explorer .widget-readout, "
        ".mcgrad-explorer button, .mcgrad-readout td, .mcgrad-readout th, "
        ".jp-RenderedMarkdown p",
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 720},
                                      {"width": 1920, "height": 1080}], ids=lambda v: "x".join(
                                          str(x) for x in v.values()))
def test_app_numbers_whole_in_voila(browser, tmp_path, viewport):
    """The app at a projector's 1280x720 and at 1920x1080: slider readouts show their whole
    value (N 10000, seed 9999), no readout cell is clipped, and at 1920x1080 the controls,
    readout and prompt are at least 24 px."""
    from playwright.sync_api import expect

    port, token = free_port(), secrets.token_hex(16)
    cmd = [str(BIN / "voila"), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
           f"--Voila.token={token}", "--ServerApp.allow_root=True", APP]
    name = f"app-{viewport['width']}x{viewport['height']}"
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), server_env(tmp_path)):
        page = browser.new_page(viewport=viewport)
        try:
            with screenshot_on_failure(page, name):
                page.goto(f"http://127.0.0.1:{port}/?token={token}", timeout=RUN_ALL)
                expect(page.locator(".mcgrad-readout")).to_be_visible(timeout=RUN_ALL)
                check_numbers_whole(page, name)
                fonts = visible_font_sizes(page)
                least = 24.0 if viewport["width"] >= 1920 else MIN_FONT_PX
                assert fonts and min(fonts) >= least, (name, sorted(set(fonts)))
                keep = os.environ.get("MCGRAD_SCREENSHOTS")
                if keep:
                    page.screenshot(path=str(Path(keep) / f"{name}-page.png"))
        finally:
            page.close()


@pytest.mark.parametrize("sidebar", [True, False], ids=["sidebar", "no-sidebar"])
def test_notebook_06_lecture_numbers_whole(browser, tmp_path, sidebar):
    """06 in JupyterLab under lecture style (MCGRAD_STYLE=lecture, as make lecture) at
    1280x720, with the file browser open or closed: whole readouts, no clipped cell, and
    sliders long enough to set each value (at least 4 px per step of theta, sigma, N, runs)."""
    from playwright.sync_api import expect

    port, token, cmd = jupyterlab_command(tmp_path)
    env = {**server_env(tmp_path), "MCGRAD_STYLE": "lecture"}
    name = f"jupyterlab-06-lecture-{'sidebar' if sidebar else 'no-sidebar'}"
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), env):
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        try:
            with screenshot_on_failure(page, name):
                open_notebook(page, port, token, NOTEBOOK)
                left = page.locator("#jp-left-stack")
                if left.is_visible() != sidebar:
                    # clicking the current sidebar tab collapses the sidebar, any other opens it
                    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab"
                                 + (".lm-mod-current" if not sidebar else "")).first.click()
                    expect(left).to_be_visible() if sidebar else expect(left).to_be_hidden()
                page.get_by_role("menuitem", name="Run", exact=True).click()
                page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
                expect(page.locator(".mcgrad-explorer.mcgrad-lecture")).to_be_visible(
                    timeout=RUN_ALL)
                running = page.locator(".jp-CodeCell .jp-InputPrompt", has_text="[*]")
                expect(running).to_have_count(0, timeout=RUN_ALL)
                page.locator(".mcgrad-explorer").scroll_into_view_if_needed()
                steps = {"theta": 24, "sigma": 11, "n": len(widgets.N_CHOICES) - 1,
                         "runs": len(widgets.RUNS_CHOICES) - 1}
                for key, count in steps.items():
                    track = page.locator(f".mcgrad-{key} .noUi-target").bounding_box()
                    assert track and track["width"] / count >= 4, (name, key, track)
                check_numbers_whole(page, name)
        finally:
            page.close()
