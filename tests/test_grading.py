"""Grading self-test: the blank notebook scores 0, the solutions full marks, and each known
mistake loses points on its own exercise and keeps every other exercise's points.

Every chapter's submissions are graded as one class by ``course grade --jobs 2``, as an instructor
grades them (in the sandbox, demonstrations skipped, answer cells screened); the scores are read
from the course gradebook and every submission must be ``graded``.
"""

from __future__ import annotations

import importlib

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.notebooks import (
    CHAPTER_IDS,
    ROOT,
    answers_of,
    exercise_of,
    grade_cells,
    read,
    solution_path,
    submission,
)
from tests.test_course_grade import make_course, read_grades, run_course, write_submission


def mistakes_of(chapter: str) -> dict[str, tuple[str, str]]:
    if not (ROOT / "tests" / "mistakes" / f"{chapter}.py").is_file():
        raise FileNotFoundError(
            f"solutions/{chapter} has no tests/mistakes/{chapter}.py: add the chapter's typical "
            "wrong answers there (CONTRIBUTING.md, 'Tests that discriminate')"
        )
    return importlib.import_module(f"tests.mistakes.{chapter}").MISTAKES


MISTAKE_CASES = [(chapter, name) for chapter in CHAPTER_IDS for name in mistakes_of(chapter)]


def submissions(chapter: str) -> dict[str, nbformat.NotebookNode]:
    solved = answers_of(read(solution_path(chapter)))
    unknown = {cell for cell, _ in mistakes_of(chapter).values()} - set(solved)
    assert not unknown, f"tests/mistakes/{chapter}.py names unknown answer cells {unknown}"
    students = {"blank": submission(chapter, {}), "solution": submission(chapter, solved)}
    for name, (cell, source) in mistakes_of(chapter).items():
        students[f"mistake-{name}"] = submission(chapter, {**solved, cell: source})
    return students


def grade_chapter(chapter: str, folder) -> dict[str, dict[str, float]]:
    """Grade every submission of ``chapter`` with ``course grade --jobs 2``; each student's
    score per grade cell. A submission that is not ``graded`` fails the self-test."""
    course = make_course(folder / "course")
    inbox = folder / "inbox"
    inbox.mkdir()
    students = submissions(chapter)
    for student, notebook in students.items():
        write_submission(inbox, student, notebook)
    run_course("grade", chapter, inbox, "--jobs", 2, cwd=course)
    statuses = {
        s: (row["status"], row["reason"]) for s, row in read_grades(course / "grades.csv").items()
    }
    assert statuses == {s: ("graded", "") for s in students}, statuses
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            student: {
                grade.name: grade.score
                for grade in gradebook.find_submission_notebook(chapter, chapter, student).grades
            }
            for student in students
        }


@pytest.fixture(scope="session")
def scores(request, tmp_path_factory) -> dict[str, dict[str, dict[str, float]]]:
    """Grade, one chapter after another, the chapters the selected tests ask scores of
    (``-k 03_mlp``); each chapter is one class graded two submissions at a time."""
    wanted = {
        item.callspec.params["chapter"]
        for item in request.session.items
        if "scores" in getattr(item, "fixturenames", ())
        and "chapter" in getattr(getattr(item, "callspec", None), "params", {})
    }
    return {
        chapter: grade_chapter(chapter, tmp_path_factory.mktemp(chapter))
        for chapter in sorted(wanted)
    }


def autograded_cells(chapter: str):
    return [cell for cell in grade_cells(read(solution_path(chapter))) if cell.kind == "code"]


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_blank_notebook_scores_zero(chapter, scores):
    blank = scores[chapter]["blank"]
    assert {cell.grade_id: blank[cell.grade_id] for cell in autograded_cells(chapter)} == {
        cell.grade_id: 0 for cell in autograded_cells(chapter)
    }


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_solution_scores_full_marks(chapter, scores):
    solution = scores[chapter]["solution"]
    assert {cell.grade_id: solution[cell.grade_id] for cell in autograded_cells(chapter)} == {
        cell.grade_id: cell.points for cell in autograded_cells(chapter)
    }


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_every_exercise_has_a_known_mistake(chapter):
    answers = set(answers_of(read(solution_path(chapter)))) - {
        cell.grade_id for cell in grade_cells(read(solution_path(chapter)))
    }
    covered = {cell for cell, _ in mistakes_of(chapter).values()}
    assert answers <= covered, f"exercises without a mistake in tests/mistakes: {answers - covered}"


@pytest.mark.parametrize(("chapter", "mistake"), MISTAKE_CASES)
def test_mistake_loses_points_on_its_exercise_only(chapter, mistake, scores):
    exercise = mistakes_of(chapter)[mistake][0]
    got = scores[chapter][f"mistake-{mistake}"]
    own = [cell for cell in autograded_cells(chapter) if exercise_of(cell.grade_id) == exercise]
    others = [cell for cell in autograded_cells(chapter) if exercise_of(cell.grade_id) != exercise]
    hidden_points = sum(cell.points for cell in own if cell.hidden)
    assert (
        sum(got[cell.grade_id] for cell in own) <= sum(cell.points for cell in own) - hidden_points
    )
    assert {cell.grade_id: got[cell.grade_id] for cell in others} == {
        cell.grade_id: cell.points for cell in others
    }
