"""Notebook hygiene: what is stored in the committed notebooks.

Strict nbval (configured in pyproject.toml) re-executes every notebook and
compares outputs; these tests check what nbval does not: metadata, execution
order, machine paths, links, and the collection's anatomy.
"""

import re
import statistics
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
# The student notebooks and their solutions twins (notebooks/solutions/, the source).
STUDENT = sorted((ROOT / "notebooks").glob("*.ipynb"))
TWINS = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
NOTEBOOKS = STUDENT + TWINS
IDS = [str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS]
# Apps hold a widget and nothing else (CONTRIBUTING.md): exempt by name from the lesson
# anatomy (numbered name, H1, Summary, Exercises, short cells), not from hygiene.
APPS = {"explorer-app.ipynb"}
LESSONS = [p for p in NOTEBOOKS if p.name not in APPS]
LESSON_IDS = [str(p.relative_to(ROOT / "notebooks")) for p in LESSONS]
NAME = re.compile(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb")
MACHINE_PATH = re.compile(r"(/root/|/home/|/Users/|/tmp/|/work/|site-packages|[A-Z]:\\\\Users)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)|<a [^>]*href=\"([^\"]+)\"")


def load(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4
    assert (ROOT / "notebooks" / "00-overview.ipynb").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_valid_and_portable_kernelspec(path):
    nb = load(path)
    nbformat.validate(nb)
    assert NAME.fullmatch(path.name) or path.name in APPS, (
        f"{path.name}: use NN-descriptive-name.ipynb")
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.kernelspec.language == "python"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, f"volatile metadata {set(nb.metadata)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_in_order_from_a_fresh_kernel(path):
    counts = [c.execution_count for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), f"run `make execute NB={path.name}`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_volatile_cell_metadata_or_errors(path):
    for i, cell in enumerate(load(path).cells):
        assert set(cell.metadata) <= {"tags", "jupyter"}, f"cell {i}: {set(cell.metadata)}"
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"cell {i} stored an error"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"cell {i} wrote to stderr: {out.text[:200]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_machine_paths_in_outputs(path):
    for i, cell in enumerate(code_cells(load(path))):
        for out in cell.outputs:
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert not MACHINE_PATH.search(text), f"code cell {i}: machine path in output"


def links(text):
    for m in LINK.finditer(text):
        yield m.group(1) or m.group(2)


def assert_links_resolve(text, base, where):
    for target in links(text):
        url = urlparse(target)
        if url.scheme or target.startswith("#") or target.startswith("mailto:"):
            continue
        path = (base / unquote(url.path)).resolve()
        assert path.exists(), f"{where}: broken link {target}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_relative_links_resolve(path):
    for cell in load(path).cells:
        if cell.cell_type == "markdown":
            assert_links_resolve(cell.source, path.parent, path.name)


@pytest.mark.parametrize("doc", ["README.md", "CONTRIBUTING.md"])
def test_document_links_resolve(doc):
    assert_links_resolve((ROOT / doc).read_text(), ROOT, doc)


@pytest.mark.parametrize("path", LESSONS, ids=LESSON_IDS)
def test_anatomy(path):
    nb = load(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    h1 = first.source.splitlines()[0]
    assert h1.startswith(f"# {path.name[:2]} "), f"H1 must start with the number: {h1!r}"
    headings = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()]
    assert "## Summary" in headings and "## Exercises" in headings
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    if path.parent.name == "solutions":
        assert solutions, "a twin holds the worked solutions"
    else:
        assert not solutions, "a student notebook holds no solution cells"
    setup = code_cells(nb)[0]
    assert setup.outputs == [], "the setup cell must print nothing"


@pytest.mark.parametrize("path", LESSONS, ids=LESSON_IDS)
def test_short_code_cells(path):
    lengths = [len(c.source.strip().splitlines()) for c in code_cells(load(path))]
    assert statistics.median(lengths) <= 5, f"median code cell is {statistics.median(lengths)} lines"
    assert max(lengths) <= 30, f"a code cell has {max(lengths)} lines; move long code into mcgrad"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_only_explained_cells_skip_output_comparison(path):
    for cell in code_cells(load(path)):
        tags = cell.metadata.get("tags", [])
        assert "nbval-skip" not in tags, "nbval-skip hides a cell from testing"
        if "nbval-ignore-output" in tags:
            assert cell.source.lstrip().startswith("#"), (
                "a cell tagged nbval-ignore-output must open with a comment saying why")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_seeded_generators_and_shared_colours(path):
    for cell in code_cells(load(path)):
        src = cell.source
        assert not re.search(r"np\.random\.(seed|rand|randn|normal|uniform|choice|standard_normal)\(",
                             src), "use a seeded np.random.default_rng(SEED) Generator"
        assert "default_rng()" not in src, "an unseeded Generator makes outputs unreproducible"
        assert not re.search(r"['\"]#[0-9a-fA-F]{6}['\"]", src), "use plotting.COLORS, not hex codes"
        assert "MPLBACKEND" not in src


def test_overview_and_readme_list_every_notebook():
    overview = "\n".join(c.source for c in load(ROOT / "notebooks" / "00-overview.ipynb").cells)
    readme = (ROOT / "README.md").read_text()
    for path in STUDENT:
        if path.name == "00-overview.ipynb":
            continue
        assert path.name in overview, f"00-overview does not link {path.name}"
        assert f"notebooks/{path.name}" in readme, f"README does not link {path.name}"


def test_binder_links_point_at_existing_notebooks():
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"mybinder\.org/v2/gh/[^)\s]*?urlpath=(?:lab/tree|voila/render)/([^)&\s]+)",
                         readme)
    assert targets, "README has no Binder link"
    for target in targets:
        assert (ROOT / unquote(target)).is_file(), f"Binder link target {target} does not exist"
    assert "urlpath=lab/tree/notebooks/00-overview.ipynb" in readme
