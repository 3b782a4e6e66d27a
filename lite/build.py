"""Build the in-browser site (JupyterLite on Pyodide) into one folder: `make lite`.

The site holds every lesson notebook (notebooks/*.ipynb and notebooks/solutions/*.ipynb
when present), the explorer app (a copy of notebooks/explorer-app.ipynb whose code cells
are collapsed, opened in the notebook view), the widget front end, and under wheels/
the `mcgrad` wheel built from this checkout plus the pure-Python wheels it needs that
the site ships itself (pinned with hashes in requirements/lite-wheels.txt).  The kernel
loads them when it starts (loadPyodideOptions.packages), so `import mcgrad` works with no
%pip cell.  Pyodide itself (core and compiled packages such as numpy and matplotlib) is
the official distribution at PYODIDE_URL, set in jupyter-lite.json; nothing of it is
copied into the site.  The offline test points a copy of the site at a local runtime
(.ci/pyodide_runtime.py).

Usage: .venv-lite/bin/python lite/build.py [--output build/lite]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "lite"
PYODIDE_VERSION = "0.27.7"
PYODIDE_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/pyodide.js"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# The kernel's worker script lives in extensions/@jupyterlite/pyodide-kernel-extension/
# static/; Pyodide resolves a package URL against it, so this reaches the site's root.
WORKER_TO_ROOT = "../../../../"
# Loaded by Pyodide from its own distribution (with their dependencies from its lock file)
# before the site's wheels: what `import mcgrad` needs at import time.
PYODIDE_PACKAGES = ["numpy", "matplotlib"]
APP = "explorer-app.ipynb"


def run(cmd: list[str], **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wheels(dest: Path) -> list[Path]:
    """The mcgrad wheel from this checkout and the pinned pure-Python wheels, in load order."""
    dest.mkdir(parents=True)
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--require-hashes", "-r", str(ROOT / "requirements" / "lite-wheels.txt"), "-d", str(dest)])
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dest), str(ROOT)])
    found = sorted(dest.glob("*.whl"))
    for whl in found:
        if not whl.name.endswith("-py3-none-any.whl"):
            raise SystemExit(f"{whl.name} is not a pure-Python wheel; Pyodide cannot load it")
    order = ["comm", "mpmath", "sympy", "ipywidgets", "mcgrad"]  # dependencies first
    rank = {name: i for i, name in enumerate(order)}
    return sorted(found, key=lambda p: (rank.get(p.name.split("-")[0].lower(), -1), p.name))


def app_copy(src: Path, dest: Path) -> None:
    """The explorer app with its code cells collapsed: the site opens it in the notebook view."""
    nb = json.loads(src.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell.setdefault("metadata", {}).setdefault("jupyter", {})["source_hidden"] = True
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def contents(dest: Path) -> int:
    dest.mkdir(parents=True)
    count = 0
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if nb.name == APP:
            app_copy(nb, dest / nb.name)
        else:
            shutil.copy2(nb, dest / nb.name)
            count += 1
    solutions = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
    if solutions:
        (dest / "solutions").mkdir()
        for nb in solutions:
            shutil.copy2(nb, dest / "solutions" / nb.name)
            count += 1
    return count


def site_config(wheel_names: list[str]) -> dict:
    config = json.loads((HERE / "jupyter-lite.json").read_text())
    data = config["jupyter-config-data"]
    kernel = data["litePluginSettings"][KERNEL_PLUGIN]
    kernel["pyodideUrl"] = PYODIDE_URL
    kernel["loadPyodideOptions"] = {
        "packages": PYODIDE_PACKAGES + [f"{WORKER_TO_ROOT}wheels/{name}" for name in wheel_names]}
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "build" / "lite"))
    out = Path(parser.parse_args().output).resolve()
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="mcgrad-lite-") as tmp:
        tmp = Path(tmp)
        found = wheels(tmp / "wheels")
        n = contents(tmp / "content")
        lite_dir = tmp / "lite"
        lite_dir.mkdir()
        shutil.copy2(HERE / "overrides.json", lite_dir / "overrides.json")
        (lite_dir / "jupyter-lite.json").write_text(
            json.dumps(site_config([w.name for w in found]), indent=2) + "\n")
        run([str(Path(sys.executable).parent / "jupyter"), "lite", "build",
             "--lite-dir", str(lite_dir), "--contents", str(tmp / "content"),
             "--output-dir", str(out), "--no-sourcemaps"], cwd=tmp)
        (out / "wheels").mkdir()
        for whl in found:
            shutil.copy2(whl, out / "wheels" / whl.name)
    manifest = {"pyodide_url": PYODIDE_URL, "pyodide_version": PYODIDE_VERSION,
                "wheels": {w.name: sha256(out / "wheels" / w.name) for w in found}}
    (out / "wheels" / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"site: {out} ({n} lesson notebooks, app, {len(found)} wheels, {size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
