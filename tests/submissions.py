"""The submissions each chapter's class is graded with (tests/conftest.py, `graded_class`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import nbformat

from tests import attacks
from tests.notebooks import ROOT, answers_of, read, solution_path, submission


def mistakes_of(chapter: str) -> dict[str, tuple[str, str]]:
    """The chapter's typical wrong answers: ``{name: (answer grade id, source)}``."""
    if not (ROOT / "tests" / "mistakes" / f"{chapter}.py").is_file():
        raise FileNotFoundError(
            f"solutions/{chapter} has no tests/mistakes/{chapter}.py: add the chapter's typical "
            "wrong answers there (CONTRIBUTING.md, 'Tests that discriminate')"
        )
    return importlib.import_module(f"tests.mistakes.{chapter}").MISTAKES


def honest(chapter: str) -> dict[str, nbformat.NotebookNode]:
    """The blank notebook, the solution and one submission per known mistake, by student id."""
    solved = answers_of(read(solution_path(chapter)))
    unknown = {cell for cell, _ in mistakes_of(chapter).values()} - set(solved)
    assert not unknown, f"tests/mistakes/{chapter}.py names unknown answer cells {unknown}"
    students = {"blank": submission(chapter, {}), "solution": submission(chapter, solved)}
    for name, (cell, source) in mistakes_of(chapter).items():
        students[f"mistake-{name}"] = submission(chapter, {**solved, cell: source})
    return students


# Other submissions graded in the same run as a chapter's honest ones, by chapter.
EXTRA: dict[str, Callable[[], dict[str, nbformat.NotebookNode]]] = {
    attacks.CHAPTER: attacks.attack_submissions,
}
