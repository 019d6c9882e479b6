"""`course_grading.feedback`: feedback without hidden tests, with each test cell's points.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import json

import pytest
from nbformat import v4

from course_grading.feedback import safe_feedback_notebook
from tests.grading_support import error, release

pytestmark = pytest.mark.unit


def test_safe_feedback_hides_hidden_tests_and_their_tracebacks():
    public = release()
    autograded = release()
    secret = "### BEGIN HIDDEN TESTS\nassert x != 42\n### END HIDDEN TESTS"
    autograded.cells[3].source += "\n" + secret
    autograded.cells[3].outputs = [
        v4.new_output("stream", name="stdout", text="checking\n"),
        error("AssertionError", "x is wrong"),
    ]
    safe = safe_feedback_notebook(autograded, public, {"ex01_answer_tests": (0.0, 2.0)})
    cell = safe.cells[3]
    assert cell.source == public.cells[3].source
    assert [output.text for output in cell.outputs] == [
        "✗ failed (0 of 2 points): AssertionError: x is wrong\n"
    ]
    assert "HIDDEN" in autograded.cells[3].source, "the autograded notebook is not changed"
    assert "x != 42" not in json.dumps(safe)  # (cell ids are random: "42" alone may be in one)


def test_safe_feedback_keeps_a_visible_tests_output_and_adds_its_points():
    autograded = release()
    autograded.cells[3].outputs = [v4.new_output("stream", name="stdout", text="ok\n")]
    safe = safe_feedback_notebook(autograded, release(), {"ex01_answer_tests": (2.0, 2.0)})
    assert [output.text for output in safe.cells[3].outputs] == [
        "ok\n",
        "✓ passed (2 of 2 points)\n",
    ]
    assert safe.cells[2].outputs == [] and safe.cells[1].outputs == []


def test_safe_feedback_without_a_score_counts_the_cells_points_and_a_bare_error():
    autograded = release()
    autograded.cells[3].outputs = [error("NotImplementedError")]
    safe = safe_feedback_notebook(autograded, release(), {})
    assert safe.cells[3].outputs[-1].text == "✗ failed (0 of 2 points): NotImplementedError\n"
