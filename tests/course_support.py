"""Helpers the tests that run `course grade` share: a course to grade in, the ``course`` command,
submissions written to an inbox, grades.csv, the gradebook and the course's files read back, the
process table, and the sandbox.

Not a test module: tests/conftest.py, test_course_grade.py, test_resources.py, test_attacks.py and
test_slurm.py import it. Importing it runs nothing: bubblewrap is probed once per process, when a
test marked `needs_sandbox` first runs (the fixture ``sandbox_available`` of tests/conftest.py).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course_grading import processes, sandbox
from tests.notebooks import ROOT, TINY, answers_of, read, solution_path, student_path, submission

COURSE_BIN = Path(sys.executable).parent / "course"
WRONG_ONE_HOT = "def one_hot(labels, num_classes=10):\n    return np.zeros((len(labels), 1))\n"
SECRET = ("DIGITS_GRADER_SECRET", "s3cr3t-of-the-grader")  # in every run's environment
# CI sets COURSE_REQUIRE_SANDBOX=1 (.ci/run): there a sandbox that cannot start fails these tests.
REQUIRE_SANDBOX = os.environ.get("COURSE_REQUIRE_SANDBOX") == "1"

# A test that grades in the sandbox: skipped where there is none, failed where CI requires one.
needs_sandbox = pytest.mark.usefixtures("sandbox_available")


@functools.cache
def probed_sandbox() -> tuple[bool, str]:
    """`sandbox.probe_sandbox()`, run once per process, when first asked."""
    return sandbox.probe_sandbox()


def require_sandbox() -> None:
    """Skip the calling test where bubblewrap cannot start, or fail it where CI requires it."""
    usable, detail = probed_sandbox()
    if usable:
        return
    if REQUIRE_SANDBOX:
        pytest.fail(f"COURSE_REQUIRE_SANDBOX=1 but there is no sandbox here: {detail}")
    pytest.skip(f"no sandbox here: {detail}")


def run_course(
    *arguments, cwd: Path, check: bool = True, path: str | None = None
) -> subprocess.CompletedProcess:
    environment = processes.tool_environment(**dict([SECRET]))
    if path:
        environment["PATH"] = f"{path}{os.pathsep}{environment['PATH']}"
    result = subprocess.run(
        [COURSE_BIN, *map(str, arguments)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def make_course(folder: Path, *, tiny: bool = False) -> Path:
    """A copy of the course in ``folder``; with ``tiny``, the chapter `tests.notebooks.TINY` too."""
    shutil.copytree(ROOT / "solutions", folder / "solutions")
    shutil.copytree(ROOT / "chapters", folder / "chapters")
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    if tiny:
        shutil.copytree(solution_path(TINY).parent, folder / "solutions" / TINY)
        shutil.copytree(student_path(TINY).parent, folder / "chapters" / TINY)
    return folder


def write_submission(folder: Path, student: str, notebook) -> Path:
    path = folder / f"{student}.ipynb"
    if isinstance(notebook, str):
        path.write_text(notebook)
    else:
        nbformat.write(notebook, path)
    return path


def read_grades(path: Path) -> dict[str, dict]:
    with path.open(newline="") as file:
        return {row["student_id"]: row for row in csv.DictReader(file)}


def running_commands() -> list[list[str]]:
    commands = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            commands.append(cmdline.read_bytes().decode(errors="replace").split("\0"))
        except OSError:  # the process ended while we looked
            pass
    return commands


def tree_digest(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file below ``folder`` (but those under its entries ``skip``) and its SHA-256."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] not in skip
    }


def gradebook_scores(course: Path, chapter: str) -> dict[str, dict[str, float]]:
    """Each student's score per graded cell of ``chapter`` in the course gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            submitted.student.id: {
                grade.name: grade.score for grade in submitted.notebooks[0].grades
            }
            for submitted in gradebook.find_assignment(chapter).submissions
        }


def course_files(course: Path) -> list[str]:
    """The files nbgrader's tools read in the course: submitted, autograded and feedback."""
    kinds = ("submitted", "autograded", "feedback")
    return sorted(str(p.relative_to(course)) for kind in kinds for p in (course / kind).rglob("*"))


def small_tiny_class(inbox: Path) -> None:
    """Write four submissions of the tiny chapter to ``inbox``: a solution, a blank, a wrong
    answer and a corrupt file (what the shard and Slurm tests split and merge)."""
    solved = answers_of(read(solution_path(TINY)))
    students = {
        "solution": submission(TINY, solved),
        "blank": submission(TINY, {}),
        "wrong": submission(TINY, {**solved, "ex00_one_hot": WRONG_ONE_HOT}),
        "corrupt": '{"cells": [',
    }
    for student, notebook in students.items():
        write_submission(inbox, student, notebook)
