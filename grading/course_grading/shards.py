"""A class larger than one machine: grade it in N shards, then merge their folders into the course.

``course grade --shard K/N`` grades the K-th of N slices of the students (every N-th student by id,
from the K-th) and writes, instead of touching the course, a folder laid out like the course
(``submitted/``, ``autograded/``, ``feedback/``), its ``grades.csv`` and ``results.json`` (what the
gradebook needs). ``course merge FOLDER...`` records them in the course gradebook and
``grades.csv``, as one run on one machine would have. It refuses shards that do not fit together
(two runs of one shard, a student in two shards, a run that did not finish, a folder changed
after its run), naming the folder and the student, and merging a shard again changes nothing.
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
from course_grading.runner import sha256
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
    shard: tuple[int, int] | None = None
    into_course: ClassVar[bool] = False

    @classmethod
    def at(cls, folder: str | Path | None, chapter: str, shard: tuple[int, int]) -> InShard:
        """The shard's folder (default ``shard-<chapter>-K-of-N``), made if missing.

        A ``results.json`` left by an earlier run is removed first: should this run die, the
        folder is not mistaken for a finished shard (`course merge` refuses it).
        """
        k, n = shard
        folder = Path(folder or f"shard-{chapter}-{k}-of-{n}").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RESULTS).unlink(missing_ok=True)
        return cls(folder, chapter, shard)

    def record(self, result: Result, submission: Submission) -> Result:
        record_files(self.folder, self.chapter, result, submission)
        return result

    def finish(self, results: Sequence[Result]) -> Path:
        write_shard(self.folder, self.chapter, results, self.shard)
        return self.folder / "grades.csv"


def write_shard(
    folder: Path,
    chapter: str,
    results: Sequence[Result],
    shard: tuple[int, int] | None = None,
) -> Path:
    """Write a shard's ``results.json`` and ``grades.csv`` into ``folder`` (its files are there).

    ``results.json`` is written last: a folder that has it holds a finished run.
    """
    rows = [
        {name: getattr(result, name) for name in KEPT} | {"status": Status(result.status).value}
        for result in results
    ]
    write_grades(folder / "grades.csv", [result.row() for result in results], chapter)
    label = f"{shard[0]}/{shard[1]}" if shard else None
    data = {"chapter": chapter, "shard": label, "results": rows}
    temporary = folder / f"{RESULTS}.tmp"
    temporary.write_text(json.dumps(data, indent=1))
    temporary.replace(folder / RESULTS)
    return folder / RESULTS


@dataclass
class ShardFolder:
    """A finished shard's folder: its chapter, ``K/N`` (None when not recorded) and results."""

    folder: Path
    chapter: str
    shard: str | None
    results: list[Result]

    @property
    def name(self) -> str:
        return f"{self.folder} (shard {self.shard})" if self.shard else str(self.folder)


def read_shard(folder: Path) -> ShardFolder:
    """A shard folder and its results, pointing at the shard's files."""
    path = folder / RESULTS
    if not path.is_file():
        raise GradingError(
            f"{folder} holds no finished shard (no {RESULTS}): its `course grade --shard` did "
            "not finish (the node died, the job was cancelled) or this is not a shard folder; "
            "grade that shard again, then merge"
        )
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
    return ShardFolder(folder, data["chapter"], data.get("shard"), results)


def check_shards(shards: Sequence[ShardFolder]) -> None:
    """Refuse shards that do not fit together, naming the folders (and the student)."""
    chapters = {shard.chapter for shard in shards}
    if len(chapters) != 1:
        raise GradingError(f"the shards hold different chapters: {', '.join(sorted(chapters))}")
    counts = {shard.shard.split("/")[1] for shard in shards if shard.shard}
    if len(counts) > 1:
        listed = ", ".join(shard.name for shard in shards)
        raise GradingError(f"the shards split the class differently: {listed}; merge one split")
    seen: dict[str, ShardFolder] = {}
    for shard in shards:
        first = seen.setdefault(shard.shard, shard) if shard.shard else shard
        if first is not shard:
            raise GradingError(
                f"{first.folder} and {shard.folder} are both shard {shard.shard}, graded twice: "
                "merge the folder of the run you keep"
            )
    graded_in: dict[str, ShardFolder] = {}
    for shard in shards:
        for result in shard.results:
            other = graded_in.setdefault(result.student_id, shard)
            if other is not shard:
                raise GradingError(
                    f"student {result.student_id!r} is in two shards, {other.name} and "
                    f"{shard.name}: merge the shards of one split, each once"
                )
            path = submitted_file(shard.folder, shard.chapter, result.student_id)
            if result.sha256 and sha256(path) != result.sha256:
                raise GradingError(
                    f"{shard.name}: the submitted file of student {result.student_id!r} is not "
                    f"the one its {RESULTS} was graded from (the folder was changed after its "
                    "run): grade that shard again into an empty folder, then merge"
                )


def merge_shards(
    course: Path, folders: Sequence[str | Path], output: str | Path | None = None
) -> tuple[Path, list[Result]]:
    """Record every shard folder's results in the course gradebook and grades.csv.

    A folder named twice is merged once; shards that do not fit together are refused before
    anything is recorded (`check_shards`). Returns grades.csv and the results, by student.
    """
    unique = dict.fromkeys(Path(folder).resolve() for folder in folders)
    shards = [read_shard(folder) for folder in unique]
    check_shards(shards)
    chapter = shards[0].chapter
    check_chapter(course, chapter)
    merged = []
    destination = InCourse(course, chapter, Path(output) if output else course / "grades.csv")
    with tempfile.TemporaryDirectory(prefix=f"course-merge-{chapter}-") as work:
        add_assignment(course, chapter, Path(work) / "release")
        for shard in shards:
            for result in shard.results:
                path = submitted_file(shard.folder, chapter, result.student_id)
                submission = Submission(result.student_id, path, result.file)
                merged.append(destination.record(result, submission))
    merged.sort(key=lambda result: result.student_id)
    return destination.finish(merged), merged


__all__ = [
    "InShard",
    "ShardFolder",
    "check_shards",
    "merge_shards",
    "parse_shard",
    "read_shard",
    "select",
    "write_shard",
]
