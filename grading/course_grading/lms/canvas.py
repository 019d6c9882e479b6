"""Canvas's gradebook import (Grades > Import): the shape of its gradebook export.

"Student", "ID", "SIS User ID", "SIS Login ID", "Section", one column per assignment ("<name>
(<id>)" in the export) and a "Points Possible" row; rows match on "ID", the user id that Canvas's
download file names hold (`inputs.LMS_DOWNLOADS`). An unknown column creates an assignment, so the
CSV holds grades only and the problems are printed.
"""

from __future__ import annotations

import csv

from nbgrader.api import Gradebook
from traitlets import Unicode

from course_grading.course import GradingError
from course_grading.inputs import LMS_DOWNLOADS
from course_grading.lms.common import LmsExport, number, read_roster

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"


class CanvasExport(LmsExport):
    """Canvas's gradebook import CSV: one column per chapter, a "Points Possible" row."""

    lms = "canvas"
    file_pattern = LMS_DOWNLOADS["canvas"]
    column = Unicode(
        "",
        help="Canvas: the assignment's column, as Canvas's gradebook export names it "
        '("00 Tiny (1234)"; default: the roster\'s column that starts with the chapter id, else '
        "the chapter id, which Canvas imports as a new assignment); one chapter only.",
    ).tag(config=True, option="--column")

    def export(self, gradebook: Gradebook) -> None:
        found = self.found(gradebook)
        chapters = sorted({entry.chapter for entry in found})
        header, roster = list(CANVAS_IDENTITY), []
        if self.roster:
            header, roster = read_roster(self.roster, CANVAS_IDENTITY, "ID")
            roster = [row for row in roster if row["ID"]]  # not the "Points Possible" row
        if self.column and len(chapters) > 1:
            raise GradingError("--column names one chapter's column: export one chapter with it")
        columns = [self.column or self.column_of(chapter, header) for chapter in chapters]
        scores = {(e.chapter, e.student_id): e for e in found}
        if not self.roster:
            names = {e.student_id: e.name for e in found if e.student_id.isdigit()}
            roster = [
                dict.fromkeys(CANVAS_IDENTITY, "") | {"ID": s, "Student": names[s]}
                for s in sorted(names)
            ]
        self.check(found, {row["ID"] for row in roster})
        maximum = {e.chapter: e.max_score for e in found}
        target = self.to or "canvas.csv"
        with open(target, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow([*CANVAS_IDENTITY, *columns])
            possible = [number(self.scaled(maximum[c], maximum[c])) for c in chapters]
            writer.writerow([POINTS_POSSIBLE, "", "", "", "", *possible])
            for row in roster:
                cells = []
                for chapter in chapters:
                    entry = scores.get((chapter, row["ID"]))
                    score = entry and number(self.scaled(entry.score, entry.max_score))
                    cells.append(score if entry else "0" * self.missing_zero)
                writer.writerow([row[name] for name in CANVAS_IDENTITY] + cells)
        self.written.append(target)

    @staticmethod
    def column_of(chapter: str, header: list[str]) -> str:
        for name in header:
            if name == chapter or name.startswith(f"{chapter} ("):
                return name
        return chapter
