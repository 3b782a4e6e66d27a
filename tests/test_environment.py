"""One source of truth for versions: pyproject.toml, environment.yml and binder/ agree.

Also checks that the running environment is the pinned one, that the widget
packages are in lock-step, that nbval is configured strictly, and that the
Binder files install the helper package.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
IGNORED = {"python", "pip"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def pyproject_pins() -> dict[str, str]:
    pins = {}
    for line in pyproject()["project"]["dependencies"]:
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{line}: pin exactly with =="
        pins[norm(req.name)] = spec.version
    return pins


def conda_pins(path: Path) -> tuple[dict[str, str], str]:
    pins, python = {}, ""
    in_deps = False
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line:
            continue
        if not line.startswith(" "):
            in_deps = line.startswith("dependencies:")
            continue
        m = re.fullmatch(r"\s+-\s+([A-Za-z0-9_.\-]+)\s*(?:=\s*([^\s=]+))?", line)
        if in_deps and m:
            name, version = norm(m.group(1)), m.group(2)
            if name == "python":
                python = version or ""
            elif name not in IGNORED:
                assert version, f"{path.name}: {name} is not pinned"
                pins[name] = version
    return pins, python


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_files_match_pyproject(path):
    pins, python = conda_pins(ROOT / path)
    assert pins == pyproject_pins(), f"{path} and pyproject.toml disagree"
    assert python == "3.11"
    assert "conda-forge" in (ROOT / path).read_text()


def test_pyproject_python_and_test_extra():
    project = pyproject()["project"]
    assert project["requires-python"] == ">=3.11,<3.12"
    for line in project["optional-dependencies"]["test"]:
        (spec,) = Requirement(line).specifier
        assert spec.operator == "==", f"{line}: pin exactly with =="


def test_installed_versions_are_the_pins():
    test_pins = {norm(Requirement(r).name): str(Requirement(r).specifier)[2:]
                 for r in pyproject()["project"]["optional-dependencies"]["test"]}
    for name, version in {**pyproject_pins(), **test_pins}.items():
        assert metadata.version(name) == version, f"installed {name} is not the pinned {version}"


def test_widget_packages_in_lock_step():
    pins = pyproject_pins()
    needs = {norm(Requirement(r).name): Requirement(r).specifier
             for r in metadata.requires("ipywidgets") if "extra" not in r}
    for partner in ("jupyterlab-widgets", "widgetsnbextension"):
        assert needs[partner].contains(pins[partner]), (
            f"ipywidgets {pins['ipywidgets']} needs {partner}{needs[partner]}, pinned {pins[partner]}")


def test_nbval_is_strict():
    opts = pyproject()["tool"]["pytest"]["ini_options"]
    addopts = opts["addopts"]
    assert "--nbval" in addopts and "--nbval-lax" not in addopts
    assert "--nbval-current-env" in addopts
    cfg = addopts[addopts.index("--nbval-sanitize-with") + 1]
    assert (ROOT / cfg).is_file()
    assert "notebooks" in opts["testpaths"]


def test_binder_installs_the_package():
    post = (ROOT / "binder" / "postBuild").read_text()
    assert post.startswith("#!/bin/bash") and "set -e" in post
    assert "pip install --no-deps -e ." in post
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_no_sys_path_edits():
    offenders = [p for p in list(ROOT.glob("notebooks/*.ipynb")) + list(ROOT.glob("utils/**/*.py"))
                 if "sys.path" in p.read_text()]
    assert not offenders, f"sys.path edits in {offenders}; notebooks must `import mcgrad`"
