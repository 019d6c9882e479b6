"""Submissions that reach for what runs or judges the tests, graded once in the sandbox.

The chapter-02 class of the grading self-test (the solution, the blank notebook, every typical
mistake of ``tests/mistakes``, in packs; one ``course grade`` run, tests/conftest.py) also holds one
submission per mechanism of issue 14 (an IPython input or AST
transformer, a custom exception handler, an event callback, a replaced ``showtraceback``,
``sys.settrace``, ``sys.setprofile``, replaced comparison functions of ``numpy.testing``,
``numpy``, ``math``, ``unittest`` and ``builtins``, an object equal to anything, transformers
that blank or forge the grader's own audit cells, a transformer hidden behind ``exec``), most on
blank answers, one on correct answers. Each attack is ``suspicious``, flagged, and scores no
more than its honest score; the honest submissions keep their exact statuses and scores.
"""

from __future__ import annotations

import pytest

from tests.attacks import ATTACKS, CELLS, CHAPTER, FULL
from tests.notebooks import exercise_of, read
from tests.submissions import mistake_packs, pack_student
from tests.test_course_grade import (  # noqa: F401 (sandbox_required: the fixture needs_sandbox uses)
    needs_sandbox,
    sandbox_required,
)


@pytest.fixture(scope="module")
def attacked(graded_class):
    """The chapter-02 class, attacks included, graded once for the session (tests/conftest.py)."""
    graded = graded_class(CHAPTER)
    return {**graded, "attacks": graded["extra"]}


def points(exercise: str) -> float:
    return sum(cell.points for cell in CELLS if exercise_of(cell.grade_id) == exercise)


@needs_sandbox
def test_honest_submissions_keep_their_status_and_score(attacked):
    grades, cells = attacked["grades"], attacked["cells"]
    for student in attacked["honest"]:
        assert (grades[student]["status"], grades[student]["reason"]) == ("graded", ""), student
        assert attacked["flagged"][student] is False, student
    assert float(grades["solution"]["score"]) == FULL
    assert float(grades["blank"]["score"]) == 0
    for index, pack in enumerate(mistake_packs(CHAPTER)):
        scores = cells[pack_student(index)]
        wrong = {answer for answer, _ in pack.values()}
        assert all(
            scores[c.grade_id] == c.points for c in CELLS if exercise_of(c.grade_id) not in wrong
        ), pack.keys()
        for answer in wrong:
            own = [c.grade_id for c in CELLS if exercise_of(c.grade_id) == answer]
            assert sum(scores[grade_id] for grade_id in own) < points(answer), pack.keys()


@needs_sandbox
@pytest.mark.parametrize("student", [*ATTACKS, "correct-with-a-hook"])
def test_each_attack_is_suspicious_flagged_and_gains_nothing(attacked, student):
    row = attacked["grades"][student]
    honest = FULL if student == "correct-with-a-hook" else 0.0
    assert row["status"] == "suspicious", row["reason"]
    assert float(row["score"]) <= honest, row["reason"]
    assert attacked["flagged"][student] is True
    assert sum(s or 0 for s in attacked["cells"][student].values()) == float(row["score"])
    assert f"{student} ({row['file']}): suspicious: " in attacked["result"].stdout


@needs_sandbox
def test_the_reasons_name_what_was_found_and_what_it_cost(attacked):
    reasons = {student: row["reason"] for student, row in attacked["grades"].items()}
    hooked = reasons["correct-with-a-hook"]
    assert float(attacked["grades"]["correct-with-a-hook"]["score"]) == FULL
    assert "events.register" in hooked and "(neutralised: the tests ran with the kernel" in hooked
    assert "counted as failed" not in hooked
    silenced = reasons["input-transformer"]
    assert "ex02_softmax line" in silenced and "input_transformers_post" in silenced
    assert "audit: before ex02_softmax_tests: " not in silenced, "explained by the screen"
    assert "the audit did not answer" in reasons["blanks-the-grader-cells"]
    assert "(wrong signature)" in reasons["forges-the-audit"]
    hidden = reasons["transformer-behind-exec"]
    assert "dynamic-code" in hidden and "audit: before ex02_softmax_tests: ipython:" in hidden
    assert "test cells from ex02_softmax_tests on counted as failed" in hidden


@needs_sandbox
def test_no_audit_cell_shows_in_the_autograded_notebook_or_the_feedback(attacked):
    course = attacked["course"]
    for student in ("solution", "input-transformer"):
        folder = course / "autograded" / student / CHAPTER
        notebook = read(folder / f"{CHAPTER}.ipynb")
        assert len(notebook.cells) == len(attacked["honest"]["solution"].cells)
        counts = [cell.execution_count for cell in notebook.cells if cell.cell_type == "code"]
        assert [c for c in counts if c] == list(range(1, 1 + len([c for c in counts if c])))
        text = (folder / f"{CHAPTER}.ipynb").read_text()
        page = (course / "feedback" / student / CHAPTER / f"{CHAPTER}.html").read_text()
        for trace in ("COURSE-AUDIT", "_course_audit"):
            assert trace not in text and trace not in page, (student, trace)
