"""The static screen of answer cells (`course_grading.screen`): no false positive, each rule caught.

Unit tests (marker ``unit``): nothing runs, the screen only reads sources.
"""

from __future__ import annotations

import importlib

import pytest
from nbformat import v4

from course_grading.checks import grade_cells_after
from course_grading.record import record_grades
from course_grading.screen import RULES, Finding, answer_cells, screen_cell, screen_notebook
from course_grading.status import Result, Status
from course_grading.verdict import describe
from tests.notebooks import (
    CHAPTER_IDS,
    answers_of,
    nbgrader,
    read,
    solution_path,
    student_path,
    submission,
    tiny_release,
)

pytestmark = pytest.mark.unit

MODULES = {"np", "numpy", "tf", "keras", "sys", "builtins", "math", "threading", "importlib"}


def rules_of(source: str) -> set[str]:
    return {finding.rule for finding in screen_cell("ex01_answer", source, MODULES)}


def mistakes_of(chapter: str) -> dict[str, tuple[str, str]]:
    return importlib.import_module(f"tests.mistakes.{chapter}").MISTAKES


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_no_solution_blank_notebook_or_typical_mistake_is_a_finding(chapter):
    solution, release = read(solution_path(chapter)), read(student_path(chapter))
    assert answers_of(solution), f"{chapter} has answer cells to screen"
    code_answers = [
        c for c in solution.cells if c.cell_type == "code" and nbgrader(c).get("solution")
    ]
    assert len(answer_cells(solution, release)) == len(code_answers)
    for notebook in (solution, submission(chapter, {})):
        assert screen_notebook(notebook) == screen_notebook(notebook, release) == []
    for name, (cell, source) in mistakes_of(chapter).items():
        assert screen_notebook(submission(chapter, {cell: source}), release) == [], name


TRUE_POSITIVES = [
    # ipython-machinery
    (
        "ipython-machinery",
        "get_ipython().input_transformers_post.append(\n"
        "    lambda lines: ['pass\\n' if 'assert' in line else line for line in lines])\n",
    ),
    ("ipython-machinery", "get_ipython().events.register('post_run_cell', print)"),
    ("ipython-machinery", "shell = get_ipython\nshell().set_custom_exc((Exception,), print)"),
    ("ipython-machinery", "from IPython import get_ipython\nip = get_ipython()"),
    ("ipython-machinery", "from IPython.core.interactiveshell import InteractiveShell"),
    ("ipython-machinery", "%load_ext my_hooks\nx = 1"),
    ("ipython-machinery", "%%capture\nget_ipython().ast_transformers.clear()"),
    # tracing-hook
    ("tracing-hook", "import sys\nsys.settrace(lambda *args: None)"),
    ("tracing-hook", "import threading\nthreading.setprofile(print)"),
    ("tracing-hook", "from sys import settrace"),
    ("tracing-hook", "%timeit -n 1 sys.settrace(None)"),
    # module-attribute
    ("module-attribute", "np.testing.assert_allclose = lambda *a, **k: None"),
    ("module-attribute", "import builtins\nbuiltins.print = len"),
    ("module-attribute", "setattr(np, 'allclose', lambda *a, **k: True)"),
    ("module-attribute", "vars(np.testing)['assert_array_equal'] = print"),
    ("module-attribute", "del math.isclose"),
    ("module-attribute", "sys.modules['numpy'] = None"),
    # dynamic-code (and constant code is screened as code)
    ("dynamic-code", "source = 'x = 1'\nexec(source)"),
    ("dynamic-code", "value = eval(input_text)"),
    ("dynamic-code", "module = __import__('o' + 's')"),
    ("dynamic-code", "module = importlib.import_module(name)"),
    ("tracing-hook", "exec('import sys; sys.settrace(None)')"),
    # dunder-comparison
    ("dunder-comparison", "class Anything:\n    def __eq__(self, other):\n        return True"),
    ("dunder-comparison", "class Truthy:\n    __bool__ = lambda self: True"),
    ("dunder-comparison", "Anything = type('Anything', (), {'__ne__': lambda s, o: False})"),
]


@pytest.mark.parametrize(("rule", "source"), TRUE_POSITIVES)
def test_each_rule_catches_its_example(rule, source):
    assert rule in rules_of(source)


def test_every_rule_has_an_example():
    assert {rule for rule, _ in TRUE_POSITIVES} == set(RULES)


@pytest.mark.parametrize(
    "source",
    [
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
        "import re\npattern = re.compile('[0-9]+')",
        "model.layers[0].trainable = False\nself_count = 1",
        "exec('total = 1 + 2')\nvalue = eval('3 * 4')",
        "module = importlib.import_module('math')",
        "%timeit -n 3 sum(range(10))\n!ls\n%matplotlib inline",
        "from IPython.display import display\ndisplay(1)",
        "def broken(:\n",  # does not parse: running it fails, not the screen's business
        "os.environ['X'] = '1'\nnp.random.seed(0)",
    ],
)
def test_ordinary_code_is_no_finding(source):
    assert rules_of(source) == set()


def test_a_finding_names_the_cell_the_line_and_the_rule():
    (finding,) = screen_cell("ex02_softmax", "x = 1\n\nnp.allclose = None\n", MODULES)
    assert finding == Finding("ex02_softmax", 3, "module-attribute", finding.detail)
    assert str(finding).startswith("ex02_softmax line 3: module-attribute (np.allclose")


def test_test_cells_after_the_first_finding_count_as_failed():
    assert grade_cells_after(tiny_release(written=False), "ex01_b") == [
        "ex01_b_tests",
        "ex01_b_hidden",
    ]
    assert grade_cells_after(tiny_release(written=False), "ex01_a") == [
        "ex01_a_tests",
        "ex01_b_tests",
        "ex01_b_hidden",
    ]
    assert len(grade_cells_after(tiny_release(written=False), "not-there")) == 3
    findings = [Finding("ex01_b", 2, "tracing-hook", ".settrace", "ex01_b")] * 7
    reason = describe(findings, ["ex01_b_tests"])
    assert reason.startswith("screen: ex01_b line 2: tracing-hook (.settrace)")
    assert "and 2 more" in reason and "after ex01_b counted as failed" in reason


def test_cells_a_student_added_or_stripped_are_screened_and_restored_ones_are_not():
    hook = "import sys\nsys.settrace(print)"
    notebook = tiny_release(written=False)
    notebook.cells[3].source = hook  # the answer ex01_b
    notebook.cells[4].source = hook  # a locked test: nbgrader restores it before grading
    notebook.cells.insert(3, v4.new_code_cell(hook))  # added after ex01_a_tests
    notebook.cells.insert(3, v4.new_code_cell("pass"))  # added, as the release's own cells
    stripped = v4.new_code_cell(hook)  # an answer cell without its nbgrader metadata
    notebook.cells.append(stripped)
    found = [(f.cell, f.anchor) for f in screen_notebook(notebook, tiny_release(written=False))]
    assert found == [("cell 5", "ex01_a_tests"), ("ex01_b", "ex01_b"), ("cell 9", "ex01_b_hidden")]
    assert [f.cell for f in screen_notebook(notebook)] == ["ex01_b"]  # answer cells only


def test_suspicious_comes_after_every_problem_status():
    from course_grading.status import PRECEDENCE

    assert PRECEDENCE[-1] is Status.SUSPICIOUS and Status.SUSPICIOUS.value == "suspicious"


@pytest.mark.filterwarnings("ignore:.*not in session")
def test_a_flagged_result_flags_the_submission_in_the_gradebook(tmp_path):
    """record_grades sets nbgrader's own SubmittedNotebook.flagged (formgrader's "Flagged?")."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        gradebook.add_assignment("01")
        gradebook.add_notebook("01", "01")
        gradebook.add_grade_cell("ex01_a_tests", "01", "01", max_score=1, cell_type="code")
    grades = {"ex01_a_tests": {"auto_score": 0.0, "needs_manual_grade": False}}
    for student, flagged in (("ann", True), ("ben", False)):
        result = Result(student, "01", 0.0, 1.0, Status.SUSPICIOUS, "", "x.ipynb", "")
        result.grades, result.flagged = grades, flagged
        assert record_grades(tmp_path, "01", result) == 0.0
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission_notebook("01", "01", "ann").flagged is True
        assert gradebook.find_submission_notebook("01", "01", "ben").flagged is False


def test_a_shard_keeps_the_flag_for_the_merge(tmp_path):
    from course_grading import shards

    result = Result("ann", "01", 1.0, 5.0, Status.SUSPICIOUS, "screen: ...", "ann.ipynb", "")
    result.flagged = True
    shards.write_shard(tmp_path, "01", [result])
    _, (back,) = shards.read_shard(tmp_path)
    assert back.flagged is True and back.status is Status.SUSPICIOUS
