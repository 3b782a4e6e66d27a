"""Each lesson and its solutions twin stay one lesson.

The twin (``notebooks/solutions/NN-name.ipynb``) is the source; the student
notebook is what ``tests/derive_student.py`` derives from it.  They may differ
only in the solution cells, the link between the two copies, the outputs and
the execution counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import derive_student  # noqa: E402

TWINS = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
STUDENT = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def shape(nb: nbformat.NotebookNode) -> list[tuple]:
    """What must agree: each cell's type, source and metadata (not outputs or counts)."""
    return [(c.cell_type, c.source, dict(c.metadata)) for c in nb.cells]


def test_every_lesson_has_a_twin_and_every_twin_a_lesson():
    assert TWINS, "no solutions twins in notebooks/solutions/"
    assert [p.name for p in TWINS] == [p.name for p in STUDENT]


@pytest.mark.parametrize("twin", TWINS, ids=[p.name for p in TWINS])
def test_student_notebook_is_derived_from_its_twin(twin):
    source = nbformat.read(twin, as_version=4)
    student = nbformat.read(derive_student.student_path(twin), as_version=4)
    normalised = derive_student.normalise_twin(nbformat.read(twin, as_version=4), twin.name)
    assert shape(normalised) == shape(source), (
        f"the twin's banner or link cell is stale: run `make execute NB={twin}`")
    expected = derive_student.derive(source, twin.name)
    assert shape(student) == shape(expected), (
        f"{twin.name}: the student copy differs from what its twin derives; edit the twin "
        f"and run `make execute NB=notebooks/solutions/{twin.name}`")


@pytest.mark.parametrize("twin", TWINS, ids=[p.name for p in TWINS])
def test_the_two_copies_link_each_other(twin):
    student = derive_student.student_path(twin)
    twin_text = "\n".join(c.source for c in nbformat.read(twin, as_version=4).cells)
    student_text = "\n".join(c.source for c in nbformat.read(student, as_version=4).cells)
    assert f"](../{twin.name})" in twin_text
    assert f"](solutions/{twin.name})" in student_text
    # the student's link sits at the top of the Exercises section
    cells = nbformat.read(student, as_version=4).cells
    heading = next(i for i, c in enumerate(cells) if c.source.strip() == "## Exercises")
    assert f"](solutions/{twin.name})" in cells[heading + 1].source


def test_derive_drops_solutions_and_rewrites_only_links_out_of_the_folder():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · Test"),
                nbformat.v4.new_markdown_cell("See [the app](../explorer-app.ipynb) and "
                                              "[01](01-gradient-of-an-expectation.ipynb)."),
                nbformat.v4.new_markdown_cell("## Exercises"),
                nbformat.v4.new_code_cell("answer = None\nexercises.check('99.1', answer)"),
                nbformat.v4.new_code_cell("# Solution\nanswer = 1"),
                nbformat.v4.new_markdown_cell("**Solution.** One.")]
    nb.cells[4].metadata["tags"] = ["solution"]
    nb.cells[5].metadata["tags"] = ["solution"]
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="Not answered yet")]
    twin = derive_student.normalise_twin(nb, "99-test.ipynb")
    student = derive_student.derive(twin, "99-test.ipynb")
    sources = [c.source for c in student.cells]
    assert sources[1] == ("See [the app](explorer-app.ipynb) and "
                          "[01](01-gradient-of-an-expectation.ipynb).")
    assert not any("Solution" in s or "answer = 1" in s for s in sources)
    assert "solutions/99-test.ipynb" in sources[3]
    assert student.cells[4].outputs == [] and len(student.cells) == 5
    assert "**Worked solutions.**" in twin.cells[1].source
