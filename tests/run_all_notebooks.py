"""Run notebooks top to bottom in fresh kernels and fail on any output of type ``error``.

Used by .ci/colab_check.sh in a venv that holds Colab's versions.  Each notebook runs from
a temporary copy (the files in notebooks/ are never written), with every cell executed
even after an error, so that one run reports every failing cell.  Output of type
``stream`` that merely prints "TypeError: ..." is no error.

Usage: python tests/run_all_notebooks.py [NOTEBOOK ...]   (default: notebooks/*.ipynb and
       notebooks/solutions/*.ipynb)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 900  # seconds per cell


def default_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
        (ROOT / "notebooks" / "solutions").glob("*.ipynb"))


def errors_of(nb) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = cell.source.splitlines()[0] if cell.source else ""
                found.append(f"  cell {i} ({first[:60]!r}): {out.get('ename')}: {out.get('evalue')}")
    return found


def main(paths: list[str]) -> int:
    notebooks = [Path(p).resolve() for p in paths] or default_notebooks()
    failed = 0
    for path in notebooks:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / path.name
            shutil.copy2(path, copy)
            nb = nbformat.read(copy, as_version=4)
            start = time.monotonic()
            client = NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3", allow_errors=True,
                                    resources={"metadata": {"path": str(path.parent)}})
            client.execute()
            seconds = time.monotonic() - start
        found = errors_of(nb)
        status = "FAILED" if found else "ok"
        print(f"{status:6} {seconds:6.1f} s  {path.relative_to(ROOT)}", flush=True)
        for line in found:
            print(line)
        failed += bool(found)
    print(f"{len(notebooks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
