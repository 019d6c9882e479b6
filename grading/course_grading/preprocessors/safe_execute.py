"""nbgrader's Execute, except that a dying kernel fails its cell, not the whole notebook."""

from __future__ import annotations

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

from course_grading.status import DIED_ENAME, NOT_RUN_ENAME


def error_output(ename: str, evalue: str) -> NotebookNode:
    """An error output, as a cell that raised ``ename: evalue`` shows it."""
    return NotebookNode(
        output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class SafeExecute(Execute):
    """nbgrader's Execute, except that a dying kernel fails its cell, not the whole notebook.

    The cells after it are marked as not run, so the tests that passed before keep points.
    """

    _died = False

    def preprocess(self, nb, resources=None, km=None):
        self._died = False
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if self._died:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [error_output(NOT_RUN_ENAME, "the kernel died in an earlier cell")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._died = True
            cell.outputs = [
                *cell.get("outputs", []),
                error_output(DIED_ENAME, "the kernel exited or crashed while running this cell"),
            ]
            return cell, resources
