"""Derive a student notebook from its solutions twin; what ``make execute`` runs.

The twin ``notebooks/solutions/NN-name.ipynb`` is the source of a lesson: the
whole lesson with each worked solution right under its exercise.  The student
notebook ``notebooks/NN-name.ipynb`` is the twin without its solutions:

* cells tagged ``solution`` are dropped (the twin's banner is one of them);
* the cell tagged ``solutions-link`` (first under ``## Exercises``) points the
  student to the twin, and in the twin back to the student copy;
* relative links that leave the lessons' folder (``../explorer-app.ipynb`` in the
  twin) lose one ``../``, since the student copy sits one folder up; links to
  other lessons (``NN-name.ipynb``) stay as they are, and resolve to the
  student copies from one folder and to the twins from the other;
* outputs and execution counts are cleared (``make execute`` then runs it).

The banner and link cells are written here, so an author edits only the twin's
lesson and its solutions.  ``derive`` is also what the drift test compares with.

Usage: python tests/derive_student.py notebooks/solutions/NN-name.ipynb [...]
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import nbformat

SOLUTION = "solution"
LINK_TAG = "solutions-link"
BANNER_TAG = "solutions-banner"
# A Markdown link or an HTML href whose target starts with ../ (the twin's view of a file
# outside notebooks/solutions/).
UP_LINK = re.compile(r"(\]\(|href=\")\.\./")


def student_path(twin: Path) -> Path:
    """``notebooks/solutions/NN-name.ipynb`` -> ``notebooks/NN-name.ipynb``."""
    if twin.parent.name != "solutions":
        raise ValueError(f"{twin}: a solutions twin lives in notebooks/solutions/")
    return twin.parent.parent / twin.name


def banner_text(name: str) -> str:
    return (f"**Worked solutions.** This is the solutions copy of this lesson: each exercise "
            f"is followed by its worked solution.\n"
            f"Try the exercises first in the student copy, "
            f"[{name}](../{name}), which has none.")


CONVENTION = ("Numbers are checked to six significant figures unless the exercise says "
              "otherwise, so give the value you computed rather than a rounded copy; Monte "
              "Carlo estimates are accepted within five standard errors of the exact value.")


def student_link_text(name: str) -> str:
    return (f"Try each exercise before you look at a solution: replace `None` in the answer "
            f"cell and run it, and the checker says whether you are right.\n"
            f"{CONVENTION}\n"
            f"The worked solutions are in [solutions/{name}](solutions/{name}).")


def twin_link_text(name: str) -> str:
    return (f"Each worked solution follows its exercise and prints the expected answer.\n"
            f"{CONVENTION}\n"
            f"The student copy without the solutions is [{name}](../{name}).")


def _markdown(source: str, tags: list[str]) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["tags"] = tags
    return cell


def normalise_twin(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Make sure the twin has its banner (after the title) and its link cell (after
    ``## Exercises``), with the current text; return the notebook."""
    tags = lambda c: c.metadata.get("tags", [])  # noqa: E731
    banner = [i for i, c in enumerate(nb.cells) if BANNER_TAG in tags(c)]
    if banner:
        nb.cells[banner[0]].source = banner_text(name)
    else:
        nb.cells.insert(1, _markdown(banner_text(name), [SOLUTION, BANNER_TAG]))
    link = [i for i, c in enumerate(nb.cells) if LINK_TAG in tags(c)]
    if link:
        nb.cells[link[0]].source = twin_link_text(name)
    else:
        heading = [i for i, c in enumerate(nb.cells)
                   if c.cell_type == "markdown" and c.source.strip() == "## Exercises"]
        if len(heading) != 1:
            raise ValueError(f"{name}: the twin needs exactly one '## Exercises' heading cell")
        nb.cells.insert(heading[0] + 1, _markdown(twin_link_text(name), [LINK_TAG]))
    return nb


def derive(twin: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The student notebook for the twin ``twin`` of lesson ``name`` (outputs cleared)."""
    nb = copy.deepcopy(twin)
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if SOLUTION in tags:
            continue
        if LINK_TAG in tags:
            cell.source = student_link_text(name)
        if cell.cell_type == "markdown":
            cell.source = UP_LINK.sub(r"\1", cell.source)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    return nb


def main(args: list[str]) -> int:
    if not args:
        print("usage: python tests/derive_student.py notebooks/solutions/NN-name.ipynb [...]")
        return 2
    for arg in args:
        twin_file = Path(arg)
        if not twin_file.is_file():
            print(f"{arg}: no such notebook")
            return 1
        twin = nbformat.read(twin_file, as_version=4)
        normalise_twin(twin, twin_file.name)
        nbformat.write(twin, twin_file)
        nbformat.write(derive(twin, twin_file.name), student_path(twin_file))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
