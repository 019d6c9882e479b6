"""Moodle's grading worksheet (assignment > Upload grading worksheet, with the "Offline grading
worksheet" feedback type): `MOODLE_COLUMNS`, "Identifier" being "Participant <id>", the id that
Moodle's download file names hold (`inputs.LMS_DOWNLOADS`); one worksheet per assignment.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from nbgrader.api import Gradebook

from course_grading.course import GradingError
from course_grading.inputs import LMS_DOWNLOADS
from course_grading.lms.common import Entry, LmsExport, number, read_roster
from course_grading.status import Status

MOODLE_COLUMNS = tuple(
    "Identifier|Full name|Email address|Status|Grade|Maximum Grade|Grade can be changed|"
    "Last modified (submission)|Last modified (grade)|Feedback comments".split("|")
)
PARTICIPANT = re.compile(r"^Participant (\d+)$")


class MoodleExport(LmsExport):
    """Moodle's grading worksheet, one per chapter: the grade and, when not graded, why."""

    lms = "moodle"
    file_pattern = LMS_DOWNLOADS["moodle"]

    def export(self, gradebook: Gradebook) -> None:
        found = self.found(gradebook)
        if self.roster and len({entry.chapter for entry in found}) > 1:
            raise GradingError(
                "a Moodle grading worksheet is one assignment's: export one chapter with it"
            )
        self.per_chapter(found, self.write)

    def write(self, path: Path, found: list[Entry]) -> None:
        header, roster = list(MOODLE_COLUMNS), []
        if self.roster:
            header, roster = read_roster(self.roster, ("Identifier", "Grade"), "Identifier")
            wrong = [
                row["Identifier"] for row in roster if not PARTICIPANT.match(row["Identifier"])
            ]
            if wrong:
                raise GradingError(
                    f"the roster {self.roster} has identifiers that are not 'Participant <id>': "
                    f"{', '.join(wrong[:5])}"
                )
        else:
            for entry in filter(lambda entry: entry.student_id.isdigit(), found):
                row = dict.fromkeys(MOODLE_COLUMNS, "") | {"Full name": entry.name}
                roster.append(row | {"Identifier": f"Participant {entry.student_id}"})
        comments = "Feedback comments" if "Feedback comments" in header else None
        maximum = next((c for c in header if c.lower() == "maximum grade"), None)
        by_id = {e.student_id: e for e in found}
        self.check(found, {PARTICIPANT.match(row["Identifier"])[1] for row in roster})
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=header)
            writer.writeheader()
            for row in roster:
                entry = by_id.get(PARTICIPANT.match(row["Identifier"])[1])
                row = dict(row)
                if entry is None:
                    row["Grade"] = "0" * self.missing_zero
                    writer.writerow(row)
                    continue
                row["Grade"] = number(self.scaled(entry.score, entry.max_score))
                if maximum and not (self.roster and row[maximum]):
                    row[maximum] = number(self.scaled(entry.max_score, entry.max_score))
                elif maximum and self.points is None and float(row[maximum]) != entry.max_score:
                    self.warnings.append(
                        f"{row['Identifier']}: Moodle's maximum grade is {row[maximum]}, the "
                        f"chapter's {number(entry.max_score)}: --points {row[maximum]} scales"
                    )
                if comments and entry.status != Status.GRADED.value:
                    row[comments] = f"{entry.status}: {entry.reason}"
                writer.writerow(row)
