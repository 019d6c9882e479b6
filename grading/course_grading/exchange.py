"""The other ``course`` commands, each one nbgrader command: release, collect, feedback, export."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nbgrader.api import Gradebook

from course_grading.course import check_chapter, course_folder, gradebook_url
from course_grading.lms import exporter
from course_grading.processes import run_nbgrader


def release(course: Path, chapters: Sequence[str], exchange: str | None = None) -> list[str]:
    """Regenerate the student notebooks in chapters/; with an exchange, release them there too."""
    for chapter in chapters:
        check_chapter(course, chapter)
    for chapter in chapters:
        run_nbgrader(course, "generate_assignment", chapter, "--force")
        if exchange:
            run_nbgrader(
                course, "release_assignment", chapter, "--force", f"--Exchange.root={exchange}"
            )
    return list(chapters)


def collect(course: Path, chapter: str, exchange: str) -> Path:
    """Collect the exchange's submissions of ``chapter`` into ``submitted/`` (nbgrader collect)."""
    check_chapter(course, chapter)
    run_nbgrader(course, "collect", chapter, "--update", f"--Exchange.root={exchange}")
    return course_folder(course, "submitted")


def release_feedback(course: Path, chapter: str, exchange: str) -> None:
    """Put the feedback pages of ``chapter`` in the exchange (nbgrader release_feedback)."""
    check_chapter(course, chapter)
    run_nbgrader(course, "release_feedback", chapter, f"--Exchange.root={exchange}")


def export(course: Path, to: str | None = None) -> Path:
    """Export the gradebook with nbgrader's own exporter (one row per student and chapter)."""
    target = Path(to).resolve() if to else course / "gradebook.csv"
    run_nbgrader(course, "export", f"--to={target}")
    return target


def export_to_lms(
    course: Path, lms: str, chapters: Sequence[str] = (), to: str | None = None, **options
) -> tuple[list[str], list[str]]:
    """Write the CSV that ``lms`` imports (`lms.EXPORTERS`); the files written and the warnings.

    ``options`` are the exporter's settings by name (``roster``, ``points``, ``missing_zero``,
    ``column``); one that is None is not given.
    """
    for chapter in chapters:
        check_chapter(course, chapter)
    plugin = exporter(lms, **options)
    plugin.to = str(Path(to).resolve() if to else course / f"{lms}.csv")
    plugin.assignment = list(chapters)
    plugin.grades = str(course / "grades.csv")
    if plugin.roster:
        plugin.roster = str(Path(plugin.roster).resolve())
    with Gradebook(gradebook_url(course)) as gradebook:
        plugin.export(gradebook)
    return list(plugin.written), list(plugin.warnings)
