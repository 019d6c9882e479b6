"""`course_grading.checks`: what is wrong with a submitted notebook, which cells failed and why,
and what the release's answer and setup cells define.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import pytest
from nbformat import v4

from course_grading import checks
from course_grading.checks import failing_cells, notebook_problems
from course_grading.status import DIED_ENAME, TIMEOUT_ENAME, Status
from tests.grading_support import error, release, write

pytestmark = pytest.mark.unit


def test_a_clean_submission_has_no_problem(tmp_path):
    assert notebook_problems(write(release(), tmp_path / "a.ipynb"), release(), {}) == ([], [])


def test_a_file_that_is_not_a_notebook_is_the_wrong_notebook(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    statuses, reasons = notebook_problems(tmp_path / "notes.txt", release(), {})
    assert (statuses, reasons) == ([Status.WRONG_NOTEBOOK], ["notes.txt is not a notebook"])


@pytest.mark.parametrize("content", [b'{"cells": [', b"\xff\xfe not utf-8", b"[]"])
def test_an_unreadable_notebook_is_corrupt_and_says_why(tmp_path, content):
    (tmp_path / "a.ipynb").write_bytes(content)
    statuses, reasons = notebook_problems(tmp_path / "a.ipynb", release(), {})
    assert statuses == [Status.CORRUPT]
    assert reasons[0].startswith("not a readable notebook (") and len(reasons[0]) <= 200


def test_another_chapters_notebook_is_named(tmp_path):
    other = release("ex02")
    path = write(other, tmp_path / "a.ipynb")
    statuses, reasons = notebook_problems(path, release(), {"02_other": other})
    assert (statuses, reasons) == ([Status.WRONG_NOTEBOOK], ["this is chapter 02_other's notebook"])
    statuses, reasons = notebook_problems(path, release(), {})
    assert reasons == ["the notebook has none of this chapter's exercise cells"]


def test_an_edited_test_is_tampered_and_a_deleted_cell_missing(tmp_path):
    notebook = release()
    notebook.cells[3].source = "pass"  # the test
    del notebook.cells[1]  # the setup cell
    notebook.cells[1].source = "x = 2"  # an answer may change: no problem
    statuses, reasons = notebook_problems(write(notebook, tmp_path / "a.ipynb"), release(), {})
    assert statuses == [Status.TAMPERED, Status.MISSING_CELLS]
    assert reasons == [
        "edited read-only cells ex01_answer_tests (restored before grading)",
        "deleted cells setup (grade cells added back)",
    ]


def test_failing_cells_names_cells_by_grade_id_or_number():
    notebook = release()
    notebook.cells[1].outputs = [error(TIMEOUT_ENAME)]
    notebook.cells[2].outputs = [error("MemoryError"), error("MemoryError")]
    notebook.cells[3].outputs = [error(DIED_ENAME), error("AssertionError")]
    extra = v4.new_code_cell("y")
    extra.outputs = [error(TIMEOUT_ENAME)]
    notebook.cells.append(extra)
    assert failing_cells(notebook) == {
        "timeout": ["setup", "cell 5"],
        "died": ["ex01_answer_tests"],
        "memory": ["ex01_answer"],
        "disk": [],
        "processes": [],
    }


def test_the_exercise_names_are_what_the_releases_answer_cells_define():
    notebook = release()
    notebook.cells[2].source = (
        "import math\n\ndef softmax(x):\n    raise NotImplementedError\n\n"
        "class Snapshots:\n    pass\n\nTHRESHOLD, (low, high) = 0.5, (0, 1)\n"
    )
    assert checks.exercise_names(notebook) == ["Snapshots", "THRESHOLD", "high", "low", "softmax"]
    assert checks.setup_source(notebook) == "import numpy as np"
