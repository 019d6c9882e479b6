"""Recording results in the course: the gradebook, its folders and grades.csv.

The only module that writes the course gradebook, and only from the parent process.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from nbgrader.api import Gradebook

from course_grading.course import course_folder, gradebook_url
from course_grading.inputs import Submission
from course_grading.runner import LOG
from course_grading.status import CSV_FIELDS, Result


def _replace(target: Path, source: str | None) -> None:
    """Make ``target`` (a folder) hold ``source``: a folder's copy, a file, or nothing."""
    if target.exists():
        shutil.rmtree(target)
    if source:
        source = Path(source)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.mkdir(parents=True)
            shutil.copy(source, target / source.name)


def record_files(course: Path, chapter: str, result: Result, submission: Submission) -> None:
    """The submitted, autograded and feedback files, where nbgrader's own tools look for them.

    A result that is not graded keeps its grader process's log, ``grader.log``, beside its
    autograded notebook.
    """
    student = result.student_id
    submitted = course_folder(course, "submitted", student, chapter)
    autograded = course_folder(course, "autograded", student, chapter)
    feedback = course_folder(course, "feedback", student, chapter)
    if submission.path.resolve() != (submitted / f"{chapter}.ipynb").resolve():
        if submitted.exists():
            shutil.rmtree(submitted)
        submitted.mkdir(parents=True)
        target = f"{chapter}.ipynb" if submission.path.suffix == ".ipynb" else submission.path.name
        shutil.copy(submission.path, submitted / target)
        if result.timestamp:
            (submitted / "timestamp.txt").write_text(result.timestamp)
    _replace(autograded, result.autograded)
    _replace(feedback, result.feedback)
    if result.log and Path(result.log).exists():
        autograded.mkdir(parents=True, exist_ok=True)
        shutil.copy(result.log, autograded / LOG)
    for name in ("timestamp.txt", "submission_secret.txt"):  # nbgrader release_feedback's
        if (submitted / name).exists() and feedback.exists():
            shutil.copy(submitted / name, feedback / name)


def record_grades(course: Path, chapter: str, result: Result) -> float:
    """Put ``result``'s auto scores and comments in the course gradebook; the submission's score.

    Uses nbgrader's `Gradebook`: the student, the submission and each grade's ``auto_score``;
    manual scores already given are kept.
    """
    student = result.student_id
    with Gradebook(gradebook_url(course)) as gradebook:
        gradebook.update_or_create_student(student)
        stamp = {"timestamp": result.timestamp} if result.timestamp else {}
        gradebook.update_or_create_submission(chapter, student, **stamp)
        notebook = gradebook.find_submission_notebook(chapter, chapter, student)
        for grade in notebook.grades:
            auto = result.grades.get(grade.name)
            if auto is None:  # not graded: nothing earned
                grade.auto_score = 0.0 if grade.cell.cell_type == "code" else None
                grade.needs_manual_grade = grade.cell.cell_type != "code"
            else:
                grade.auto_score = auto["auto_score"]
                grade.needs_manual_grade = auto["needs_manual_grade"]
        for comment in notebook.comments:
            comment.auto_comment = result.comments.get(comment.name)
        if result.flagged:  # formgrader's "Flagged?"; never cleared here (it may be yours)
            notebook.flagged = True
        gradebook.db.commit()
        return float(gradebook.find_submission_notebook(chapter, chapter, student).score)


@dataclass
class InCourse:
    """Where results go when a run grades the class: the course's folders and gradebook, each
    result as it comes (parent process only), then the rows of ``grades_csv``."""

    course: Path
    chapter: str
    grades_csv: Path
    into_course: ClassVar[bool] = True  # the run puts the chapter in the course gradebook first

    def record(self, result: Result, submission: Submission) -> Result:
        record_files(self.course, self.chapter, result, submission)
        result.score = record_grades(self.course, self.chapter, result)
        return result

    def finish(self, results: Sequence[Result]) -> Path:
        write_grades(self.grades_csv, [result.row() for result in results], self.chapter)
        return self.grades_csv


def write_grades(path: Path, rows: Sequence[dict], chapter: str) -> None:
    """Replace this run's students' rows of ``chapter`` in grades.csv, keep every other row."""
    kept = []
    students = {row["student_id"] for row in rows}
    if path.exists():
        with path.open(newline="") as file:
            kept = [
                row
                for row in csv.DictReader(file)
                if not (row["chapter"] == chapter and row["student_id"] in students)
            ]
    merged = sorted([*kept, *rows], key=lambda row: (row["chapter"], row["student_id"]))
    temporary = path.with_suffix(".csv.tmp")
    with temporary.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(merged)
    temporary.replace(path)
