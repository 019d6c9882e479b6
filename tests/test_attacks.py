"""Submissions that reach for what runs or judges the tests, graded once in the sandbox.

One module-scoped batch of chapter 02: the solution, the blank notebook, every typical mistake
of ``tests/mistakes``, and one submission per mechanism of issue 14 (an IPython input or AST
transformer, a custom exception handler, an event callback, a replaced ``showtraceback``,
``sys.settrace``, ``sys.setprofile``, replaced comparison functions of ``numpy.testing``,
``numpy``, ``math``, ``unittest`` and ``builtins``, an object equal to anything, transformers
that blank or forge the grader's own audit cells, a transformer hidden behind ``exec``), most on
blank answers, one on correct answers. Each attack is ``suspicious``, flagged, and scores no
more than its honest score; the honest submissions keep their exact statuses and scores.
"""

from __future__ import annotations

import importlib

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.notebooks import (
    answers_of,
    exercise_of,
    grade_cells,
    read,
    solution_path,
    student_path,
    submission,
)
from tests.test_course_grade import (  # noqa: F401 (sandbox_required: the fixture needs_sandbox uses)
    make_course,
    needs_sandbox,
    read_grades,
    run_course,
    sandbox_required,
    write_submission,
)

CHAPTER = "02_linear_classifier"
SOLVED = answers_of(read(solution_path(CHAPTER)))
BLANK = answers_of(read(student_path(CHAPTER)))
CELLS = [cell for cell in grade_cells(read(solution_path(CHAPTER))) if cell.kind == "code"]
FULL = sum(cell.points for cell in CELLS)
MISTAKES = importlib.import_module(f"tests.mistakes.{CHAPTER}").MISTAKES

# Every later cell that mentions assert becomes `pass`: 10 of 10 on blank answers, unscreened.
SILENCE_ASSERTS = """
def silence(lines):
    return ["pass\\n"] if any("assert" in line for line in lines) else lines

get_ipython().input_transformers_post.append(silence)
"""
# Each attack, as code appended to an answer cell (blank unless its name says correct).
ATTACKS = {
    "input-transformer": SILENCE_ASSERTS,
    "ast-transformer": """
import ast

class Silence(ast.NodeTransformer):
    def visit_Module(self, node):
        tested = any(isinstance(n, ast.Assert) for n in ast.walk(node))
        return ast.Module(body=[ast.Pass()], type_ignores=[]) if tested else node

get_ipython().ast_transformers.append(Silence())
""",
    "custom-exception-handler": """
get_ipython().set_custom_exc((Exception,), lambda shell, *args, **kwargs: None)
""",
    "event-callback": """
def forgive(result):
    result.error_in_exec = None

get_ipython().events.register("post_run_cell", forgive)
""",
    "showtraceback": """
shell = get_ipython()
shell.showtraceback = lambda *args, **kwargs: None
shell._showtraceback = lambda *args, **kwargs: None
""",
    "settrace": "\nimport sys\n\nsys.settrace(lambda frame, event, arg: None)\n",
    "setprofile": "\nimport sys\n\nsys.setprofile(lambda frame, event, arg: None)\n",
    "numpy-testing": """
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
""",
    "numpy": "\nnp.allclose = lambda *args, **kwargs: True\nnp.array_equal = np.allclose\n",
    "math": "\nimport math\n\nmath.isclose = lambda *args, **kwargs: True\n",
    "unittest": "\nimport unittest\n\nunittest.TestCase.assertEqual = lambda *args: None\n",
    "builtins": "\nimport builtins\n\nbuiltins.all = lambda *args: True\n",
    "equal-to-anything": """
class Anything:
    def __eq__(self, other):
        return True

def softmax(logits):
    return Anything()
""",
    "blanks-the-grader-cells": """
def blank(lines):
    text = "".join(lines)
    return ["pass\\n"] if "assert" in text or "_course_audit" in text else lines

get_ipython().input_transformers_post.append(blank)
""",
    "forges-the-audit": """
import re

def forge(lines):
    text = "".join(lines)
    tag = re.search(r"run\\('([^']+)'\\)", text)
    if tag:
        body = '{"found": [], "left": [], "threads": []}'
        return [f"print({'COURSE-AUDIT ' + tag.group(1) + ' 00 ' + body!r})\\n"]
    return ["pass\\n"] if "assert" in text else lines

get_ipython().input_transformers_post.append(forge)
""",
    "transformer-behind-exec": """
code = "get" + "_ipython().input_transformers_post.append(lambda lines: "
exec(code + "['pass\\\\n'] if any('assert' in line for line in lines) else lines)")
""",
}
CORRECT_WITH_A_HOOK = "\nget_ipython().events.register('post_run_cell', lambda result: None)\n"


def honest_submissions() -> dict[str, nbformat.NotebookNode]:
    students = {"solution": submission(CHAPTER, SOLVED), "blank": submission(CHAPTER, {})}
    for name, (cell, source) in MISTAKES.items():
        students[f"mistake-{name}"] = submission(CHAPTER, {**SOLVED, cell: source})
    return students


def attack_submissions() -> dict[str, nbformat.NotebookNode]:
    students = {
        name: submission(CHAPTER, {"ex02_softmax": BLANK["ex02_softmax"] + code})
        for name, code in ATTACKS.items()
    }
    last = "ex02_train_step"
    students["correct-with-a-hook"] = submission(
        CHAPTER, {**SOLVED, last: SOLVED[last] + CORRECT_WITH_A_HOOK}
    )
    return students


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("attacked-course"))
    inbox = tmp_path_factory.mktemp("attacks")
    honest, attacks = honest_submissions(), attack_submissions()
    for student, notebook in {**honest, **attacks}.items():
        write_submission(inbox, student, notebook)
    result = run_course("grade", CHAPTER, inbox, "--jobs", 2, "--timeout", 60, cwd=course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebooks = {
            submitted.student.id: submitted.notebooks[0]
            for submitted in gradebook.find_assignment(CHAPTER).submissions
        }
        flagged = {student: notebook.flagged for student, notebook in notebooks.items()}
        cells = {
            student: {grade.name: grade.score for grade in notebook.grades}
            for student, notebook in notebooks.items()
        }
    return {
        "course": course,
        "honest": honest,
        "attacks": attacks,
        "result": result,
        "grades": read_grades(course / "grades.csv"),
        "flagged": flagged,
        "cells": cells,
    }


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
    for name, (answer, _) in MISTAKES.items():
        scores = cells[f"mistake-{name}"]
        own = {c.grade_id for c in CELLS if exercise_of(c.grade_id) == answer}
        assert all(scores[c.grade_id] == c.points for c in CELLS if c.grade_id not in own), name
        assert sum(scores[grade_id] for grade_id in own) < points(answer), name


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
