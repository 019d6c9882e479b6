"""nbgrader's Execute, except that a dying kernel fails its cell, not the whole notebook, and the
demonstrations no test reads are not run."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Unicode

from course_grading.status import DIED_ENAME, NOT_RUN_ENAME, TIMEOUT_ENAME

SKIP_TAG = "skip-when-grading"
SKIPPED_NOTE = (
    "Not run when grading: a demonstration that no test reads (tag skip-when-grading). "
    "Run it in your notebook to see its output.\n"
)


def error_output(ename: str, evalue: str) -> NotebookNode:
    """An error output, as a cell that raised ``ename: evalue`` shows it."""
    return NotebookNode(
        output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


def skipped_sources(release: str | Path) -> frozenset[str]:
    """The sources of the code cells of the notebook ``release`` tagged `SKIP_TAG`."""
    if not str(release):
        return frozenset()
    notebook = nbformat.read(release, as_version=4)
    return frozenset(
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code"
        and cell.source.strip()
        and SKIP_TAG in cell.metadata.get("tags", [])
        and not cell.metadata.get("nbgrader")
    )


class SafeExecute(Execute):
    """nbgrader's Execute, except that a dying kernel fails its cell, not the whole notebook.

    The cells after it are marked as not run, so the tests that passed before keep points. A
    submitted cell identical to a cell of the release tagged ``skip-when-grading`` (a
    demonstration whose results no later cell needs) is not run: grading skips the chapter's
    demonstration trainings. A cell the student changed runs as written.
    """

    release = Unicode(
        "",
        help="The released notebook whose cells tagged skip-when-grading are not run when a "
        "submitted cell is identical to one of them ('' runs every cell).",
    ).tag(config=True)

    _died_at: int | None = None  # the index of the cell in which the kernel died
    _skipped: frozenset[str] = frozenset()

    def preprocess(self, nb, resources=None, km=None):
        self.start_notebook()
        return super().preprocess(nb, resources, km)

    def start_notebook(self) -> None:
        self._died_at = None
        self._ran: list[tuple[int, str]] = []  # (index, source) of each cell run without timeout
        self._skipped = skipped_sources(self.release)

    def preprocess_cell(self, cell, resources, index):
        if self._died_at is not None:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [error_output(NOT_RUN_ENAME, "the kernel died in an earlier cell")]
            return cell, resources
        if (
            cell.source in self._skipped
            and cell.cell_type == "code"
            and not cell.metadata.get("nbgrader")
        ):
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=SKIPPED_NOTE)]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._died_at = index
            cell.outputs = [
                *cell.get("outputs", []),
                error_output(DIED_ENAME, "the kernel exited or crashed while running this cell"),
            ]
            return cell, resources
        timed_out = any(o.get("ename") == TIMEOUT_ENAME for o in cell.get("outputs", []))
        if cell.cell_type == "code" and not timed_out:
            self._ran.append((index, cell.source))
        return cell, resources
