"""`course_grading.shards`: a class graded in K/N slices, a shard's folder read back, and the
shards `course merge` refuses (tests/test_slurm.py grades a class in shards on Slurm).

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course_grading import cli, shards
from course_grading.course import GradingError
from course_grading.runner import sha256
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
    shards.write_shard(folder, "01", [result], (2, 3))
    shard = shards.read_shard(folder)
    (back,) = shard.results
    assert shard.chapter == "01" and shard.shard == "2/3" and back.status is Status.TAMPERED
    assert back.row() == result.row() and back.grades == result.grades
    assert back.timestamp == result.timestamp and back.autograded is None
    assert Path(back.feedback).read_text() == "<html>"
    assert shards.submitted_file(folder, "01", "ann").name == "01.ipynb"
    assert read_rows(folder / "grades.csv")[0]["status"] == "tampered"
    with pytest.raises(GradingError, match="no finished shard"):
        shards.read_shard(tmp_path)


def graded_shard(folder: Path, shard: tuple[int, int] | None, *students: str) -> Path:
    """A finished shard of chapter "01" in ``folder``, as `course grade --shard` leaves one."""
    from course_grading.inputs import Submission

    results = []
    for student in students:
        notebook = write(release(), folder.parent / "inbox" / f"{student}.ipynb")
        digest = sha256(notebook)
        result = Result(student, "01", 2.0, 2.0, Status.GRADED, "", notebook.name, digest)
        shards.record_files(folder, "01", result, Submission(student, notebook, notebook.name))
        results.append(result)
    shards.write_shard(folder, "01", results, shard)
    return folder


def refused(course: Path, *folders: Path) -> str:
    """The message with which `course merge` refuses ``folders``; it recorded nothing."""
    with pytest.raises(GradingError) as refusal:
        shards.merge_shards(course, folders)
    assert not course.exists(), "a refused merge writes nothing"
    return str(refusal.value)


def test_merge_refuses_a_student_graded_in_two_shards(tmp_path):
    first = graded_shard(tmp_path / "shard-1", (1, 2), "ann", "cat")
    second = graded_shard(tmp_path / "shard-2", (2, 2), "bob", "cat")
    message = refused(tmp_path / "course", first, second)
    assert "'cat'" in message and f"{first} (shard 1/2)" in message
    assert f"{second} (shard 2/2)" in message


def test_merge_refuses_one_shard_graded_twice_into_two_folders(tmp_path):
    first = graded_shard(tmp_path / "shard-2", (2, 3), "bob")
    again = graded_shard(tmp_path / "shard-2-again", (2, 3), "bob")
    message = refused(tmp_path / "course", first, again)
    assert f"{first} and {again} are both shard 2/3" in message


def test_merge_refuses_shards_of_two_splits(tmp_path):
    first = graded_shard(tmp_path / "a", (1, 2), "ann")
    other = graded_shard(tmp_path / "b", (2, 3), "bob")
    assert "split the class differently" in refused(tmp_path / "course", first, other)


def test_merge_refuses_a_shard_whose_run_did_not_finish(tmp_path):
    finished = graded_shard(tmp_path / "shard-1", (1, 2), "ann")
    died = graded_shard(tmp_path / "shard-2", (2, 2), "bob")
    shards.InShard.at(died, "01", (2, 2))  # the shard starts again and its node dies
    message = refused(tmp_path / "course", finished, died)
    assert str(died) in message and "did not finish" in message


def test_merge_refuses_a_shard_folder_changed_after_its_run(tmp_path):
    folder = graded_shard(tmp_path / "shard-1", (1, 1), "ann", "bob")
    write(release("ex02"), shards.submitted_file(folder, "01", "bob"))
    message = refused(tmp_path / "course", folder)
    assert f"{folder} (shard 1/1)" in message and "'bob'" in message
