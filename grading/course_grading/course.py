"""The course directory: finding it, its chapters, the tools of this environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nbgrader.coursedir import CourseDirectory


class GradingError(Exception):
    """Bad input to a ``course`` command (a missing folder, an unknown chapter): said plainly."""


def find_course(root: str | os.PathLike | None = None) -> Path:
    """The course directory: ``root`` (default: the working folder), with nbgrader_config.py."""
    course = Path(root or ".").resolve()
    if not (course / "nbgrader_config.py").is_file():
        raise GradingError(
            f"{course} has no nbgrader_config.py: run `course` in the course directory "
            "or pass --course DIR"
        )
    return course


def chapter_ids(course: Path) -> list[str]:
    """The chapters of the course: folders ``solutions/<id>/`` holding ``<id>.ipynb``."""
    return sorted(
        path.name
        for path in (course / "solutions").glob("*")
        if (path / f"{path.name}.ipynb").is_file()
    )


def check_chapter(course: Path, chapter: str) -> None:
    """Raise `GradingError` naming the existing chapters when ``chapter`` is not one of them."""
    known = chapter_ids(course)
    if chapter not in known:
        raise GradingError(
            f"unknown chapter {chapter!r}; the chapters are: {', '.join(known) or '(none)'}"
        )


def release_path(course: Path, chapter: str) -> Path:
    """The student notebook of ``chapter`` as released in ``chapters/``."""
    return course / "chapters" / chapter / f"{chapter}.ipynb"


def course_folder(root: Path, step: str, student: str = "", chapter: str = "") -> Path:
    """nbgrader's folder of ``step`` (``submitted``, ``autograded``, ``feedback``, ...) for one
    student's chapter in the course ``root``, as `CourseDirectory.format_path` lays it out."""
    layout = CourseDirectory(root=str(root))
    return Path(layout.format_path(getattr(layout, f"{step}_directory"), student, chapter))


def gradebook_url(root: Path) -> str:
    """The database URL of the gradebook of the course ``root``: `CourseDirectory.db_url`."""
    return CourseDirectory(root=str(root)).db_url


def tool(name: str) -> str:
    """The path of an executable of this Python environment (nbgrader, alembic, ...)."""
    return str(Path(sys.executable).parent / name)


THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)
