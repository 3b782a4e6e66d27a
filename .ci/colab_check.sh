#!/usr/bin/env bash
# Colab cannot be reached from CI, so imitate it: a fresh venv with Colab's versions
# (requirements/colab.txt, with the date they were read), the package installed with
# --no-deps as the notebooks' Colab set-up cell installs it, then every notebook top to
# bottom (tests/run_all_notebooks.py), failing on any output of type error.
# Python: 3.11 by default (COLAB_PYTHON=/path/to/python3.13 to match Colab's 3.13).
# sympy and mpmath, which were not read on Colab, come from requirements/environment.txt.
# Usage: .ci/colab_check.sh [NOTEBOOK ...]      (needs the package registry; ~6 min)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${COLAB_PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV=build/venv-colab
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
extra=$(grep -E '^(sympy|mpmath)==' requirements/environment.txt | tr '\n' ' ')
# shellcheck disable=SC2086
"$VENV/bin/python" -m pip install --quiet -r requirements/colab.txt $extra ipykernel nbclient nbformat
"$VENV/bin/python" -m pip install --quiet --no-deps .
"$VENV/bin/python" - <<'PY'
import sys, importlib.metadata as m
names = ["numpy", "matplotlib", "ipywidgets", "jax", "jaxlib", "sympy", "mpmath", "ipykernel"]
print("python", sys.version.split()[0], {n: m.version(n) for n in names})
PY
# the kernel must be this venv's Python, not one registered elsewhere on the machine
export JUPYTER_PATH="$PWD/$VENV/share/jupyter" JUPYTER_DATA_DIR="$PWD/$VENV/share/jupyter"
"$VENV/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null
env -u MCGRAD_STYLE -u MPLBACKEND "$VENV/bin/python" tests/run_all_notebooks.py "$@"
