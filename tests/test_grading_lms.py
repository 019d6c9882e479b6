"""`course_grading.lms`: from an LMS's download zip to the CSV its grade import reads.

The round trips grade the tiny chapter from a zip named as Canvas or Moodle names its
"download all submissions" files (`inputs.LMS_DOWNLOADS`), then export with a roster shaped like
the LMS's own export, and check every row and column. The unit tests check bad rosters and
chapters against a gradebook the test fills with nbgrader's API.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from course_grading import cli, inputs, lms
from course_grading.course import GradingError
from tests.course_support import make_course, run_course
from tests.notebooks import TINY, answers_of, grade_cells, read, solution_path, submission

AUTO = sum(cell.points for cell in grade_cells(read(solution_path(TINY))) if cell.kind == "code")
MAX_SCORE = sum(cell.points for cell in grade_cells(read(solution_path(TINY))))


def rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return list(csv.reader(file))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    return path


def zipped(folder: Path, name: str, files: dict) -> Path:
    """A zip of ``files`` (name in the zip -> notebook, or text for a corrupt one)."""
    archive = folder / name
    with zipfile.ZipFile(archive, "w") as zip_file:
        for inside, notebook in files.items():
            text = notebook if isinstance(notebook, str) else nbformat.writes(notebook)
            zip_file.writestr(inside, text)
    return archive


@pytest.fixture(scope="module")
def notebooks():
    solved = answers_of(read(solution_path(TINY)))
    return {"solved": submission(TINY, solved), "blank": submission(TINY, {})}


def graded_course(folder: Path, lms_name: str, archive: Path) -> Path:
    course = make_course(folder / "course", tiny=True)
    run_course("grade", TINY, archive, "--lms", lms_name, "--jobs", 2, "--timeout", 10, cwd=course)
    return course


def test_canvas_round_trip_from_its_download_zip_to_its_gradebook_import(tmp_path, notebooks):
    archive = zipped(
        tmp_path,
        "submissions.zip",
        {
            f"smithjane_1001_5001_{TINY}.ipynb": notebooks["solved"],
            f"doejohn_late_1002_5002_{TINY}-1.ipynb": notebooks["blank"],
            f"leealex_1004_5004_{TINY}.ipynb": "{not json",
            f"kimsam_1005_5005_{TINY}.ipynb": notebooks["solved"],  # not in the roster
        },
    )
    course = graded_course(tmp_path, "canvas", archive)
    column = f"{TINY} (777)"
    roster = write_csv(
        tmp_path / "canvas-gradebook.csv",
        [
            [*lms.CANVAS_IDENTITY, column, "Current Score"],
            [lms.POINTS_POSSIBLE, "", "", "", "", "100.00", "(read only)"],
            ["Smith, Jane", "1001", "S1", "jsmith", "Section A", "", "0"],
            ["Doe, John", "1002", "S2", "jdoe", "Section A", "", "0"],
            ["Roe, Ann", "1003", "S3", "aroe", "Section B", "", "0"],
            ["Lee, Alex", "1004", "S4", "alee", "Section B", "", "0"],
        ],
    )
    target = tmp_path / "import.csv"
    result = run_course(
        "export", "--format", "canvas", TINY, "--roster", roster, "--points", 100,
        "--to", target, cwd=course,
    )  # fmt: skip
    full = f"{round(100 * AUTO / MAX_SCORE, 2):g}"
    assert rows_of(target) == [
        [*lms.CANVAS_IDENTITY, column],
        [lms.POINTS_POSSIBLE, "", "", "", "", "100"],
        ["Smith, Jane", "1001", "S1", "jsmith", "Section A", full],
        ["Doe, John", "1002", "S2", "jdoe", "Section A", "0"],
        ["Roe, Ann", "1003", "S3", "aroe", "Section B", ""],
        ["Lee, Alex", "1004", "S4", "alee", "Section B", "0"],
    ]
    assert "1004 (00_tiny): corrupt" in result.stdout
    assert "not in the roster" in result.stdout and "1005" in result.stdout
    grades = {row["student_id"]: row for row in csv.DictReader((course / "grades.csv").open())}
    assert inputs.LATE in grades["1002"]["reason"]


def test_moodle_round_trip_from_its_download_zip_to_its_grading_worksheet(tmp_path, notebooks):
    archive = zipped(
        tmp_path,
        "Digits-00 Tiny-12345.zip",
        {
            f"Jane Smith_2001_assignsubmission_file_/{TINY}.ipynb": notebooks["solved"],
            f"John Doe_2002_assignsubmission_file_{TINY}.ipynb": notebooks["blank"],
            f"Alex Lee_2004_assignsubmission_file_/{TINY}.ipynb": "{not json",
            f"{TINY}.ipynb": notebooks["solved"],  # not named as Moodle names them
        },
    )
    course = graded_course(tmp_path, "moodle", archive)
    header = list(lms.MOODLE_COLUMNS)
    late = "Submitted for grading - 1 day 2 hours late - Not graded"
    on_time = "Submitted for grading - Not graded"

    def worksheet_row(participant, name, status, comment=""):
        email = f"{name.split()[0].lower()}@example.org"
        modified = "Monday, 1 June 2026, 10:00 AM"
        return [f"Participant {participant}", name, email, status, "", "10.00", "Yes", modified,
                "-", comment]  # fmt: skip

    roster = write_csv(
        tmp_path / "worksheet.csv",
        [
            header,
            worksheet_row(2001, "Jane Smith", on_time),
            worksheet_row(2002, "John Doe", late),
            worksheet_row(2003, "Ann Roe", "No submission", "see me"),
            worksheet_row(2004, "Alex Lee", on_time),
        ],
    )
    target = tmp_path / "upload.csv"
    result = run_course(
        "export", "--format", "moodle", TINY, "--roster", roster, "--points", 10,
        "--missing-zero", "--to", target, cwd=course,
    )  # fmt: skip
    rows = rows_of(target)
    assert rows[0] == header
    full = f"{round(10 * AUTO / MAX_SCORE, 2):g}"
    expected = [
        worksheet_row(2001, "Jane Smith", on_time),
        worksheet_row(2002, "John Doe", late),
        worksheet_row(2003, "Ann Roe", "No submission", "see me"),
        worksheet_row(2004, "Alex Lee", on_time),
    ]
    expected[0][4], expected[1][4], expected[2][4], expected[3][4] = full, "0", "0", "0"
    assert rows[1:4] == expected[:3]
    assert rows[4][:9] == expected[3][:9]
    assert rows[4][9].startswith("corrupt: ")
    assert f"not in the roster {roster}, so not in the CSV: {TINY}" in result.stdout

    plain = tmp_path / "without-roster.csv"
    result = run_course("export", "--format", "moodle", "--to", plain, cwd=course)
    assert f"not in the LMS (no id in the file name), so not in the CSV: {TINY}" in result.stdout
    by_identifier = {row[0]: row for row in rows_of(plain)[1:]}
    assert by_identifier["Participant 2001"][1:6] == [
        "Jane Smith",
        "",
        "",
        f"{AUTO:g}",
        f"{MAX_SCORE:g}",
    ]
    assert set(by_identifier) == {f"Participant {n}" for n in (2001, 2002, 2004)}


# Unit tests: bad input is an error that says what to do, and nothing is written.


class Gradebook:
    """What the exporters read of nbgrader's `Gradebook`: one graded and one ungraded chapter."""

    def __init__(self):
        graded = SimpleNamespace(student=SimpleNamespace(id="1001"), score=3.0)
        self.assignments = [
            SimpleNamespace(name=TINY, max_score=4.0, submissions=[graded]),
            SimpleNamespace(name="01_unmarked", max_score=4.0, submissions=[]),
        ]

    def find_assignment(self, name):
        return next(a for a in self.assignments if a.name == name)


def export_to(tmp_path: Path, lms_name: str, **options) -> Path:
    target = tmp_path / "out.csv"
    plugin = lms.exporter(lms_name, **options)
    plugin.to, plugin.grades = str(target), str(tmp_path / "grades.csv")
    plugin.export(Gradebook())
    return target


@pytest.mark.unit
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["Student", "ID", "Section"], ["a", "1001", "A"]], "no column 'SIS User ID', 'SIS Login"),
        ([list(lms.CANVAS_IDENTITY), *[["a", "1001", "", "", ""]] * 2], "lists ID 1001 more than"),
    ],
)
def test_a_bad_canvas_roster_is_an_error_and_writes_nothing(tmp_path, rows, message):
    roster = write_csv(tmp_path / "roster.csv", rows)
    with pytest.raises(GradingError, match=message):
        export_to(tmp_path, "canvas", roster=str(roster))
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.unit
def test_a_moodle_roster_without_participant_identifiers_is_an_error(tmp_path):
    roster = write_csv(tmp_path / "roster.csv", [["Identifier", "Grade"], ["jane", ""]])
    with pytest.raises(GradingError, match="not 'Participant <id>': jane"):
        export_to(tmp_path, "moodle", roster=str(roster))
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.unit
def test_scores_are_scaled_and_a_student_without_submission_gets_what_was_asked(tmp_path):
    roster = write_csv(
        tmp_path / "roster.csv",
        [[*lms.CANVAS_IDENTITY, "Tiny (9)"], ["A", "1001", "", "", ""], ["B", "1002", "", "", ""]],
    )
    target = export_to(tmp_path, "canvas", roster=str(roster), points="10", missing_zero=True)
    assert [row[1:] for row in rows_of(target)[1:]] == [
        ["", "", "", "", "10"],
        ["1001", "", "", "", "7.5"],
        ["1002", "", "", "", "0"],
    ]
    assert rows_of(export_to(tmp_path, "canvas", roster=str(roster)))[3][-1] == ""


@pytest.mark.unit
def test_a_chapter_never_graded_is_an_error(tmp_path):
    plugin = lms.exporter("canvas")
    plugin.assignment = ["01_unmarked"]
    with pytest.raises(GradingError, match="01_unmarked was never graded.*course grade 01_unm"):
        plugin.export(Gradebook())


@pytest.mark.unit
def test_an_option_of_another_lms_or_of_the_wrong_type_is_an_error():
    with pytest.raises(GradingError, match="--column is not an option of moodle"):
        lms.exporter("moodle", column="x")
    with pytest.raises(GradingError, match="--points: could not convert"):
        lms.exporter("canvas", points="ten")
    assert lms.exporter("canvas", points="7.5", missing_zero=True).points == 7.5


@pytest.mark.unit
def test_without_format_export_takes_no_lms_option(capsys):
    assert cli.main(["export", "--roster", "r.csv"]) == 2
    assert "go with --format" in capsys.readouterr().err


@pytest.mark.unit
@pytest.mark.parametrize(
    ("lms_name", "name", "student", "late"),
    [
        ("canvas", f"smithjane_1001_5001_{TINY}.ipynb", "1001", False),
        ("canvas", f"doejohn_late_1002_5002_{TINY}-1.ipynb", "1002", True),
        ("canvas", f"class/doejohn_LATE_1002_5002_{TINY}.ipynb", "1002", True),
        ("moodle", f"Jane Smith_2001_assignsubmission_file_/{TINY}.ipynb", "2001", False),
        ("moodle", f"O'Neil-Ann Marie_2002_assignsubmission_file_{TINY}.ipynb", "2002", False),
    ],
)
def test_each_lms_file_name_gives_the_lms_id(tmp_path, lms_name, name, student, late):
    archive = zipped(tmp_path, "download.zip", {name: "{}"})
    (found,) = inputs.gather(
        archive, TINY, workdir=tmp_path / "work", regexp=inputs.LMS_DOWNLOADS[lms_name]
    )
    assert found.student_id == student
    assert (inputs.LATE in found.notes) == late
