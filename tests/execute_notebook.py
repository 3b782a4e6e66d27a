"""Execute notebooks in place from a fresh kernel; what ``make execute`` runs.

The same as ``jupyter nbconvert --to notebook --execute --inplace`` (nbclient, kernel
``python3``, working directory the notebook's folder, 1200 s per cell), with one
difference that keeps widget notebooks from stalling.

Why: nbclient imitates a browser for the ``Output`` widget that ``interact`` draws
into.  Each time such a widget captures output, the imitation sends the new outputs
back to the kernel as a ``comm_msg`` on the shell socket, from the coroutine that
reads IOPub, while another coroutine is waiting on that same socket for the
cell's ``execute_reply``.  ZeroMQ signals a socket's readiness on an edge-triggered
file descriptor, and that send can consume the edge: the reply then sits readable
in the client's socket (``zmq.EVENTS`` reports POLLIN) while the event loop never
wakes the waiting coroutine, so execution stops right after the widget cell with
the kernel idle (upstream: nbclient #312, nbconvert #2029).
The kernel does not need that echo when nobody can move a slider, so the imitation
here keeps capturing outputs but never writes to the shell socket; the client then
only reads from it while a cell runs, and the race cannot occur.  Stored outputs are
unchanged: the widget's captured outputs live only in the widget state, which
tests/clean_notebook.py removes anyway.

Usage: python tests/execute_notebook.py [--output-dir DIR] NOTEBOOK [NOTEBOOK ...]
(with --output-dir the executed copies go to DIR and the notebooks stay untouched)
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.output_widget import OutputWidget

CELL_TIMEOUT = 1200  # seconds, as before; a stall is fixed at its cause, not by waiting


class CaptureOnlyOutputWidget(OutputWidget):
    """nbclient's Output-widget imitation without the state echo to the kernel."""

    def sync_state(self) -> None:
        """Do not send the outputs back: see the module docstring."""


def execute(path: Path, output_dir: Path | None = None) -> None:
    """Run every cell of ``path`` in a fresh ``python3`` kernel; write it back (or into
    ``output_dir``).  The kernel's working directory is the notebook's folder."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(path.parent)}})
    client.widget_registry["@jupyter-widgets/output"]["OutputModel"] = CaptureOnlyOutputWidget
    client.execute()
    nbformat.write(nb, path if output_dir is None else output_dir / path.name)


def main(args: list[str]) -> int:
    output_dir = None
    if args[:1] == ["--output-dir"] and len(args) >= 2:
        output_dir, args = Path(args[1]), args[2:]
        if not output_dir.is_dir():
            print(f"--output-dir {output_dir}: not a folder")
            return 2
    if not args or any(a.startswith("-") for a in args):
        print("usage: python tests/execute_notebook.py [--output-dir DIR] NOTEBOOK [NOTEBOOK ...]")
        return 2
    for name in args:
        path = Path(name).resolve()
        if not path.is_file():
            print(f"{name}: no such notebook")
            return 1
        execute(path, output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
