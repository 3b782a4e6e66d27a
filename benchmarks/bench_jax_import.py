"""Resident memory that importing JAX adds to a kernel (notebook 12; Binder gives 1-2 GB).

Runs a fresh Python process that imports what notebook 12's setup cell imports
except JAX, reads its resident set size (VmRSS), then imports JAX, switches on
64-bit floats and runs one small computation, and reads VmRSS again.  Prints
both and the difference against the 300 MB limit; exits 1 above it.
"""

from __future__ import annotations

import subprocess
import sys

LIMIT_MB = 300
CHILD = r"""
import os
os.environ.setdefault("JAX_PLATFORMS", "cpu")

def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

import matplotlib.pyplot, numpy, sympy, mcgrad  # the rest of the setup cell
before = rss_mb()
import jax
import jax.numpy as jnp
jax.config.update("jax_enable_x64", True)
jax.grad(lambda t: jnp.mean((t + jnp.arange(1000.0)) ** 2))(2.0).block_until_ready()
print(before, rss_mb())
"""


def main() -> int:
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    before, after = map(float, out.stdout.split())
    added = after - before
    print(f"resident memory before JAX {before:7.1f} MB")
    print(f"after import + first grad  {after:7.1f} MB")
    print(f"added by JAX               {added:7.1f} MB   (limit {LIMIT_MB} MB)")
    return 0 if added <= LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
