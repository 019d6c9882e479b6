"""Helpers the grader's unit tests share: tiny notebooks with nbgrader metadata, grades.csv rows,
a course's configuration and a kernel script's bwrap options.

Not a test module: the tests of `course_grading`'s modules (tests/test_grading_*.py) import it.
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path

import nbformat
from nbformat import v4
from traitlets.config import Config

from course_grading import sandbox

# --------------------------------------------------------------------------------------------
# Tiny notebooks with nbgrader metadata


def answer(grade_id: str, source: str = "x = 1") -> nbformat.NotebookNode:
    cell = v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False}
    cell.metadata["nbgrader"]["solution"] = True
    return cell


def graded_test(grade_id: str, source: str = "assert x == 1", points: int = 2):
    cell = v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": grade_id,
        "locked": True,
        "points": points,
        "solution": False,
    }
    return cell


def setup(grade_id: str = "setup", source: str = "import numpy as np"):
    cell = v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": False,
        "grade_id": grade_id,
        "locked": True,
        "solution": False,
    }
    return cell


def release(prefix: str = "ex01") -> nbformat.NotebookNode:
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# A chapter"),
            setup(),
            answer(f"{prefix}_answer"),
            graded_test(f"{prefix}_answer_tests"),
        ]
    )


def write(notebook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def error(ename: str, evalue: str = "") -> nbformat.NotebookNode:
    return v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: hidden"])


# --------------------------------------------------------------------------------------------
# grades.csv, the course's configuration, a kernel script's bwrap options


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def config_of(**grade) -> Config:
    config = Config()
    config.CourseDirectory.course_id = "digits"
    for name, value in grade.items():
        setattr(config.CourseGrade, name, value)
    return config


ARITY = {
    "--tmpfs": 1,
    "--ro-bind": 2,
    "--bind": 2,
    "--symlink": 2,
    "--dev": 1,
    "--proc": 1,
    "--setenv": 2,
    "--clearenv": 0,
    "--perms": 1,
    "--dir": 1,
    "--chdir": 1,
    "--size": 1,
    "--remount-ro": 1,
    "--cap-drop": 1,
    # the kept environment, the folders above the working folder, the working folder in a
    # tmpfs, the files nbgrader put there (no notebook), bound read-only: built by the script
    "$@": 0,
    **{flag: 0 for flag in sandbox.ISOLATION},
}


def bwrap_options(script: str) -> tuple[list[tuple[str, ...]], list[str]]:
    """The bwrap options of a kernel script, each with its arguments, and the command it runs."""
    words = shlex.split(script.splitlines()[-1])
    assert words[:2] == ["exec", "/usr/bin/bwrap"]
    separator = words.index("--")
    options, index = [], 2
    while index < separator:
        flag = words[index]
        assert flag in ARITY, f"an option nobody reviewed: {flag}"
        options.append(tuple(words[index : index + 1 + ARITY[flag]]))
        index += 1 + ARITY[flag]
    return options, words[separator + 1 :]
