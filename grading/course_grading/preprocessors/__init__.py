"""The preprocessors `course grade` puts into nbgrader's autograde, and where they go."""

from __future__ import annotations

from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader.converters.autograde import Autograde
from nbgrader.preprocessors import Execute, SaveAutoGrades

from course_grading.preprocessors.checked_execute import CheckedExecute
from course_grading.preprocessors.safe_execute import SafeExecute


def dotted(cls: type) -> str:
    """The import path of a class, as traitlets configuration names it."""
    return f"{cls.__module__}.{cls.__name__}"


def autograde_preprocessors(default: list | None = None) -> list[str]:
    """nbgrader's own ``Autograde.autograde_preprocessors`` with this package's in it.

    `CheckedExecute` takes the place of `Execute` (it also shows stderr as ordinary output in
    test cells, which nbgrader would fail), and nbconvert's `SanitizeHTML` follows it, so that no
    output reaches the autograded notebook, formgrader or feedback as active HTML. ``default`` is
    nbgrader's list (read from `Autograde` when not given).
    """
    if default is None:
        default = Autograde.class_traits()["autograde_preprocessors"].default()
    if Execute not in default or SaveAutoGrades not in default:  # what scores the cells
        raise RuntimeError(f"nbgrader's autograde preprocessors changed: {default}")
    names = []
    for preprocessor in default:
        if preprocessor is Execute:
            names += [dotted(CheckedExecute), dotted(SanitizeHTML)]
        else:
            names.append(dotted(preprocessor))
    return names


__all__ = ["CheckedExecute", "SafeExecute", "autograde_preprocessors", "dotted"]
