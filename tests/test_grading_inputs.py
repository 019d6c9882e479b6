"""`course_grading.inputs`: gathering submissions from a folder, folders per student or a zip.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import os
import zipfile

import nbformat
import pytest

from course_grading.course import GradingError
from course_grading.inputs import NO_MATCH, gather
from tests.grading_support import release, write

pytestmark = pytest.mark.unit


def test_a_folder_of_notebooks_is_one_student_per_file(tmp_path):
    inbox = tmp_path / "inbox"
    write(release(), inbox / "bob.ipynb")
    write(release(), inbox / "ann.ipynb")
    (inbox / "notes.txt").write_text("stray")
    (inbox / ".hidden.ipynb").write_text("{}")
    found = gather(inbox, "01", workdir=tmp_path / "work")
    assert [(s.student_id, s.origin, s.notes) for s in found] == [
        ("ann", "ann.ipynb", []),
        ("bob", "bob.ipynb", []),
        ("notes", "notes.txt", []),
    ]


def test_a_folder_per_student_takes_the_chapters_notebook_and_its_timestamp(tmp_path):
    inbox = tmp_path / "submitted"
    folder = inbox / "ann" / "01"
    write(release(), folder / "01.ipynb")
    write(release(), folder / "scratch.ipynb")
    (folder / "timestamp.txt").write_text("2026-01-02 03:04:05")
    write(release(), inbox / "bob" / "a.ipynb")
    os.utime(inbox / "bob" / "a.ipynb", (1e9, 1e9))
    write(release(), inbox / "bob" / "b.ipynb")
    ann, bob = gather(inbox, "01", workdir=tmp_path / "work")
    assert (ann.origin, str(ann.timestamp), ann.notes) == (
        "ann/01/01.ipynb",
        "2026-01-02 03:04:05",
        [],
    )
    assert (bob.origin, bob.notes) == ("bob/b.ipynb", ["newest of 2 notebooks in the folder"])


def test_a_regexp_names_students_keeps_the_newest_and_reports_what_it_does_not_match(tmp_path):
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in (
            "ann_attempt_20260101T120000_01.ipynb",
            "ann_attempt_20260102T120000_01.ipynb",
            "bob_attempt_20260101T120000_01.ipynb",
            "Carol Smith 01.ipynb",
            "readme.txt",
        ):
            zipped.writestr(name, nbformat.writes(release()))
    regexp = r"(?P<student_id>[a-z]+)_attempt_(?P<timestamp>[0-9T]+)_(?P<file_id>.+)"
    found = gather(archive, "01", workdir=tmp_path / "work", regexp=regexp)
    by_id = {s.student_id: s for s in found}
    assert sorted(by_id) == ["Carol Smith 01", "ann", "bob", "readme"]
    assert by_id["ann"].origin.endswith("ann_attempt_20260102T120000_01.ipynb")
    assert by_id["ann"].notes == ["resubmitted: ann_attempt_20260101T120000_01.ipynb superseded"]
    assert by_id["bob"].notes == []
    assert by_id["Carol Smith 01"].notes == [NO_MATCH] == by_id["readme"].notes


def test_a_missing_input_or_a_file_that_is_no_zip_is_refused(tmp_path):
    with pytest.raises(GradingError, match="no such submissions folder"):
        gather(tmp_path / "nowhere", "01", workdir=tmp_path / "work")
    (tmp_path / "class.tar").write_text("x")
    with pytest.raises(GradingError, match="neither a folder nor a .zip"):
        gather(tmp_path / "class.tar", "01", workdir=tmp_path / "work")
