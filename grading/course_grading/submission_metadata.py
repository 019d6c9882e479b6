"""Gradescope's "Export Submissions" zip, read through its submission_metadata.yml.

``course grade --lms gradescope`` reads it here (introduced in the instructors' guide, "Grades back
into the LMS"). The export holds one folder per submission, ``submission_<id>/`` with the
student's files, beside ``submission_metadata.yml``, which maps each folder to its
``:submitters:`` (each with ``:name:``, ``:sid:``, ``:email:``), ``:created_at:``, ``:score:`` and
``:history:`` (keys that YAML reads as ``":submitters"``, ``":sid"``, ...: Ruby's symbols).
Gradescope does not document the file; its shape is that of public exports and of
the readers that otter-grader (ucbds-infra/otter-grader, ``otter/grade/metadata.py``,
``GradescopeParser``) and others keep. It holds no due date and no late flag, so no submission is
marked late. Each submitter is a student, named by their SID or, when that is empty, their email
(lower case); a group submission is graded once per submitter, so each gets the score.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import yaml

from course_grading.course import GradingError
from course_grading.inputs import (
    Submission,
    _parse_time,
    _student_folder,
    _unzip,
    _visible,
    newest_per_student,
)

METADATA = "submission_metadata.yml"
FILE_PATTERN = r"(?:.*/)?submission_(?P<name>\d+)/"  # a file's path: its Gradescope submission id
NOT_IN_METADATA = f"the submission's folder is not in {METADATA}"


def _metadata(root: Path, source: Path) -> tuple[Path, dict]:
    found = [path for path in sorted(root.rglob(METADATA)) if _visible(path, root)]
    if len(found) != 1:
        what = "no" if not found else f"{len(found)} files named"
        raise GradingError(
            f"{source} holds {what} {METADATA}: give Gradescope's Export Submissions zip (or the "
            "folder it unpacks to) unchanged; nothing was graded"
        )
    try:
        metadata = yaml.safe_load(found[0].read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise GradingError(f"cannot read {found[0].relative_to(root)}: {error}") from error
    if not isinstance(metadata, dict) or not all(isinstance(v, dict) for v in metadata.values()):
        raise GradingError(
            f"{found[0].relative_to(root)} does not map submission folders to their submitters"
        )
    return found[0].parent, metadata


def _student(submitter: dict) -> str:
    sid = str(submitter.get(":sid") or "").strip()
    return sid or str(submitter.get(":email") or "").strip().lower()


def _time(value) -> datetime | None:
    if isinstance(value, datetime):  # YAML reads Gradescope's times as datetimes
        if value.tzinfo:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value
    return _parse_time(str(value)) if value else None


def gather_gradescope(
    source: str | os.PathLike, chapter: str, *, workdir: Path
) -> list[Submission]:
    """Every submission of Gradescope's export ``source`` (its zip or folder), once per submitter.

    A folder that the metadata does not name is still graded, named by the folder, and its reason
    says so; a folder that the metadata names but the export lacks, or a submission without a
    submitter's SID or email, is an error before anything is graded.
    """
    source = Path(source)
    if not source.exists():
        raise GradingError(f"no such Gradescope export (zip file or folder): {source}")
    root = _unzip(source, workdir) if source.is_file() else source.resolve()
    folder, metadata = _metadata(root, source)
    folders = {path.name for path in folder.iterdir() if path.is_dir() and _visible(path, root)}
    lacking = sorted(set(metadata) - folders)
    nobody = sorted(
        name
        for name, entry in metadata.items()
        if not entry.get(":submitters") or not all(map(_student, entry[":submitters"]))
    )
    for names, problem in ((lacking, "has no folder"), (nobody, "has no submitter's SID or email")):
        if names:
            raise GradingError(
                f"{METADATA} names {', '.join(names)}, which {problem} in {source}: download the "
                "export again; nothing was graded"
            )
    submissions = []
    for name in sorted(folders):
        found = _student_folder(folder / name, chapter, folder)
        if name not in metadata:
            found.notes.append(NOT_IN_METADATA)
            submissions.append(found)
            continue
        entry = metadata[name]
        students = [_student(submitter) for submitter in entry[":submitters"]]
        for student in students:
            notes = list(found.notes)
            if len(students) > 1:
                others = ", ".join(other for other in students if other != student)
                notes.append(f"group submission with {others}, graded for each")
            timestamp = _time(entry.get(":created_at")) or found.timestamp
            submissions.append(Submission(student, found.path, found.origin, timestamp, notes))
    return newest_per_student(submissions)
