"""The preprocessors `course grade` adds to nbgrader's autograde, and where they go in its list."""

from __future__ import annotations

from nbgrader.converters.autograde import Autograde
from nbgrader.preprocessors import Execute, SaveAutoGrades

from course_grading.preprocessors.audit import AuditedExecute
from course_grading.preprocessors.safe_execute import SafeExecute
from course_grading.preprocessors.stderr_is_output import StderrIsOutput


def dotted(cls: type) -> str:
    """The import path of a class, as traitlets configuration names it."""
    return f"{cls.__module__}.{cls.__name__}"


def autograde_preprocessors(default: list | None = None) -> list[str]:
    """nbgrader's own ``Autograde.autograde_preprocessors`` with this package's two in it.

    `AuditedExecute` (`SafeExecute` with the runtime audit) takes the place of `Execute`;
    `StderrIsOutput` goes just before `SaveAutoGrades`, so scores see stderr as output.
    ``default`` is nbgrader's list (read from `Autograde` when not given).
    """
    if default is None:
        default = Autograde.class_traits()["autograde_preprocessors"].default()
    if Execute not in default or SaveAutoGrades not in default:
        raise RuntimeError(f"nbgrader's autograde preprocessors changed: {default}")
    names = []
    for preprocessor in default:
        if preprocessor is SaveAutoGrades:
            names.append(dotted(StderrIsOutput))
        names.append(dotted(AuditedExecute if preprocessor is Execute else preprocessor))
    return names


__all__ = ["AuditedExecute", "SafeExecute", "StderrIsOutput", "autograde_preprocessors", "dotted"]
