"""Grades back into an LMS: nbgrader `ExportPlugin`s that write the CSV each LMS reads.

Introduced in the instructors' guide, "Grades back into the LMS": ``course export --format
canvas|moodle|gradescope`` runs them on the course gradebook, as ``nbgrader export
--exporter=course_grading.lms.CanvasExport`` does. Scores come from the gradebook (manual grades
included), statuses and files from ``grades.csv``; the students are the LMS ids ``course grade
--lms`` took from the download (`inputs.LMS_DOWNLOADS`, `submission_metadata`); a roster (the
LMS's own export) gives the columns its import needs. `common` holds what they share; `canvas`,
`moodle` and `gradescope` say which file each writes and where its shape comes from.
"""

from __future__ import annotations

from traitlets import TraitError, Unicode

from course_grading.course import GradingError
from course_grading.lms.canvas import CANVAS_IDENTITY, POINTS_POSSIBLE, CanvasExport
from course_grading.lms.common import LmsExport
from course_grading.lms.gradescope import GRADESCOPE_COLUMNS, GradescopeExport
from course_grading.lms.moodle import MOODLE_COLUMNS, MoodleExport

__all__ = [
    "CANVAS_IDENTITY",
    "GRADESCOPE_COLUMNS",
    "MOODLE_COLUMNS",
    "POINTS_POSSIBLE",
    "CanvasExport",
    "GradescopeExport",
    "MoodleExport",
]

EXPORTERS = {"canvas": CanvasExport, "moodle": MoodleExport, "gradescope": GradescopeExport}


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
