"""The exercise loop in JupyterLab at 1280x720, as a student lives it.

Open a student notebook, Run All: no solution, no "Correct." and no traceback on the
page, and every answer cell says "Not answered yet".  Type a wrong answer and run
the cell: one kind line, no traceback.  Type the right answer in another form: the
checker says "Correct.".  Then open the solutions twin and find the worked
solution with its revealed answer.  Autosave is off, so the notebook on disk is
never touched.  Servers, Chromium and screenshots as in ``test_browser.py``
(``MCGRAD_SCREENSHOTS=/dir`` keeps one screenshot per step).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from test_browser import (RUN_ALL, STEP, browser,  # noqa: F401
                          jupyterlab_command, screenshot_on_failure, server, server_env)

STUDENT = "notebooks/00-overview.ipynb"
TWIN = "notebooks/solutions/00-overview.ipynb"
EXERCISE = "00.1"  # the gradient of theta^2 + sigma^2 at theta = -1.5: -3
WRONG, RIGHT = "3.25", "-3"  # J(-1.5) instead of its gradient; an int for the float -3.0
SIZE = {"width": 1280, "height": 720}


def keep(page, name: str) -> None:
    folder = os.environ.get("MCGRAD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"exercise-loop-{name}.png"))


def open_notebook(page, port: int, token: str, path: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"http://127.0.0.1:{port}/lab/tree/{path}?token={token}")
    expect(page.locator("#jp-main-statusbar")).to_contain_text("(ipykernel) | Idle",
                                                               timeout=RUN_ALL)


def run_all(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
    expect(prompts.first).not_to_have_text(re.compile(r"^\[ \]:$|^$"), timeout=RUN_ALL)
    expect(page.locator(".jp-CodeCell .jp-InputPrompt", has_text="[*]")).to_have_count(
        0, timeout=RUN_ALL)


def answer_cell(page):
    return page.locator(".jp-Notebook .jp-CodeCell").filter(
        has_text=f'exercises.check("{EXERCISE}", answer)')


def submit(page, answer: str) -> str:
    """Replace the answer cell's text, run it with Shift+Enter, return its output text."""
    from playwright.sync_api import expect

    cell = answer_cell(page)
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f'answer = {answer}\nexercises.check("{EXERCISE}", answer)')
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).not_to_have_text(re.compile(r"\[\*\]"),
                                                             timeout=STEP)
    output = cell.locator(".jp-OutputArea-output").first
    expect(output).to_be_visible(timeout=STEP)
    return cell.locator(".jp-OutputArea").inner_text()


def test_exercise_loop_in_jupyterlab(browser, tmp_path):
    from playwright.sync_api import expect

    port, token, cmd = jupyterlab_command(tmp_path)
    with server(cmd, re.compile(rf"http://127\.0\.0\.1:{port}/"), server_env(tmp_path)):
        page = browser.new_page(viewport=SIZE)
        try:
            with screenshot_on_failure(page, "exercise-loop", keep_explorer=False):
                open_notebook(page, port, token, STUDENT)
                run_all(page)
                text = page.locator(".jp-Notebook").inner_text()
                for giveaway in ("# Solution", "Solution.", "exercises.reveal", "Traceback"):
                    assert giveaway not in text, f"{giveaway!r} is on the page after Run All"
                outputs = "\n".join(page.locator(".jp-Notebook .jp-OutputArea").all_inner_texts())
                for giveaway in ("Correct.", "answer = ", "True"):
                    assert giveaway not in outputs, f"an output shows {giveaway!r} after Run All"
                assert page.locator('[data-mime-type="application/vnd.jupyter.stderr"]'
                                    ).count() == 0
                answers = page.locator(".jp-Notebook .jp-CodeCell").filter(
                    has_text="exercises.check(")
                assert answers.count() >= 2
                for i in range(answers.count()):
                    expect(answers.nth(i).locator(".jp-OutputArea")).to_contain_text(
                        "Not answered yet")
                answer_cell(page).scroll_into_view_if_needed()
                keep(page, "1-after-run-all")

                wrong = submit(page, WRONG)
                lines = [line for line in wrong.splitlines()
                         if line.strip() and not re.fullmatch(r"\[\d+\]:", line.strip())]
                assert lines[0].startswith("Not right yet: "), wrong
                assert "Traceback" not in wrong and "Error" not in wrong
                assert len(lines) <= 2, f"more than the line and its False: {wrong!r}"
                keep(page, "2-wrong-answer")

                right = submit(page, RIGHT)
                assert right.splitlines()[0] == "Correct.", right
                keep(page, "3-right-answer")

                open_notebook(page, port, token, TWIN)
                twin = page.locator(".jp-Notebook:visible")  # the student copy is a tab too
                expect(twin).to_contain_text("Worked solutions.", timeout=STEP)
                solution = page.locator(".jp-Notebook:visible .jp-CodeCell").filter(
                    has_text=f'exercises.reveal("{EXERCISE}", answer)')
                expect(solution).to_have_count(1, timeout=STEP)
                solution.scroll_into_view_if_needed()
                expect(solution.locator(".jp-OutputArea")).to_contain_text("answer = -3")
                expect(solution.locator(".jp-OutputArea")).to_contain_text("Correct.")
                keep(page, "4-solutions-twin")
        finally:
            page.close()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(pytest.main([__file__, "-p", "no:nbval"]))
