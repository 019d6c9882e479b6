"""Grades back into an LMS: nbgrader `ExportPlugin`s that write the CSV Canvas or Moodle imports.

Introduced in the instructors' guide, "Grades back into the LMS": ``course export --format
canvas|moodle`` runs them on the course gradebook, as ``nbgrader export
--exporter=course_grading.lms.CanvasExport`` does. Scores come from the gradebook (manual grades
included), statuses and files from ``grades.csv``; the students are the LMS ids ``course grade
--lms`` took from the download's file names (`inputs.LMS_DOWNLOADS`); a roster (the LMS's own
export) gives the columns its import needs.

- Canvas, Grades > Import (the shape of its gradebook export): "Student", "ID", "SIS User ID",
  "SIS Login ID", "Section", one column per assignment ("<name> (<id>)" in the export) and a
  "Points Possible" row; rows match on "ID". An unknown column creates an assignment, so the CSV
  holds grades only and the problems are printed.
- Moodle, assignment > Upload grading worksheet ("Offline grading worksheet" feedback type):
  `MOODLE_COLUMNS`, "Identifier" being "Participant <id>"; one worksheet per assignment.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Bool, Float, List, TraitError, Unicode

from course_grading.course import GradingError
from course_grading.inputs import LMS_DOWNLOADS
from course_grading.status import Status

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"
MOODLE_COLUMNS = tuple(
    "Identifier|Full name|Email address|Status|Grade|Maximum Grade|Grade can be changed|"
    "Last modified (submission)|Last modified (grade)|Feedback comments".split("|")
)
PARTICIPANT = re.compile(r"^Participant (\d+)$")


@dataclass
class Entry:
    """One student's graded submission of one chapter, as the export needs it."""

    student_id: str
    chapter: str
    score: float
    max_score: float
    status: str = Status.GRADED.value
    reason: str = ""
    name: str = ""  # as the LMS's file name gave it


def entries(gradebook: Gradebook, chapters: list[str], grades_csv: Path, lms: str) -> list[Entry]:
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
            match = re.match(LMS_DOWNLOADS[lms], row.get("file", ""))
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


def read_roster(path: str, required: tuple[str, ...], key: str) -> tuple[list[str], list[dict]]:
    """The header and rows of an LMS's CSV export, checked: its columns, its ids unique."""
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
    ids = [row[key] for row in rows if row[key]]
    twice = sorted({value for value in ids if ids.count(value) > 1})
    if twice:
        raise GradingError(f"the roster {path} lists {key} {', '.join(twice)} more than once")
    return header, rows


def number(value: float) -> str:
    return f"{round(value, 2):g}"


class LmsExport(ExportPlugin):
    """What the LMS exports share: the roster, scaling, missing students, the warnings."""

    lms = ""
    roster = Unicode(
        "",
        help="The LMS's own export of the class (Canvas: the gradebook CSV; Moodle: the "
        "assignment's grading worksheet); without it, only the students who submitted are listed.",
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
        where = f"the roster {self.roster}" if self.roster else "the LMS (no id in the file name)"
        if strangers:
            self.warnings.append(f"not in {where}, so not in the CSV: {', '.join(strangers)}")


class CanvasExport(LmsExport):
    """Canvas's gradebook import CSV: one column per chapter, a "Points Possible" row."""

    lms = "canvas"
    column = Unicode(
        "",
        help="Canvas: the assignment's column, as Canvas's gradebook export names it "
        '("00 Tiny (1234)"; default: the roster\'s column that starts with the chapter id, else '
        "the chapter id, which Canvas imports as a new assignment); one chapter only.",
    ).tag(config=True, option="--column")

    def export(self, gradebook: Gradebook) -> None:
        found = entries(gradebook, list(self.assignment), Path(self.grades), self.lms)
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


class MoodleExport(LmsExport):
    """Moodle's grading worksheet, one per chapter: the grade and, when not graded, why."""

    lms = "moodle"

    def export(self, gradebook: Gradebook) -> None:
        found = entries(gradebook, list(self.assignment), Path(self.grades), self.lms)
        chapters = sorted({entry.chapter for entry in found})
        if self.roster and len(chapters) > 1:
            raise GradingError(
                "a Moodle grading worksheet is one assignment's: export one chapter with it"
            )
        target = Path(self.to or "moodle.csv")
        for chapter in chapters:
            path = (
                target if len(chapters) == 1 else target.with_name(f"{target.stem}-{chapter}.csv")
            )
            self.write(path, [e for e in found if e.chapter == chapter])
            self.written.append(str(path))

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


EXPORTERS = {"canvas": CanvasExport, "moodle": MoodleExport}


def export_options() -> dict:
    """The settings ``course export`` takes as options: name -> trait (its ``option`` tag)."""
    options = {}
    for exporter in EXPORTERS.values():
        options |= exporter.class_traits(option=lambda flag: flag is not None)
    return options


def exporter(lms: str, **given) -> LmsExport:
    """The `ExportPlugin` for ``lms`` with the options given (strings from the command line)."""
    plugin_class = EXPORTERS[lms]
    plugin, traits = plugin_class(), plugin_class.class_traits()
    for name, value in given.items():
        flag = f"--{name.replace('_', '-')}"
        if value is not None and name not in traits:
            raise GradingError(f"{flag} is not an option of {lms}")
        text = isinstance(value, str) and not isinstance(traits.get(name), Unicode)
        try:
            if value is not None:
                setattr(plugin, name, traits[name].from_string(value) if text else value)
        except (TraitError, ValueError) as error:
            raise GradingError(f"course export {flag}: {error}") from error
    return plugin
