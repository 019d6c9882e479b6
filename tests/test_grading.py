"""Grading self-test: the blank notebook scores 0, the solutions full marks, each known mistake
loses points on its own exercise while the exercises without a mistake in its submission keep
theirs, an exercise left blank costs its own points and no other, and each answer that differs
from the solution in form only (``EQUIVALENTS`` of tests/mistakes/<chapter>.py) gets full marks,
graded in place of the solution's answer in one of those submissions.

Every chapter's submissions are graded as one class by ``course grade --jobs 2``, as an instructor
grades them (in the sandbox, demonstrations skipped, the tests in the checker), once per
session (``graded_class`` in tests/conftest.py); the scores are read from the course gradebook and
every one of these submissions must be ``graded``. The mistakes are graded in packs
(`tests.submissions.mistake_packs`): the solution with at most one mistake per exercise.
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
from tests.submissions import (
    code_exercises,
    equivalent_hosts,
    equivalents_of,
    mistake_packs,
    mistakes_of,
    pack_of,
    right_exercises,
    without_student,
)

MISTAKE_CASES = [(chapter, name) for chapter in CHAPTER_IDS for name in mistakes_of(chapter)]
EQUIVALENT_CASES = [(chapter, name) for chapter in CHAPTER_IDS for name in equivalents_of(chapter)]
EXERCISE_CASES = [(chapter, name) for chapter in CHAPTER_IDS for name in code_exercises(chapter)]


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
    answers = set(code_exercises(chapter))
    covered = {cell for cell, _ in mistakes_of(chapter).values()}
    assert answers <= covered, f"exercises without a mistake in tests/mistakes: {answers - covered}"


@pytest.mark.unit
@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_each_mistake_is_in_one_pack_beside_no_other_of_its_exercise(chapter):
    packs = mistake_packs(chapter)
    assert sorted(name for pack in packs for name in pack) == sorted(mistakes_of(chapter))
    for pack in packs:
        exercises = [cell for cell, _ in pack.values()]
        assert len(set(exercises)) == len(exercises), pack.keys()
        if len(code_exercises(chapter)) > 1:
            assert set(code_exercises(chapter)) - set(exercises), f"{pack.keys()} leaves none right"


@pytest.mark.parametrize(("chapter", "mistake"), MISTAKE_CASES)
def test_mistake_loses_points_on_its_exercise_and_the_right_ones_keep_theirs(
    chapter, mistake, scores
):
    exercise = mistakes_of(chapter)[mistake][0]
    student, wrong = pack_of(chapter, mistake)
    got = scores[student]
    own = [cell for cell in autograded_cells(chapter) if exercise_of(cell.grade_id) == exercise]
    right = [cell for cell in autograded_cells(chapter) if exercise_of(cell.grade_id) not in wrong]
    hidden_points = sum(cell.points for cell in own if cell.hidden)
    assert (
        sum(got[cell.grade_id] for cell in own) <= sum(cell.points for cell in own) - hidden_points
    )
    assert {cell.grade_id: got[cell.grade_id] for cell in right} == {
        cell.grade_id: cell.points for cell in right
    }


@pytest.mark.parametrize(("chapter", "exercise"), EXERCISE_CASES)
def test_an_exercise_left_blank_costs_its_own_points_and_no_other(chapter, exercise, scores):
    got = scores[without_student(exercise)]
    expected = {
        cell.grade_id: 0 if exercise_of(cell.grade_id) == exercise else cell.points
        for cell in autograded_cells(chapter)
    }
    assert {grade_id: got[grade_id] for grade_id in expected} == expected


@pytest.mark.unit
@pytest.mark.parametrize(("chapter", "name"), EQUIVALENT_CASES)
def test_each_equivalent_answer_replaces_an_answer_of_the_solution(chapter, name):
    cell, source = equivalents_of(chapter)[name]
    solved = answers_of(read(solution_path(chapter)))
    assert cell in solved and source.strip() != solved[cell].strip()
    compile(source, f"tests/mistakes/{chapter}.py: EQUIVALENTS[{name!r}]", "exec")


@pytest.mark.unit
@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_each_equivalent_answer_is_graded_where_its_exercise_is_answered_right(chapter):
    hosts = equivalent_hosts(chapter)
    assert sorted(hosts) == sorted(equivalents_of(chapter))
    right = right_exercises(chapter)
    for student in set(hosts.values()):
        exercises = [equivalents_of(chapter)[name][0] for name in hosts if hosts[name] == student]
        assert len(set(exercises)) == len(exercises), f"{student}: two answers to one exercise"
        if student in right:
            assert set(exercises) <= right[student], f"{student} does not answer them right"


@pytest.mark.parametrize(("chapter", "name"), EQUIVALENT_CASES)
def test_an_equivalent_answer_gets_full_marks(chapter, name, scores):
    exercise = equivalents_of(chapter)[name][0]
    got = scores[equivalent_hosts(chapter)[name]]
    own = [cell for cell in autograded_cells(chapter) if exercise_of(cell.grade_id) == exercise]
    assert own, f"no autograded test cell of {exercise}"
    assert {cell.grade_id: got[cell.grade_id] for cell in own} == {
        cell.grade_id: cell.points for cell in own
    }
