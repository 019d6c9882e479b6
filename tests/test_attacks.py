"""Submissions that reach for what runs or judges the tests, graded with each chapter's class.

The graded tests run in the checker, a clean interpreter that never runs a line a student
wrote, and the student's kernel only answers its calls with data (`course_grading.checker`).
So every mechanism of `tests.attacks` (hooks into IPython, tracing, patched comparison helpers,
lying objects, forged answers, reading hidden tests) scores nothing on blank answers and costs
correct answers nothing, on every chapter; no feedback page holds a hidden test line, a
submission sees only the allowed environment and no root-only file, and displayed HTML is
sanitised. The graded classes are those of the grading self-test (tests/conftest.py).
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from course_grading.sandbox import ENVIRONMENT
from tests.attacks import ADDED, CHAPTER, HOOKS, TRIES
from tests.course_support import SECRET, needs_sandbox
from tests.notebooks import CHAPTER_IDS, grade_cells, hidden_test_lines, read, solution_path

BLANK_ATTACKS = [*HOOKS, *TRIES, *ADDED, "every-hook"]
FORGED = "forges-malformed-answers"  # the one attack the grader notices: answers it never asks for


def full_marks(chapter: str) -> float:
    solution = read(solution_path(chapter))
    return sum(cell.points for cell in grade_cells(solution) if cell.kind == "code")


def page_of(graded: dict, student: str, chapter: str = CHAPTER) -> str:
    path = graded["course"] / "feedback" / student / chapter / f"{chapter}.html"
    return path.read_text()


@pytest.fixture(scope="module")
def attacked(graded_class):
    """The chapter-02 class, attacks included, graded once for the session (tests/conftest.py)."""
    return graded_class(CHAPTER)


@needs_sandbox
@pytest.mark.parametrize("student", BLANK_ATTACKS)
def test_an_attack_on_blank_answers_scores_nothing(attacked, student):
    row = attacked["grades"][student]
    assert float(row["score"]) == 0 and not any(attacked["cells"][student].values()), row
    expected = "suspicious" if student == FORGED else "graded"
    assert (row["status"], attacked["flagged"][student]) == (expected, student == FORGED), row


@needs_sandbox
def test_forged_answers_are_reported_by_what_the_kernel_sent(attacked):
    reason = attacked["grades"][FORGED]["reason"]
    assert reason.startswith("the kernel sent the checker an answer the grader never asks for")
    assert f"{FORGED} ({attacked['grades'][FORGED]['file']}): suspicious: " in (
        attacked["result"].stdout
    )


@needs_sandbox
@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_hooks_change_nothing_but_the_students_own_answers(graded_class, chapter):
    graded = graded_class(chapter)
    hooked, blank = graded["grades"]["correct-with-every-hook"], graded["grades"]["every-hook"]
    assert (hooked["status"], float(hooked["score"])) == ("graded", full_marks(chapter)), hooked
    assert (blank["status"], float(blank["score"])) == ("graded", 0.0), blank
    assert graded["cells"]["correct-with-every-hook"] == graded["cells"]["solution"]
    if chapter == CHAPTER:
        one = graded["grades"]["correct-with-a-hook"]
        assert (one["status"], float(one["score"])) == ("graded", full_marks(chapter))


@needs_sandbox
@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_no_feedback_page_holds_a_hidden_test_line(graded_class, chapter):
    graded = graded_class(chapter)
    hidden = hidden_test_lines(read(solution_path(chapter)))
    assert hidden, f"{chapter} has hidden tests to hide"
    for student in graded["grades"]:
        text = BeautifulSoup(page_of(graded, student, chapter), "html.parser").get_text()
        assert not [line for line in hidden if line in text], student


@needs_sandbox
def test_hidden_tests_never_reach_the_students_kernel(attacked):
    for student in ("reads-linecache", "reads-its-notebook", "reads-frames"):
        text = BeautifulSoup(page_of(attacked, student), "html.parser").get_text()
        assert "BEGIN HIDDEN TESTS" not in text and "Hidden tests (" not in text.split("Hidden")[0]
    notebook = BeautifulSoup(page_of(attacked, "reads-its-notebook"), "html.parser").get_text()
    assert "FileNotFoundError" in notebook, "the notebook file is not in the sandbox"


@needs_sandbox
def test_a_submission_sees_only_the_allowed_environment_and_no_root_only_file(attacked):
    text = BeautifulSoup(page_of(attacked, "prints-environment"), "html.parser").get_text()
    line = next(line for line in text.splitlines() if line.startswith("ENVIRONMENT"))
    names = set(json.loads(line.removeprefix("ENVIRONMENT ").replace("'", '"')))
    started = {*ENVIRONMENT, "HOME", "MPLCONFIGDIR", "PWD"}  # bwrap sets PWD to where it starts
    assert names and names <= started, names - started
    assert SECRET[1] not in text
    shadow = BeautifulSoup(page_of(attacked, "reads-a-root-only-file"), "html.parser").get_text()
    assert "PermissionError" in shadow and "root:" not in shadow


@needs_sandbox
def test_displayed_html_is_sanitised_in_the_feedback_and_the_autograded_notebook(attacked):
    student, mark = "displays-a-script", "pwned-by-a-student"
    page = BeautifulSoup(page_of(attacked, student), "html.parser")
    assert not [tag for tag in page.find_all("script") if mark in tag.get_text()]
    assert mark in page.get_text(), "the script shows as inert text"
    autograded = attacked["course"] / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb"
    outputs = [o for cell in read(autograded).cells for o in cell.get("outputs", [])]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert html and not [text for text in html if "<script" in text]


@needs_sandbox
def test_the_agent_leaves_no_trace_in_the_autograded_notebook(attacked):
    for student in ("solution", "input-transformer"):
        folder = attacked["course"] / "autograded" / student / CHAPTER
        notebook = read(folder / f"{CHAPTER}.ipynb")
        assert len(notebook.cells) == len(attacked["honest"]["solution"].cells)
        text = (folder / f"{CHAPTER}.ipynb").read_text()
        assert "_course_agent" not in text and "x-course-crossing" not in text
