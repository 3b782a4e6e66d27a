"""Fail unless pip resolves binder/requirements.txt to exactly the versions installed here.

mybinder.org runs `pip install -r binder/requirements.txt` on a fresh Python 3.11.
This asks the registry what that command would install today
(`pip install --dry-run --ignore-installed --report`) and compares every resolved
package, direct or transitive, with the version in the running environment (the
.venv that `make test` tested).  Run by .ci/run; needs the package registry.

Usage: .venv/bin/python .ci/binder_pins.py [requirements file, default binder/requirements.txt]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve(requirements: Path) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
             "--report", str(report), "-r", str(requirements)],
            check=True,
        )
        items = json.loads(report.read_text())["install"]
    return {norm(item["metadata"]["name"]): item["metadata"]["version"] for item in items}


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "binder" / "requirements.txt"
    resolved = resolve(path)
    installed = {norm(d.metadata["Name"]): d.version for d in metadata.distributions()}
    bad = []
    for name, version in sorted(resolved.items()):
        have = installed.get(name)
        if have != version:
            bad.append(f"  {name}: Binder would install {version}, CI tested {have or 'nothing'}")
    print(f"{path.name} resolves to {len(resolved)} packages")
    if bad:
        print("Binder would not install what CI tested:\n" + "\n".join(bad))
        return 1
    print("every one of them is the version installed in this environment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
