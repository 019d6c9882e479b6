"""Gathering submissions: a folder of notebooks, a folder per student, an LMS zip."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.plugins.zipcollect import ExtractorPlugin, FileNameCollectorPlugin
from nbgrader.utils import parse_utc

from course_grading.course import GradingError

NO_MATCH = "the file name does not match --regexp"
LATE = "marked late by the LMS"
# The file names of each LMS's "download all submissions" zip, as --regexp expressions (--lms):
# the student is the LMS's own id, so that `course export --format` finds them in its roster.
# Canvas: "<lastfirst>_[late_]<user id>_<submission id>_<file name>" (its gradebook's "ID").
# Moodle: "<Full name>_<participant id>_assignsubmission_file_<file name>", or that as a
# folder with "Download submissions in folders" (its grading worksheet's "Participant <id>").
LMS_DOWNLOADS = {
    "canvas": r"(?:.*/)?(?P<name>[^/_]+)_(?:(?P<late>late|LATE)_)?(?P<student_id>\d+)_\d+_"
    r"(?P<file_id>[^/]+)$",
    "moodle": r"(?:.*/)?(?P<name>[^/]+?)_(?P<student_id>\d+)_assignsubmission_file_?/?"
    r"(?P<file_id>.+)$",
}


@dataclass
class Submission:
    """One input: a student's notebook (or the file they sent in its place)."""

    student_id: str
    path: Path
    origin: str  # the input file as the instructor knows it (relative to the input)
    timestamp: datetime | None = None
    notes: list[str] = field(default_factory=list)


def _parse_time(text: str) -> datetime | None:
    try:
        return parse_utc(text.strip())
    except (ValueError, OverflowError):
        return None


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).replace(tzinfo=None)


def _visible(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(part.startswith((".", "__MACOSX")) for part in parts)


def _student_folder(folder: Path, chapter: str, root: Path) -> Submission:
    """A student's folder (any depth, e.g. nbgrader's ``submitted/<student>/<chapter>/``)."""
    notebooks = sorted(
        path for path in folder.rglob("*.ipynb") if path.is_file() and _visible(path, root)
    )
    named = [path for path in notebooks if path.name == f"{chapter}.ipynb"]
    candidates = named or notebooks
    notes = []
    if not candidates:
        files = [path for path in folder.rglob("*") if path.is_file() and _visible(path, root)]
        chosen = files[0] if files else folder
        return Submission(folder.name, chosen, str(chosen.relative_to(root)), notes=notes)
    chosen = max(candidates, key=_modified)
    if len(candidates) > 1:
        notes.append(f"newest of {len(candidates)} notebooks in the folder")
    timestamp = None
    for parent in [chosen.parent, *chosen.parents]:
        if (parent / "timestamp.txt").is_file():
            timestamp = _parse_time((parent / "timestamp.txt").read_text())
            break
        if parent == folder:
            break
    return Submission(
        folder.name,
        chosen,
        str(chosen.relative_to(root)),
        timestamp=timestamp or _modified(chosen),
        notes=notes,
    )


def _from_regexp(paths: Iterable[Path], root: Path, regexp: str) -> list[Submission]:
    """Name students with nbgrader's ZipCollect `FileNameCollectorPlugin` and ``regexp``.

    A file the expression does not match is still a row, named by its file name, and says so.
    """
    collector = FileNameCollectorPlugin(named_regexp=regexp, valid_ext=[".ipynb"])
    found = []
    for path in paths:
        relative = str(path.relative_to(root))
        groups = collector.collect(relative) if path.suffix == ".ipynb" else None
        if groups:
            timestamp = _parse_time(groups["timestamp"]) if groups.get("timestamp") else None
            found.append(
                Submission(
                    groups["student_id"],
                    path,
                    relative,
                    timestamp=timestamp or _modified(path),
                    notes=[LATE] if groups.get("late") else [],
                )
            )
        else:
            found.append(
                Submission(path.stem, path, relative, timestamp=_modified(path), notes=[NO_MATCH])
            )
    return found


def _unzip(source: Path, workdir: Path) -> Path:
    """Unpack an LMS zip with nbgrader's ZipCollect `ExtractorPlugin`; the folder it made."""
    archives, root = workdir / "archives", workdir / "extracted"
    archives.mkdir(parents=True)
    root.mkdir(parents=True)
    shutil.copy(source, archives / source.name)
    ExtractorPlugin().extract(str(archives), str(root))
    return root


def _entries(root: Path) -> list[Path]:
    return sorted(path for path in root.iterdir() if _visible(path, root))


def newest_per_student(submissions: Iterable[Submission]) -> list[Submission]:
    """One submission per student, the newest, noting which file it superseded."""
    newest: dict[str, Submission] = {}
    for submission in sorted(submissions, key=lambda s: (s.timestamp or datetime.min, s.origin)):
        older = newest.get(submission.student_id)
        if older:
            submission.notes.append(f"resubmitted: {older.origin} superseded")
        newest[submission.student_id] = submission
    return sorted(newest.values(), key=lambda s: s.student_id)


def gather(
    source: str | os.PathLike, chapter: str, *, workdir: Path, regexp: str | None = None
) -> list[Submission]:
    """Every submission in ``source``, newest per student, each noting what it superseded.

    ``source`` is a folder of notebooks named by student (``alice.ipynb``), a folder per student
    (any layout inside, nbgrader's ``submitted/<student>/<chapter>/`` included), or an LMS zip
    download, which nbgrader's ZipCollect `ExtractorPlugin` unpacks into ``workdir``. ``regexp``
    (nbgrader's ``FileNameCollectorPlugin.named_regexp``, matched against each path relative to the
    input) names students from LMS file names such as ``alice_12345_67890_01_data.ipynb``; a file it
    does not match is named by its file name and its reason says so.
    """
    source = Path(source)
    if not source.exists():
        raise GradingError(f"no such submissions folder or zip file: {source}")
    if source.is_file():
        if source.suffix.lower() != ".zip":
            raise GradingError(f"{source} is neither a folder nor a .zip file")
        root = _unzip(source, workdir)
    else:
        root = source.resolve()
    entries = _entries(root)
    if source.is_file() and len(entries) == 1 and entries[0].is_dir():
        root = entries[0]  # the zip's own folder (ZipCollect's extractor makes one)
        entries = _entries(root)
        if len(entries) == 1 and entries[0].is_dir() and not regexp:
            root = entries[0]  # and a top folder inside the zip that holds the class
            entries = _entries(root)
    if regexp:
        files = [p for p in sorted(root.rglob("*")) if p.is_file() and _visible(p, root)]
        return newest_per_student(_from_regexp(files, root, regexp))
    submissions = []
    for entry in entries:
        if entry.is_dir():
            submissions.append(_student_folder(entry, chapter, root))
        else:
            submissions.append(
                Submission(entry.stem, entry, entry.name, timestamp=_modified(entry))
            )
    return newest_per_student(submissions)
