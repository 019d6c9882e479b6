"""Gradescope: one CSV per chapter in the shape of Gradescope's own grade download.

Gradescope documents no CSV import of an assignment's scores in the help pages we could check
(guides.gradescope.com: the roster's CSV upload, and grade downloads), so the CSV takes the shape
of the file Gradescope itself writes for an assignment (Review Grades > Download Grades): "First
Name", "Last Name", "SID", "Email", "Total Score", "Max Points", "Status", "Submission ID", the
columns that the tools reading Gradescope's grades key on (SID, Email, Total Score). "Status" is
"Graded", "Missing" (a student of the roster without a submission) or, for a submission not
`graded`, its status and reason. The students are the ids `course grade --lms gradescope` took
from the export's submission_metadata.yml (`submission_metadata`): each submitter's SID, or their
email when the SID is empty; the roster is Gradescope's course roster CSV ("SID" and "Email"
columns; its "First Name", "Last Name" and, when present, only its "Student" rows of "Role").
"""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook

from course_grading.lms.common import Entry, LmsExport, number, read_roster
from course_grading.status import Status
from course_grading.submission_metadata import FILE_PATTERN, METADATA, NOT_IN_METADATA

GRADESCOPE_IDENTITY = ("First Name", "Last Name", "SID", "Email")
GRADESCOPE_COLUMNS = (
    *GRADESCOPE_IDENTITY,
    *("Total Score", "Max Points", "Status", "Submission ID"),
)


def roster_id(row: dict) -> str:
    """The id `course grade --lms gradescope` gives the student of a roster row."""
    return row["SID"].strip() or row["Email"].strip().lower()


class GradescopeExport(LmsExport):
    """Gradescope's grade download's columns, one file per chapter, one row per student."""

    lms = "gradescope"
    file_pattern = FILE_PATTERN
    unnamed = f"the export's {METADATA}"

    def export(self, gradebook: Gradebook) -> None:
        self.per_chapter(self.found(gradebook), self.write)

    def students(self, found: list[Entry]) -> list[dict]:
        """The roster's students, or (without a roster) the students of ``found``."""
        if self.roster:
            header, rows = read_roster(self.roster, ("SID", "Email"), "SID", "Email")
            if "Role" in header:
                rows = [row for row in rows if row["Role"].strip().lower() == "student"]
            return rows
        named = [e.student_id for e in found if NOT_IN_METADATA not in e.reason]
        return [
            dict.fromkeys(GRADESCOPE_IDENTITY, "")
            | ({"Email": student} if "@" in student else {"SID": student})
            for student in named
        ]

    def write(self, path: Path, found: list[Entry]) -> None:
        roster = self.students(found)
        self.check(found, {roster_id(row) for row in roster})
        by_id = {entry.student_id: entry for entry in found}
        maximum = number(self.scaled(found[0].max_score, found[0].max_score))
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(GRADESCOPE_COLUMNS)
            for row in roster:
                entry = by_id.get(roster_id(row))
                identity = [row.get(name, "") for name in GRADESCOPE_IDENTITY]
                if entry is None:
                    writer.writerow([*identity, "0" * self.missing_zero, maximum, "Missing", ""])
                    continue
                score = number(self.scaled(entry.score, entry.max_score))
                graded = entry.status == Status.GRADED.value
                status = "Graded" if graded else f"{entry.status}: {entry.reason}"
                writer.writerow([*identity, score, maximum, status, entry.name])
