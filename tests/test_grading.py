"""Grading self-test: the blank notebook scores 0, the solutions full marks, and each known
mistake loses points on its own exercise and keeps every other exercise's points.

Every chapter's submissions are graded as one class by ``course grade --jobs 2``, as an instructor
grades them (in the sandbox, demonstrations skipped, answer cells screened and audited), once per
session (``graded_class`` in tests/conftest.py); the scores are read from the course gradebook and
every one of these submissions must be ``graded``.
"""

from __future__ import annotations

import pytest

from tests.notebooks import (
    CHAPTER_IDS,
    answers_of,
    exercise_of,
    grade_cells,
    read,
    solution_path,
)
from tests.submissions import mistakes_of

MISTAKE_CASES = [(chapter, name) for chapter in CHAPTER_IDS for name in mistakes_of(chapter)]


@pytest.fixture
def scores(graded_class, chapter) -> dict[str, dict[str, float]]:
    """Each honest student's score per grade cell; every honest submission must be graded."""
    graded = graded_class(chapter)
    statuses = {
        s: (graded["grades"][s]["status"], graded["grades"][s]["reason"]) for s in graded["honest"]
    }
    assert statuses == {s: ("graded", "") for s in graded["honest"]}, statuses
    return {student: graded["cells"][student] for student in graded["honest"]}


def autograded_cells(chapter: str):
    return [cell for cell in grade_cells(read(solution_path(chapter))) if cell.kind == "code"]


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_blank_notebook_scores_zero(chapter, scores):
    blank = scores["blank"]
    assert {cell.grade_id: blank[cell.grade_id] for cell in autograded_cells(chapter)} == {
        cell.grade_id: 0 for cell in autograded_cells(chapter)
    }


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_solution_scores_full_marks(chapter, scores):
    solution = scores["solution"]
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
    got = scores[f"mistake-{mistake}"]
    own = [cell for cell in autograded_cells(chapter) if exercise_of(cell.grade_id) == exercise]
    others = [cell for cell in autograded_cells(chapter) if exercise_of(cell.grade_id) != exercise]
    hidden_points = sum(cell.points for cell in own if cell.hidden)
    assert (
        sum(got[cell.grade_id] for cell in own) <= sum(cell.points for cell in own) - hidden_points
    )
    assert {cell.grade_id: got[cell.grade_id] for cell in others} == {
        cell.grade_id: cell.points for cell in others
    }
