"""`course_grading.shards`: a class graded in K/N slices, and a shard's folder read back.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course_grading import cli, shards
from course_grading.course import GradingError
from course_grading.status import Result, Status
from tests.grading_support import read_rows, release, write

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "-1/2", "1/0"])
def test_a_shard_is_k_of_n_from_one(text):
    with pytest.raises(ValueError, match="K/N"):
        shards.parse_shard(text)
    assert shards.parse_shard(" 2/3 ") == (2, 3)
    with pytest.raises(SystemExit):
        cli.parse_arguments(["grade", "01", "inbox", "--shard", text])


def test_shards_are_disjoint_deterministic_slices_that_cover_the_class(tmp_path):
    from course_grading.inputs import Submission

    students = [Submission(name, tmp_path / name, name) for name in "gdaefcbh"]
    slices = [shards.select(students, (k, 3)) for k in (1, 2, 3)]
    names = [[s.student_id for s in part] for part in slices]
    assert names == [["a", "d", "g"], ["b", "e", "h"], ["c", "f"]]
    assert names == [
        [s.student_id for s in shards.select(students[::-1], (k, 3))] for k in (1, 2, 3)
    ]
    assert shards.select(students[:1], (2, 3)) == []


def test_a_shard_folder_reads_back_its_results_and_files(tmp_path):
    from course_grading.inputs import Submission

    folder = tmp_path / "shard"
    notebook = write(release(), tmp_path / "inbox" / "ann.ipynb")
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "01.html").write_text("<html>")
    result = Result("ann", "01", 2.0, 5.0, Status.TAMPERED, "edited", "ann.ipynb", "abc")
    result.grades = {"ex01_answer_tests": {"auto_score": 2.0, "needs_manual_grade": False}}
    result.timestamp, result.feedback = (
        "2026-01-02 03:04:05",
        str(tmp_path / "feedback" / "01.html"),
    )
    shards.record_files(folder, "01", result, Submission("ann", notebook, "ann.ipynb"))
    shards.write_shard(folder, "01", [result])
    chapter, (back,) = shards.read_shard(folder)
    assert chapter == "01" and back.status is Status.TAMPERED
    assert back.row() == result.row() and back.grades == result.grades
    assert back.timestamp == result.timestamp and back.autograded is None
    assert Path(back.feedback).read_text() == "<html>"
    assert shards.submitted_file(folder, "01", "ann").name == "01.ipynb"
    assert read_rows(folder / "grades.csv")[0]["status"] == "tampered"
    with pytest.raises(GradingError, match="not a shard folder"):
        shards.read_shard(tmp_path)
