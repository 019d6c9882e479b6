"""`course_grading.lms.gradescope`: from Gradescope's export zip to its grade download's shape.

The round trip grades the tiny chapter from a zip shaped like Gradescope's "Export Submissions"
(`submission_metadata`), then exports with a roster shaped like Gradescope's course roster, and
checks every row and column. The unit tests check bad rosters against a stand-in gradebook.
"""

from __future__ import annotations

import csv

import pytest

from course_grading import lms
from course_grading.course import GradingError
from course_grading.submission_metadata import METADATA
from tests.course_support import run_course
from tests.notebooks import TINY, answers_of, read, solution_path, submission
from tests.test_grading_lms import (
    AUTO,
    MAX_SCORE,
    export_to,
    graded_course,
    rows_of,
    write_csv,
    zipped,
)

SUBMITTER = "  - :name: {}\n    :sid: '{}'\n    :email: {}\n"
ENTRY = "submission_{}:\n  :submitters:\n{}  :created_at: {} Z\n  :score: 0.0\n  :history: []\n"


@pytest.fixture(scope="module")
def notebooks():
    solved = answers_of(read(solution_path(TINY)))
    return {"solved": submission(TINY, solved), "blank": submission(TINY, {})}


def metadata(*submissions) -> str:
    text = "---\n"
    for submission_id, created, submitters in submissions:
        people = "".join(SUBMITTER.format(*submitter) for submitter in submitters)
        text += ENTRY.format(submission_id, people, created)
    return text


def test_gradescope_round_trip_from_its_export_zip_to_its_grades_csv(tmp_path, notebooks):
    root = "assignment_777_export"
    text = metadata(
        (5001, "2026-06-01 10:00:00.1", [("Jane Smith", "00123", "jsmith@example.edu")]),
        (5002, "2026-06-01 11:00:00.2", [("John Doe", "", "JDoe@example.edu"),
                                        ("Ann Roe", "00125", "aroe@example.edu")]),
        (5004, "2026-06-01 12:00:00.3", [("Alex Lee", "00127", "alee@example.edu")]),
        (5005, "2026-06-01 13:00:00.4", [("Sam Kim", "00129", "skim@example.edu")]),
    )  # fmt: skip
    archive = zipped(
        tmp_path,
        f"{root}.zip",
        {
            f"{root}/{METADATA}": text,
            f"{root}/submission_5001/{TINY}.ipynb": notebooks["solved"],
            f"{root}/submission_5002/{TINY}.ipynb": notebooks["blank"],
            f"{root}/submission_5004/{TINY}.ipynb": "{not json",
            f"{root}/submission_5005/{TINY}.ipynb": notebooks["solved"],  # not in the roster
            f"{root}/submission_5006/{TINY}.ipynb": notebooks["solved"],  # not in the metadata
        },
    )
    course = graded_course(tmp_path, "gradescope", archive)
    roster = write_csv(
        tmp_path / "roster.csv",
        [
            ["First Name", "Last Name", "SID", "Email", "Role", "Sections"],
            ["Jane", "Smith", "00123", "jsmith@example.edu", "Student", "A"],
            ["John", "Doe", "", "jdoe@example.edu", "Student", "A"],
            ["Ann", "Roe", "00125", "aroe@example.edu", "Student", "B"],
            ["Bo", "Park", "00126", "bpark@example.edu", "Student", "B"],
            ["Alex", "Lee", "00127", "alee@example.edu", "Student", "B"],
            ["Tess", "Aide", "", "ta@example.edu", "TA", ""],
        ],
    )
    target = tmp_path / "gradescope.csv"
    result = run_course(
        "export", "--format", "gradescope", TINY, "--roster", roster, "--points", 10,
        "--to", target, cwd=course,
    )  # fmt: skip
    full = f"{round(10 * AUTO / MAX_SCORE, 2):g}"
    rows = rows_of(target)
    assert rows[0] == list(lms.GRADESCOPE_COLUMNS)
    assert rows[1:4] == [
        ["Jane", "Smith", "00123", "jsmith@example.edu", full, "10", "Graded", "5001"],
        ["John", "Doe", "", "jdoe@example.edu", "0", "10", "Graded", "5002"],
        ["Ann", "Roe", "00125", "aroe@example.edu", "0", "10", "Graded", "5002"],
    ]
    assert rows[4] == ["Bo", "Park", "00126", "bpark@example.edu", "", "10", "Missing", ""]
    assert rows[5][:5] == ["Alex", "Lee", "00127", "alee@example.edu", "0"]
    assert rows[5][5] == "10" and rows[5][6].startswith("corrupt: ") and rows[5][7] == "5004"
    assert len(rows) == 6
    assert "00127 (00_tiny): corrupt" in result.stdout
    assert "not in the roster" in result.stdout and "00129, submission_5006" in result.stdout
    grades = {row["student_id"]: row for row in csv.DictReader((course / "grades.csv").open())}
    assert "group submission with jdoe@example.edu" in grades["00125"]["reason"]

    plain = tmp_path / "without-roster.csv"
    result = run_course("export", "--format", "gradescope", "--to", plain, cwd=course)
    assert f"not in the export's {METADATA}, so not in the CSV: submission_5006" in result.stdout
    by_id = {(row[2], row[3]): row for row in rows_of(plain)[1:]}
    assert set(by_id) == {
        ("00123", ""), ("00125", ""), ("", "jdoe@example.edu"), ("00127", ""), ("00129", "")
    }  # fmt: skip
    assert by_id["00123", ""] == ["", "", "00123", "", f"{AUTO:g}", f"{MAX_SCORE:g}", "Graded",
                                  "5001"]  # fmt: skip


@pytest.mark.unit
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["Name", "Email"], ["a", "a@x.org"]], "no column 'SID' .* give the LMS's own export"),
        ([["SID", "Email"], ["1", "a@x.org"], ["2", "A@x.org"]], "lists Email a@x.org more than"),
        ([["SID", "Email"], ["1", "a@x.org"], ["1", "b@x.org"]], "lists SID 1 more than once"),
    ],
)
def test_a_bad_gradescope_roster_is_an_error_and_writes_nothing(tmp_path, rows, message):
    roster = write_csv(tmp_path / "roster.csv", rows)
    with pytest.raises(GradingError, match=message):
        export_to(tmp_path, "gradescope", roster=str(roster))
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.unit
def test_a_roster_student_without_submission_gets_zero_when_asked(tmp_path):
    roster = write_csv(
        tmp_path / "roster.csv", [["SID", "Email"], ["1001", "a@x.org"], ["1002", "b@x.org"]]
    )
    rows = rows_of(export_to(tmp_path, "gradescope", roster=str(roster), missing_zero=True))
    assert [row[2:7] for row in rows[1:]] == [
        ["1001", "a@x.org", "3", "4", "Graded"],
        ["1002", "b@x.org", "0", "4", "Missing"],
    ]
