"""One source of truth for versions: pyproject.toml, binder/ and environment.yml agree.

Every route installs the same PyPI pins: CI and `make` from pyproject.toml,
mybinder.org from binder/requirements.txt (Python from binder/runtime.txt), conda
users from the pip section of environment.yml (conda gives only Python and pip).
Also checks that the running environment is the pinned one, that the widget
packages are in lock-step, that nbval is configured strictly, and that the
Binder files install the helper package.  `.ci/run` additionally resolves
binder/requirements.txt against the registry and compares with this environment.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
# Files that make repo2docker pick another build pack or resolve versions itself.
BINDER_OVERRIDES = ("environment.yml", "Pipfile", "Pipfile.lock", "setup.py", "pyproject.toml",
                    "Project.toml", "install.R", "Dockerfile", "apt.txt")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def exact_pins(lines: list[str], where: str) -> dict[str, str]:
    """Map normalised name -> version for requirement strings that must all be `name==version`."""
    pins = {}
    for line in lines:
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{where}: {line!r}: pin exactly with =="
        assert not req.extras and req.marker is None and req.url is None, f"{where}: {line!r}: plain pin"
        name = norm(req.name)
        assert name not in pins, f"{where}: {name} listed twice"
        pins[name] = specs[0].version
    return pins


def pyproject_pins() -> dict[str, str]:
    return exact_pins(pyproject()["project"]["dependencies"], "pyproject.toml")


def requirement_lines(path: Path) -> list[str]:
    lines = [raw.split("#", 1)[0].strip() for raw in path.read_text().splitlines()]
    return [line for line in lines if line]


def test_binder_requirements_are_the_pyproject_pins():
    lines = requirement_lines(ROOT / "binder" / "requirements.txt")
    assert not [x for x in lines if x.startswith("-")], "no pip options in binder/requirements.txt"
    assert exact_pins(lines, "binder/requirements.txt") == pyproject_pins()


def test_binder_python_and_build_pack():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    present = [name for name in BINDER_OVERRIDES if (ROOT / "binder" / name).exists()]
    assert not present, f"binder/{present} would replace requirements.txt + runtime.txt"


def test_conda_environment_is_python_pip_and_the_pyproject_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert sorted(conda) == ["pip", "python=3.11"], f"conda installs only python and pip: {conda}"
    assert len(pip_sections) == 1, "one pip: section"
    assert exact_pins(pip_sections[0], "environment.yml pip:") == pyproject_pins()


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


def test_make_execute_never_writes_to_the_shell_socket_from_output_widgets():
    """tests/execute_notebook.py: the Output-widget imitation captures but sends nothing."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("execute_notebook",
                                                  ROOT / "tests" / "execute_notebook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    class NoShell:
        def send(self, msg):
            raise AssertionError("the executor wrote to the shell socket during a cell")

    class Client:
        shell_channel = NoShell()

    class Executor:
        widget_state = {"c1": {}}

    widget = module.CaptureOnlyOutputWidget("c1", {"outputs": []}, Client(), Executor())
    msg = {"header": {"msg_type": "stream"}, "parent_header": {"msg_id": "m"},
           "msg_type": "stream", "content": {"name": "stdout", "text": "tau = 0.1\n"}}
    widget.output([], msg, None, 0)
    widget.clear_output([], {"parent_header": {}, "content": {"wait": False}}, 0)
    widget.output([], msg, None, 0)
    assert [o["text"] for o in widget.outputs] == ["tau = 0.1\n"]
    assert "--output-dir" in (ROOT / "tests" / "execute_notebook.py").read_text()
    assert "tests/execute_notebook.py" in (ROOT / "Makefile").read_text()
