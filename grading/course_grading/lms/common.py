"""What the LMS exporters share: the graded entries, the roster's checks, the options, warnings.

The `ExportPlugin` of each LMS (`lms.canvas`, `lms.moodle`, `lms.gradescope`) is an `LmsExport`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Bool, Float, List, Unicode

from course_grading.course import GradingError
from course_grading.status import Status


@dataclass
class Entry:
    """One student's graded submission of one chapter, as the export needs it."""

    student_id: str
    chapter: str
    score: float
    max_score: float
    status: str = Status.GRADED.value
    reason: str = ""
    name: str = ""  # the ``name`` group of the exporter's ``file_pattern`` in the file's path


def entries(
    gradebook: Gradebook, chapters: list[str], grades_csv: Path, file_pattern: str
) -> list[Entry]:
    """Every graded submission of ``chapters`` (all graded chapters when empty)."""
    chapters = chapters or [a.name for a in gradebook.assignments if a.submissions]
    if not chapters:
        raise GradingError("no chapter has been graded: run `course grade <chapter> ...` first")
    rows = {}
    if grades_csv.exists():
        with grades_csv.open(newline="") as file:
            rows = {(row["chapter"], row["student_id"]): row for row in csv.DictReader(file)}
    found = []
    for chapter in chapters:
        try:
            assignment = gradebook.find_assignment(chapter)
        except MissingEntry:
            assignment = None
        if assignment is None or not assignment.submissions:
            raise GradingError(
                f"chapter {chapter} was never graded (no submission of it in the gradebook): "
                f"run `course grade {chapter} <submissions>` first"
            )
        for submission in assignment.submissions:
            row = rows.get((chapter, submission.student.id), {})
            match = re.match(file_pattern, row.get("file", ""))
            found.append(
                Entry(
                    submission.student.id,
                    chapter,
                    float(submission.score),
                    float(assignment.max_score),
                    row.get("status", Status.GRADED.value),
                    row.get("reason", ""),
                    match["name"] if match else "",
                )
            )
    return sorted(found, key=lambda entry: (entry.chapter, entry.student_id))


def read_roster(path: str, required: tuple[str, ...], *keys: str) -> tuple[list[str], list[dict]]:
    """The header and rows of an LMS's CSV export, checked: its columns, each of ``keys`` unique
    (letter case aside)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            header, rows = list(reader.fieldnames or []), list(reader)
    except OSError as error:
        raise GradingError(f"cannot read the roster {path}: {error}") from error
    missing = [column for column in required if column not in header]
    if missing:
        raise GradingError(
            f"the roster {path} has no column {', '.join(map(repr, missing))} (it has "
            f"{', '.join(map(repr, header))}): give the LMS's own export, unchanged"
        )
    for key in keys:
        ids = [row[key].strip().lower() for row in rows if row[key].strip()]
        twice = sorted({value for value in ids if ids.count(value) > 1})
        if twice:
            raise GradingError(f"the roster {path} lists {key} {', '.join(twice)} more than once")
    return header, rows


def number(value: float) -> str:
    return f"{round(value, 2):g}"


class LmsExport(ExportPlugin):
    """What the LMS exports share: the roster, scaling, missing students, the warnings."""

    lms = ""
    file_pattern = ""  # the submission's path in grades.csv; its group ``name`` is `Entry.name`
    unnamed = "the LMS (no id in the file name)"  # where a submission without a roster is missing
    roster = Unicode(
        "",
        help="The LMS's own export of the class (Canvas: the gradebook CSV; Moodle: the "
        "assignment's grading worksheet; Gradescope: the course roster CSV); without it, only the "
        "students who submitted are listed.",
    ).tag(config=True, option="--roster")
    points = Float(
        None,
        allow_none=True,
        help="Scale each score to this many points (the LMS assignment's "
        "maximum); default: the chapter's points.",
    ).tag(config=True, option="--points")
    missing_zero = Bool(
        False, help="Give 0, not an empty grade, to a student of the roster who did not submit."
    ).tag(config=True, option="--missing-zero")
    grades = Unicode("grades.csv", help="The grades.csv `course grade` wrote.").tag(config=True)
    warnings = List(help="What the instructor must look at before uploading.")
    written = List(help="The CSV files written.")

    def found(self, gradebook: Gradebook) -> list[Entry]:
        return entries(gradebook, list(self.assignment), Path(self.grades), self.file_pattern)

    def per_chapter(self, found: list[Entry], write) -> None:
        """``write(path, entries)`` once per chapter: ``--to``, or ``<to>-<chapter>.csv`` when
        there are several chapters."""
        chapters = sorted({entry.chapter for entry in found})
        target = Path(self.to or f"{self.lms}.csv")
        for chapter in chapters:
            path = (
                target if len(chapters) == 1 else target.with_name(f"{target.stem}-{chapter}.csv")
            )
            write(path, [e for e in found if e.chapter == chapter])
            self.written.append(str(path))

    def scaled(self, score: float, max_score: float) -> float:
        if self.points is None:
            return score
        return score * self.points / max_score if max_score else 0.0

    def check(self, found: list[Entry], known: set[str]) -> None:
        """Warn of each submission not graded cleanly and each student not in the roster."""
        for entry in found:
            if entry.status != Status.GRADED.value:
                self.warnings.append(
                    f"{entry.student_id} ({entry.chapter}): {entry.status}: {entry.reason}"
                )
        strangers = sorted({e.student_id for e in found if e.student_id not in known})
        where = f"the roster {self.roster}" if self.roster else self.unnamed
        if strangers:
            self.warnings.append(f"not in {where}, so not in the CSV: {', '.join(strangers)}")
