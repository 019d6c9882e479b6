"""A class larger than one machine: grade it in N shards, then merge their folders into the course.

``course grade --shard K/N`` grades the K-th of N slices of the students (every N-th student by id,
from the K-th) and writes, instead of touching the course, a folder laid out like the course
(``submitted/``, ``autograded/``, ``feedback/``), its ``grades.csv`` and ``results.json`` (what the
gradebook needs). ``course merge FOLDER...`` records them in the course gradebook and
``grades.csv``, as one run on one machine would have.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from course_grading.course import GradingError, check_chapter, course_folder
from course_grading.inputs import Submission
from course_grading.record import InCourse, record_files, write_grades
from course_grading.status import Result, Status
from course_grading.workspace import add_assignment

RESULTS = "results.json"
KEPT = ("student_id", "chapter", "score", "max_score", "status", "reason", "file", "sha256")
KEPT += ("grades", "comments", "timestamp", "flagged")


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` as (K, N), with 1 <= K <= N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"a shard is K/N with 1 <= K <= N, for example 2/3; not {text!r}")
    return int(match[1]), int(match[2])


def select(submissions: Sequence[Submission], shard: tuple[int, int]) -> list[Submission]:
    """The K-th of N slices of ``submissions``: every N-th student by id, from the K-th."""
    k, n = shard
    return sorted(submissions, key=lambda s: s.student_id)[k - 1 :: n]


def submitted_file(folder: Path, chapter: str, student: str) -> Path:
    """The file a student sent, as `record_files` keeps it in ``folder``."""
    files = [
        path
        for path in sorted(course_folder(folder, "submitted", student, chapter).iterdir())
        if path.name not in ("timestamp.txt", "submission_secret.txt")
    ]
    if len(files) != 1:
        raise GradingError(f"{folder}: expected one submitted file of {student}, found {files}")
    return files[0]


@dataclass
class InShard:
    """Where the results of ``course grade --shard K/N`` go: ``folder``, laid out like the
    course, then its ``results.json`` and ``grades.csv``; the course is left alone."""

    folder: Path
    chapter: str
    into_course: ClassVar[bool] = False

    @classmethod
    def at(cls, folder: str | Path | None, chapter: str, shard: tuple[int, int]) -> InShard:
        """The shard's folder (default ``shard-<chapter>-K-of-N``), made if missing."""
        k, n = shard
        folder = Path(folder or f"shard-{chapter}-{k}-of-{n}").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder, chapter)

    def record(self, result: Result, submission: Submission) -> Result:
        record_files(self.folder, self.chapter, result, submission)
        return result

    def finish(self, results: Sequence[Result]) -> Path:
        write_shard(self.folder, self.chapter, results)
        return self.folder / "grades.csv"


def write_shard(folder: Path, chapter: str, results: Sequence[Result]) -> Path:
    """Write a shard's ``results.json`` and ``grades.csv`` into ``folder`` (its files are there)."""
    rows = [
        {name: getattr(result, name) for name in KEPT} | {"status": Status(result.status).value}
        for result in results
    ]
    (folder / RESULTS).write_text(json.dumps({"chapter": chapter, "results": rows}, indent=1))
    write_grades(folder / "grades.csv", [result.row() for result in results], chapter)
    return folder / RESULTS


def read_shard(folder: Path) -> tuple[str, list[Result]]:
    """The chapter of a shard folder and its results, pointing at the shard's files."""
    path = folder / RESULTS
    if not path.is_file():
        raise GradingError(f"{folder} is not a shard folder: it has no {RESULTS}")
    data = json.loads(path.read_text())
    results = []
    for row in data["results"]:
        result = Result(**{**row, "status": Status(row["status"])})
        autograded = course_folder(folder, "autograded", result.student_id, result.chapter)
        feedback = course_folder(folder, "feedback", result.student_id, result.chapter)
        result.autograded = str(autograded) if autograded.exists() else None
        page = feedback / f"{result.chapter}.html"
        result.feedback = str(page) if page.exists() else None
        results.append(result)
    return data["chapter"], results


def merge_shards(
    course: Path, folders: Sequence[str | Path], output: str | Path | None = None
) -> tuple[Path, list[Result]]:
    """Record every shard folder's results in the course gradebook and grades.csv.

    Returns grades.csv and the results, by student.
    """
    shards = [(Path(folder), *read_shard(Path(folder))) for folder in folders]
    chapters = {chapter for _, chapter, _ in shards}
    if len(chapters) != 1:
        raise GradingError(f"the shards hold different chapters: {', '.join(sorted(chapters))}")
    (chapter,) = chapters
    check_chapter(course, chapter)
    merged = []
    destination = InCourse(course, chapter, Path(output) if output else course / "grades.csv")
    with tempfile.TemporaryDirectory(prefix=f"course-merge-{chapter}-") as work:
        add_assignment(course, chapter, Path(work) / "release")
        for folder, _, results in shards:
            for result in results:
                path = submitted_file(folder, chapter, result.student_id)
                submission = Submission(result.student_id, path, result.file)
                merged.append(destination.record(result, submission))
    merged.sort(key=lambda result: result.student_id)
    return destination.finish(merged), merged


__all__ = [
    "InShard",
    "merge_shards",
    "parse_shard",
    "read_shard",
    "select",
    "write_shard",
]
