"""What runs in the grader process of one submission: nbgrader autograde, feedback, a summary.

This process is the only one that talks to the sandboxed kernel; it writes nothing outside its
temporary course.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps.nbgraderapp import NbGraderApp

from course_grading.checks import failing_cells
from course_grading.course import course_folder, gradebook_url
from course_grading.feedback import write_feedback
from course_grading.preprocessors.checked_execute import reports

SUMMARY = "summary.json"


def autograde_here(root: Path, chapter: str, student: str) -> dict:
    """Autograde the one submission of the temporary course ``root``; write feedback; summarise.

    The summary holds a ``failure`` (None when nbgrader did its work), the ``grades`` and
    ``comments`` of the gradebook, the failing ``cells`` and what the checker noticed (``checked``:
    `checked_execute.reports`).
    """
    os.chdir(root)
    os.environ.update(JUPYTER_PATH=str(root / "jupyter"), JUPYTER_RUNTIME_DIR=str(root / "runtime"))
    failure = None
    try:
        NbGraderApp.launch_instance(
            ["autograde", chapter, "--student", student, "--force", "--log-level=ERROR"]
        )
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            failure = f"nbgrader autograde exited with {exit_.code}"
    autograded = course_folder(root, "autograded", student, chapter) / f"{chapter}.ipynb"
    summary = {"failure": failure, "grades": {}, "comments": {}, "cells": {}, "checked": reports()}
    if not autograded.exists():
        summary["failure"] = failure or "nbgrader wrote no autograded notebook"
        return summary
    with Gradebook(gradebook_url(root)) as gradebook:
        notebook = gradebook.find_submission_notebook(chapter, chapter, student)
        summary["grades"] = {
            grade.name: {
                "auto_score": grade.auto_score,
                "needs_manual_grade": grade.needs_manual_grade,
            }
            for grade in notebook.grades
        }
        summary["comments"] = {comment.name: comment.auto_comment for comment in notebook.comments}
    summary["cells"] = failing_cells(nbformat.read(autograded, as_version=4))
    write_feedback(root, chapter, student, autograded)
    return summary


def autograde_process(root: str, chapter: str, student: str, environment: dict, log: str) -> None:
    """Body of the grader process of one submission: autograde, then write ``summary.json``.

    It leads its own process group, so a run past the wall-clock limit is killed with every
    process it started; its output goes to ``log``; its environment is the one given.
    """
    os.setsid()
    with open(log, "w") as stderr, open(os.devnull, "w") as stdout:
        os.dup2(stderr.fileno(), 2)
        os.dup2(stdout.fileno(), 1)
    os.environ.clear()
    os.environ.update(environment)
    warnings.filterwarnings("ignore", message=".*not in session.*")
    summary = autograde_here(Path(root), chapter, student)
    (Path(root) / SUMMARY).write_text(json.dumps(summary))
