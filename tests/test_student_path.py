"""What a student meets when opening a notebook, checked mechanically.

For every lesson notebook (``notebooks/NN-*.ipynb``, and its solutions twin in
``notebooks/solutions/``; the app ``explorer-app.ipynb`` is exempt by name):

* a student notebook holds no solution: no cell tagged ``solution``, no
  ``# Solution`` or ``**Solution.**``, no revealed answer, and no stored "Correct.";
* in the twin, solution cells (tag ``solution``) are visible, start with
  ``# Solution`` or ``**Solution.**``, and a code solution reveals its answer and
  ends with the check, whose stored output is "Correct.";
* answer cells (``exercises.check(`` outside a solution) start from ``answer = None``
  and store "Not answered yet";
* no code line is longer than 88 characters;
* ``## Summary`` and ``## Exercises`` are heading cells of their own;
* the setup cell starts with ``%matplotlib inline``;
* no notebook uses the old checkers that print the value they check;
* notebook 00 and CONTRIBUTING.md hold the same notation table.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
STUDENT = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb")
                 if re.fullmatch(r"\d\d-.+\.ipynb", p.name))
TWINS = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
LESSONS = STUDENT + TWINS
IDS = [str(p.relative_to(ROOT / "notebooks")) for p in LESSONS]
MAX_LINE = 88
NOT_ANSWERED = "Not answered yet"


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def is_solution(cell: nbformat.NotebookNode) -> bool:
    return "solution" in cell.metadata.get("tags", [])


def output_text(out: nbformat.NotebookNode) -> str:
    if out.output_type == "stream":
        return out.text
    return str(out.get("data", {}).get("text/plain", ""))


def test_the_app_is_exempt_and_lessons_are_found():
    assert len(STUDENT) >= 4 and [p.name for p in TWINS] == [p.name for p in STUDENT]
    assert all(p.name != "explorer-app.ipynb" for p in LESSONS)


@pytest.mark.parametrize("path", STUDENT, ids=[p.name for p in STUDENT])
def test_a_student_notebook_holds_no_solution(path):
    for i, cell in enumerate(load(path).cells):
        assert not is_solution(cell), f"cell {i} is a solution cell"
        assert "jupyter" not in cell.metadata, f"cell {i} hides something"
        source = cell.source.lstrip()
        assert not source.startswith(("# Solution", "**Solution")), f"cell {i}: {source[:40]!r}"
        assert "exercises.reveal(" not in cell.source, f"cell {i} reveals an answer"
        for out in cell.get("outputs", []):
            text = output_text(out)
            assert "Correct." not in text and "answer = " not in text, (
                f"cell {i}: stored output gives an answer away: {text!r}")


@pytest.mark.parametrize("path", TWINS, ids=[f"solutions/{p.name}" for p in TWINS])
def test_twin_solutions_are_worked_and_checked(path):
    solutions = [(i, c) for i, c in enumerate(load(path).cells) if is_solution(c)
                 and "solutions-banner" not in c.metadata.get("tags", [])]
    assert solutions, "no solution cells"
    for i, cell in solutions:
        assert "jupyter" not in cell.metadata, f"cell {i}: a worked solution is not hidden"
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if cell.cell_type == "markdown":
            assert first.startswith("**Solution.**"), f"cell {i} starts {first!r}"
            continue
        assert first == "# Solution", f"cell {i}: first line is {first!r}, not '# Solution'"
        lines = [line for line in cell.source.splitlines() if line.strip()]
        checks = [line for line in lines if line.startswith("exercises.check(")]
        if not checks:
            continue  # a worked check of a discussion (e.g. SymPy asserts), no answer
        assert lines[-1].startswith("exercises.check("), f"cell {i} must end with the check"
        assert any(line.startswith("exercises.reveal(") for line in lines), (
            f"cell {i}: a worked solution states its answer with exercises.reveal")
        text = "".join(output_text(out) for out in cell.outputs)
        shown = [line for line in text.splitlines() if line.strip()]
        # the check prints "Correct." and returns True, which the cell displays
        assert shown and shown[0].startswith("answer = ") and shown[-2:] == ["Correct.", "True"], (
            f"cell {i}: stored output {text!r}")


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_answer_cells_start_unanswered(path):
    answers = [(i, c) for i, c in enumerate(load(path).cells)
               if c.cell_type == "code" and "exercises.check(" in c.source
               and not is_solution(c)]
    for i, cell in answers:
        assert re.search(r"^answer = None", cell.source, re.M), (
            f"cell {i}: an answer cell starts from `answer = None`")
        text = "".join(output_text(out) for out in cell.outputs)
        assert text.startswith(NOT_ANSWERED), f"cell {i}: stored output is {text!r}"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_code_lines_fit_the_screen(path):
    for i, cell in enumerate(load(path).cells):
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            assert len(line) <= MAX_LINE, f"cell {i}: {len(line)} characters: {line!r}"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_summary_and_exercises_are_heading_cells(path):
    cells = load(path).cells
    for heading in ("## Summary", "## Exercises"):
        holders = [c for c in cells if c.cell_type == "markdown"
                   and heading in c.source.splitlines()]
        assert len(holders) == 1, f"{heading!r} appears in {len(holders)} cells"
        assert holders[0].source.strip() == heading, f"{heading!r} shares its cell"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_setup_cell_fixes_the_backend(path):
    setup = next(c for c in load(path).cells if c.cell_type == "code")
    assert setup.source.splitlines()[0] == "%matplotlib inline"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_no_checker_that_prints_the_value(path):
    for i, cell in enumerate(load(path).cells):
        for old in ("check_value", "check_within", "check_formula"):
            assert old not in cell.source, f"cell {i} uses {old}; use exercises.check"


def table_rows(text: str) -> list[str]:
    """The body rows of the Markdown table under the first '## Notation' heading."""
    section = text.split("## Notation", 1)[1].splitlines()
    start = next(i for i, line in enumerate(section) if line.startswith("|"))
    rows = []
    for line in section[start:]:
        if not line.startswith("|"):
            break
        rows.append(line.strip())
    assert len(rows) > 2, "no notation table under '## Notation'"
    return rows[2:]


def test_overview_and_contributing_share_the_notation_table():
    overview = "\n".join(c.source for c in load(ROOT / "notebooks" / "00-overview.ipynb").cells
                         if c.cell_type == "markdown")
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    assert table_rows(overview) == table_rows(contributing)
