#!/usr/bin/env bash
# The in-browser site, offline: build it with `make lite` (published form: Pyodide from its
# CDN), then tests/browser_lite.py copies it onto a local Pyodide 0.27.7 verified against
# the official lock (.ci/pyodide_runtime.py), serves the copy on 127.0.0.1 and drives
# Chromium: 06's sliders, 02's exercise check, the app, and Run All over the lessons.
# Usage: .ci/lite_test.sh [pytest -k expression]   e.g. .ci/lite_test.sh "06 or 02"
set -euo pipefail
cd "$(dirname "$0")/.."
make lite
set +e
if [ $# -gt 0 ]; then
  .venv/bin/python -m pytest -q tests/browser_lite.py -k "$1" 2>&1 | tee .ci-lite.log
else
  .venv/bin/python -m pytest -q tests/browser_lite.py 2>&1 | tee .ci-lite.log
fi
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "the in-browser site test failed with exit status $status"
  exit "$status"
fi
if grep -Eq "(no tests ran|collected 0 items)" .ci-lite.log; then
  echo "no browser tests were collected"
  exit 1
fi
rm -f .ci-lite.log
