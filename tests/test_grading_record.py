"""`course_grading.record`: grades.csv and the files kept of each submission.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import pytest

from course_grading.record import record_files, write_grades
from course_grading.status import CSV_FIELDS, Result, Status
from tests.grading_support import read_rows, release, write

pytestmark = pytest.mark.unit


def row(student: str, chapter: str, score: float, status: str = "graded") -> dict:
    return Result(student, chapter, score, 5.0, Status(status), "", f"{student}.ipynb").row()


def test_grades_csv_replaces_this_runs_students_of_the_chapter_only(tmp_path):
    path = tmp_path / "grades.csv"
    write_grades(path, [row("bob", "02", 1), row("ann", "02", 2), row("ann", "01", 3)], "02")
    write_grades(path, [row("ann", "02", 5, "timeout"), row("cy", "02", 0, "corrupt")], "02")
    rows = read_rows(path)
    assert list(rows[0]) == list(CSV_FIELDS)
    assert [(r["chapter"], r["student_id"], r["score"], r["status"]) for r in rows] == [
        ("01", "ann", "3", "graded"),
        ("02", "ann", "5", "timeout"),
        ("02", "bob", "1", "graded"),
        ("02", "cy", "0", "corrupt"),
    ]
    assert not (tmp_path / "grades.csv.tmp").exists()


def test_a_result_that_is_not_graded_keeps_its_grader_log(tmp_path):
    from course_grading.inputs import Submission

    course, temporary = tmp_path / "course", tmp_path / "temporary"
    notebook = write(release(), tmp_path / "inbox" / "ann.ipynb")
    (temporary / "autograded").mkdir(parents=True)
    write(release(), temporary / "autograded" / "01.ipynb")
    (temporary / "grader.log").write_text("Traceback ...\nKeyError: 'x'\n")
    result = Result("ann", "01", 0, 5, Status.ERROR, "KeyError", "ann.ipynb")
    result.autograded, result.log = str(temporary / "autograded"), str(temporary / "grader.log")
    record_files(course, "01", result, Submission("ann", notebook, "ann.ipynb"))
    kept = course / "autograded" / "ann" / "01"
    assert sorted(p.name for p in kept.iterdir()) == ["01.ipynb", "grader.log"]
    assert (course / "submitted" / "ann" / "01" / "01.ipynb").exists()
    result.log = None
    record_files(course, "01", result, Submission("ann", notebook, "ann.ipynb"))
    assert sorted(p.name for p in kept.iterdir()) == ["01.ipynb"]
