#!/usr/bin/env bash
# Strict nbval over notebooks/ as a fork's CI on another CPU would run it:
#   MPLBACKEND=Agg                  (a backend set in the environment must not change outputs;
#                                    each notebook's setup cell says %matplotlib inline)
#   NPY_DISABLE_CPU_FEATURES=...    every SIMD target numpy dispatches to at run time on
#                                    top of its compiled baseline, so only baseline code runs
#   PYTHONWARNINGS=error::SyntaxWarning,error:invalid escape sequence:DeprecationWarning
#                                   a string with an invalid escape such as "\h" is an
#                                   error in the cell (SyntaxWarning from Python 3.12 on;
#                                   on this project's Python 3.11 the same warning is a
#                                   DeprecationWarning, so both are listed).  Kernels inherit
#                                   the variable; the check below proves it reaches them.
# The list is computed here from numpy itself (numpy refuses to disable a baseline
# feature and ignores targets this CPU lacks).
# Usage: .ci/nbval_portable.sh [NOTEBOOK ...]   (default: every notebook)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

dispatch=$($PY -c 'from numpy._core import _multiarray_umath as m; print(" ".join(m.__cpu_dispatch__))')
export MPLBACKEND=Agg
export NPY_DISABLE_CPU_FEATURES="$dispatch"
export PYTHONWARNINGS="error::SyntaxWarning,error:invalid escape sequence:DeprecationWarning"
echo "MPLBACKEND=$MPLBACKEND NPY_DISABLE_CPU_FEATURES=\"$NPY_DISABLE_CPU_FEATURES\""
echo "PYTHONWARNINGS=\"$PYTHONWARNINGS\""
# Prove the warning filter reaches a kernel: an invalid escape in a cell must fail it.
$PY - <<'PY'
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="python3")
try:
    reply = kc.execute_interactive('s = "a\\h"', timeout=60, output_hook=lambda msg: None)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
content = reply["content"]
print("a cell with an invalid escape in a kernel:", content["status"], content.get("ename"))
assert content["status"] == "error" and content["ename"] == "SyntaxError", content
PY
# Prove the limit took effect: no dispatched target may still be active.
$PY - <<'PY'
from numpy._core import _multiarray_umath as m
active = [f for f in m.__cpu_dispatch__ if m.__cpu_features__.get(f)]
print("numpy baseline:", " ".join(m.__cpu_baseline__), "| dispatched targets still active:", active or "none")
assert not active, f"NPY_DISABLE_CPU_FEATURES did not disable {active}"
PY

set +e
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(notebooks); fi
$PY -m pytest "${targets[@]}" 2>&1 | tee .ci-portable.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "strict nbval under MPLBACKEND=Agg and baseline SIMD failed with exit status $status"
  exit "$status"
fi
if grep -Eq "(no tests ran|collected 0 items)" .ci-portable.log; then
  echo "no notebook cells were collected"
  exit 1
fi
rm -f .ci-portable.log
