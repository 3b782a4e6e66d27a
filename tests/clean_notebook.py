"""Normalise a freshly executed notebook so that only meaningful content is stored.

Run by ``make execute`` after nbconvert.  It sets the kernelspec to the
portable ``python3``, drops volatile metadata (execution timestamps, stored
widget state, trust signatures) and checks that execution counts run 1..n in order.

A notebook must open in JupyterLab without being marked modified.  On open,
JupyterLab writes two things into the notebook model, and any difference from the
file marks it modified (it compares with a deep equality, so equal values change
nothing):

- ``metadata.language_info`` becomes the kernel's ``language_info`` reply, which
  includes the Python version (``"3.11.7"``).  The version the executing kernel
  wrote is therefore kept, not dropped: it is whatever Python ran ``make execute``,
  never a constant here, and re-running ``make execute`` under another Python
  refreshes it.  (A reader whose Python differs in the patch number still sees the
  notebook marked modified; JupyterLab offers no setting for this.)
- a cell's ``collapsed`` follows ``jupyter.outputs_hidden``: JupyterLab adds
  ``collapsed: true`` to every cell whose outputs are hidden.  So ``collapsed`` is
  stored exactly when, and as, ``jupyter.outputs_hidden`` says, and dropped otherwise.

Widget state is not stored, so a stored widget view would show "Error
displaying widget" (JupyterLab) or a raw ``VBox(children=...)`` repr (GitHub,
nbviewer).  A cell whose outputs display a widget therefore keeps, instead, one
plain-text line asking the reader to run it (the cell is tagged
``nbval-ignore-output``, so nbval does not compare it with the live widget).
"""

from __future__ import annotations

import sys

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
VOLATILE_CELL_KEYS = ("execution", "scrolled", "ExecuteTime")
ALLOWED_NOTEBOOK_KEYS = ("kernelspec", "language_info")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_TO_ACTIVATE = "Run this cell to activate the sliders."


def displays_widget(cell: nbformat.NotebookNode) -> bool:
    return any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", []))


def run_to_activate() -> nbformat.NotebookNode:
    """The stored stand-in for a live widget: one line of text, no model id."""
    return nbformat.v4.new_output("display_data", data={"text/plain": RUN_TO_ACTIVATE})


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata = nbformat.NotebookNode(
        {k: v for k, v in nb.metadata.items() if k in ALLOWED_NOTEBOOK_KEYS}
    )
    nb.metadata["kernelspec"] = nbformat.NotebookNode(KERNELSPEC)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        hidden = cell.metadata.get("jupyter", {}).get("outputs_hidden")
        if cell.cell_type == "code" and isinstance(hidden, bool):
            cell.metadata["collapsed"] = hidden  # what JupyterLab sets on open
        else:
            cell.metadata.pop("collapsed", None)
        if cell.cell_type == "code" and displays_widget(cell):
            cell.outputs = [run_to_activate()]
    return nb


def main(paths: list[str]) -> int:
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        clean(nb)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        if counts != list(range(1, len(counts) + 1)):
            print(f"{path}: execution counts are {counts}, expected 1..{len(counts)}")
            return 1
        nbformat.write(nb, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
