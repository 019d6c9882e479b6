"""Each chapter's class, graded once per test session as an instructor grades it.

`graded_class(chapter)` grades, with one ``course grade --jobs 2`` run in the sandbox, the blank
notebook, the solution, every known mistake of ``tests/mistakes/<chapter>.py`` and the chapter's
other submissions of `tests.submissions.EXTRA` (the attacks on chapter 02), and returns what the
run produced. The grading self-test (test_grading.py) and the attack tests (test_attacks.py) read
the same run, so no submission is graded twice.

`make test` runs these tests in two pytest-xdist workers (``--dist loadgroup``): the tests of one
graded class share a worker (so each class is graded once), and every other module keeps its
tests in one worker (so its module-scoped batch is graded once), or one worker per value of the
parameter its ``WORKER_PER`` names.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tests import submissions
from tests.book_support import headless_chromium
from tests.course_support import (
    make_course,
    read_grades,
    require_sandbox,
    run_course,
    small_tiny_class,
    write_submission,
)
from tests.notebooks import TINY


def grade_class(chapter: str, folder: Path) -> dict:
    """Grade ``chapter``'s class in a fresh course under ``folder``; what the run produced."""
    course = make_course(folder / "course")
    inbox = folder / "inbox"
    inbox.mkdir()
    honest = submissions.honest(chapter)
    extra = submissions.EXTRA.get(chapter, dict)()
    for student, notebook in {**honest, **extra}.items():
        write_submission(inbox, student, notebook)
    result = run_course("grade", chapter, inbox, "--jobs", 2, cwd=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebooks = {
            submitted.student.id: submitted.notebooks[0]
            for submitted in gradebook.find_assignment(chapter).submissions
        }
        flagged = {student: notebook.flagged for student, notebook in notebooks.items()}
        cells = {
            student: {grade.name: grade.score for grade in notebook.grades}
            for student, notebook in notebooks.items()
        }
    return {
        "course": course,
        "honest": honest,
        "extra": extra,
        "result": result,
        "grades": read_grades(course / "grades.csv"),
        "flagged": flagged,
        "cells": cells,
    }


@pytest.fixture(scope="session")
def small_class(tmp_path_factory):
    """The submissions of `small_tiny_class` in ``inbox``, graded by one ``course grade --jobs 2``
    in a course of their own, ``single``: what the shard and Slurm tests' merges must give
    (test_course_grade.py and test_slurm.py, both in the tiny chapter's worker)."""
    folder = tmp_path_factory.mktemp("small-class")
    inbox = folder / "inbox"
    inbox.mkdir()
    small_tiny_class(inbox)
    single = make_course(folder / "single", tiny=True)
    started = time.perf_counter()
    run_course("grade", TINY, inbox, "--jobs", 2, cwd=single)
    return {"inbox": inbox, "single": single, "seconds": time.perf_counter() - started}


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the book tests (test_book.py, test_accessibility.py)."""
    with headless_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def sandbox_available():
    """What `tests.course_support.needs_sandbox` asks for: a skip where bubblewrap cannot start,
    a failure where CI requires it (session-scoped: set up before any module's batch is graded).
    """
    require_sandbox()


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """``graded_class(chapter)``: the chapter's class, graded on first use (`grade_class`)."""
    graded: dict[str, dict] = {}

    def get(chapter: str) -> dict:
        if chapter not in graded:
            graded[chapter] = grade_class(chapter, tmp_path_factory.mktemp(chapter))
        return graded[chapter]

    return get


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups into the test ids
def pytest_collection_modifyitems(items):
    """Put each test in the xdist group of its graded class, else of its module."""
    for item in items:
        params = item.callspec.params if hasattr(item, "callspec") else {}
        chapter = params.get("chapter") or getattr(item.module, "CHAPTER", None)
        if "graded_class" in item.fixturenames or hasattr(item.module, "SHARES_A_WORKER_WITH"):
            group = f"class-{getattr(item.module, 'SHARES_A_WORKER_WITH', None) or chapter}"
        elif (parameter := getattr(item.module, "WORKER_PER", None)) in params:
            group = f"{item.module.__name__}-{params[parameter]}"
        else:
            group = item.module.__name__
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: unknown when xdist is off
def pytest_xdist_node_collection_finished(node, ids):
    """Stop when pytest-xdist's loadgroup does not group: every worker would grade every class."""
    if node.config.getoption("dist") == "loadgroup" and not all("@" in id_ for id_ in ids):
        pytest.exit(
            "pytest-xdist's --dist loadgroup does not group with this pytest "
            "(pytest-dev/pytest-xdist#1386): install the pytest that pyproject.toml asks for",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
