"""`course_grading.submission_metadata`: Gradescope's export, named by its submission_metadata.yml.

The files have the shape of Gradescope's "Export Submissions" zip (one ``submission_<id>/`` folder
per submission beside the metadata, with quoted SIDs and its time stamps); the round trip through
`course grade` and `course export` is in tests/test_grading_lms_gradescope.py.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from course_grading.course import GradingError
from course_grading.submission_metadata import METADATA, NOT_IN_METADATA, gather_gradescope
from tests.notebooks import TINY

pytestmark = pytest.mark.unit

METADATA_TEXT = """---
submission_5001:
  :submitters:
  - :name: Jane Smith
    :sid: '00123'
    :email: jsmith@example.edu
  :created_at: 2026-06-01 10:00:00.000000000 Z
  :score: 0.0
  :status: processed
  :history: []
submission_5002:
  :submitters:
  - :name: John Doe
    :sid: ''
    :email: JDoe@Example.edu
  - :name: Ann Roe
    :sid: '00125'
    :email: aroe@example.edu
  :created_at: 2026-06-02 09:30:00.500000000 Z
  :score: 0.0
  :status: processed
  :history: []
"""


def export_zip(folder: Path, metadata: str | None, folders: list[str]) -> Path:
    archive = folder / "assignment_777_export.zip"
    with zipfile.ZipFile(archive, "w") as zip_file:
        if metadata is not None:
            zip_file.writestr(f"assignment_777_export/{METADATA}", metadata)
        for name in folders:
            zip_file.writestr(f"assignment_777_export/{name}/{TINY}.ipynb", "{}")
    return archive


def gather(tmp_path: Path, archive: Path):
    return gather_gradescope(archive, TINY, workdir=tmp_path / "work")


def test_each_submitter_is_named_by_sid_or_email_and_a_group_is_graded_for_each(tmp_path):
    archive = export_zip(tmp_path, METADATA_TEXT, ["submission_5001", "submission_5002"])
    found = {submission.student_id: submission for submission in gather(tmp_path, archive)}
    assert sorted(found) == ["00123", "00125", "jdoe@example.edu"]
    assert found["00123"].origin == f"submission_5001/{TINY}.ipynb"
    assert found["00123"].timestamp == datetime(2026, 6, 1, 10, 0)
    assert found["00125"].path == found["jdoe@example.edu"].path
    assert found["00125"].notes == ["group submission with jdoe@example.edu, graded for each"]
    assert found["00123"].notes == []


def test_a_folder_the_metadata_does_not_name_is_graded_and_says_so(tmp_path):
    archive = export_zip(tmp_path, METADATA_TEXT, ["submission_5001", "submission_5002", "x_9"])
    (stranger,) = [s for s in gather(tmp_path, archive) if s.student_id == "x_9"]
    assert NOT_IN_METADATA in stranger.notes


@pytest.mark.parametrize(
    ("metadata", "folders", "message"),
    [
        (None, ["submission_5001"], f"holds no {METADATA}: give Gradescope's Export Submissions"),
        (
            "submission_5001: [",
            ["submission_5001"],
            f"cannot read .*{METADATA}: while parsing",
        ),
        ("- just a list", ["submission_5001"], "does not map submission folders"),
        (METADATA_TEXT, ["submission_5001"], "names submission_5002, which has no folder in"),
        (
            METADATA_TEXT.replace("'00123'", "''").replace("jsmith@example.edu", "''"),
            ["submission_5001", "submission_5002"],
            "names submission_5001, which has no submitter's SID or email",
        ),
    ],
)
def test_a_broken_export_is_an_error_before_anything_is_graded(
    tmp_path, metadata, folders, message
):
    with pytest.raises(GradingError, match=message):
        gather(tmp_path, export_zip(tmp_path, metadata, folders))


def test_a_missing_export_is_an_error(tmp_path):
    with pytest.raises(GradingError, match="no such Gradescope export"):
        gather(tmp_path, tmp_path / "nothing.zip")
