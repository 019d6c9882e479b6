"""`course_grading.preprocessors`: the test cells as released and scored by the checker alone,
safe execution, skipped demonstrations and the autograde list.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient.exceptions import DeadKernelError
from nbformat import v4
from nbgrader.preprocessors import Execute, SaveAutoGrades

from course_grading import preprocessors
from course_grading.preprocessors import CheckedExecute, SafeExecute, checked_execute
from course_grading.preprocessors.safe_execute import SKIP_TAG, SKIPPED_NOTE
from course_grading.status import DIED_ENAME, NOT_RUN_ENAME
from tests.grading_support import error, graded_test

pytestmark = pytest.mark.unit


def test_the_students_kernel_runs_a_test_cell_as_released_without_its_hidden_tests():
    source = (
        "assert f(1) == 2\n# Hidden tests run when graded.\n"
        "### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS\nprint('done')"
    )
    assert checked_execute.released(source) == (
        "assert f(1) == 2\n# Hidden tests run when graded.\nprint('done')"
    )
    hidden_only = (
        "# Hidden tests (2 points)\n### BEGIN HIDDEN TESTS\nassert g()\n### END HIDDEN TESTS"
    )
    assert not checked_execute.has_code(checked_execute.released(hidden_only))
    assert checked_execute.has_code("# a comment\nx = 1")


def test_only_the_checkers_verdict_scores_a_test_cell():
    from nbgrader.utils import determine_grade

    shown = [
        v4.new_output("execute_result", data={"text/plain": "2.0"}, execution_count=3),
        v4.new_output("stream", name="stderr", text="a warning\n"),
        error("AssertionError", "what the student's kernel said"),
    ]
    cell = graded_test("ex01_answer_tests")
    cell.outputs = checked_execute.inert(shown)
    assert determine_grade(cell) == (2.0, 2.0), "nothing the student's kernel printed counts"
    assert [o.output_type for o in cell.outputs] == ["display_data", "stream", "stream"]
    assert cell.outputs[2].text == "AssertionError: hidden\n", "its traceback, as text"
    cell.outputs.append(error("AssertionError", "the checker's verdict"))
    assert determine_grade(cell) == (0.0, 2.0)


def test_safe_execute_fails_the_dying_cell_and_marks_later_ones_not_run(monkeypatch):
    def fake_cell(self, cell, resources, index):
        if "die" in cell.source:
            raise DeadKernelError("gone")
        cell.outputs = [v4.new_output("stream", name="stdout", text="ran\n")]
        return cell, resources

    monkeypatch.setattr(Execute, "preprocess_cell", fake_cell)
    monkeypatch.setattr(Execute, "preprocess", lambda self, nb, resources=None, km=None: (nb, {}))
    cells = [
        v4.new_code_cell("a = 1"),
        v4.new_code_cell("die()"),
        v4.new_markdown_cell("prose"),
        v4.new_code_cell("   "),
        v4.new_code_cell("b = 2"),
    ]
    execute = SafeExecute()
    execute.start_notebook()
    done = [execute.preprocess_cell(cell, {}, i)[0] for i, cell in enumerate(cells)]
    assert [o.text for o in done[0].outputs] == ["ran\n"]
    assert [o.ename for o in done[1].outputs] == [DIED_ENAME]
    assert "outputs" not in done[2] and done[3].outputs == []
    assert [o.ename for o in done[4].outputs] == [NOT_RUN_ENAME]
    execute.preprocess(v4.new_notebook(), {})
    fresh = execute.preprocess_cell(v4.new_code_cell("c = 3"), {}, 0)[0]
    assert [o.text for o in fresh.outputs] == ["ran\n"], "a new notebook starts alive"


def test_safe_execute_skips_unchanged_demonstrations_of_the_release(monkeypatch, tmp_path):
    ran = []

    def fake_cell(self, cell, resources, index):
        ran.append(cell.source)
        cell.outputs = [v4.new_output("stream", name="stdout", text="ran\n")]
        return cell, resources

    monkeypatch.setattr(Execute, "preprocess_cell", fake_cell)
    monkeypatch.setattr(Execute, "preprocess", lambda self, nb, resources=None, km=None: (nb, {}))
    demo = v4.new_code_cell("history = train(big_model)", metadata={"tags": [SKIP_TAG]})
    release = v4.new_notebook(cells=[v4.new_code_cell("x = 1"), demo])
    nbformat.write(release, tmp_path / "release.ipynb")
    submitted = [
        v4.new_code_cell("x = 1"),
        v4.new_code_cell("history = train(big_model)"),  # unchanged: skipped
        v4.new_code_cell("history = train(big_model, epochs=1)"),  # changed: runs
        v4.new_code_cell("history = train(big_model)", metadata={"nbgrader": {"grade": True}}),
    ]
    execute = SafeExecute(release=str(tmp_path / "release.ipynb"))
    execute.preprocess(v4.new_notebook(), {})
    done = [execute.preprocess_cell(cell, {}, i)[0] for i, cell in enumerate(submitted)]
    assert ran == ["x = 1", "history = train(big_model, epochs=1)", "history = train(big_model)"]
    assert [o.text for o in done[1].outputs] == [SKIPPED_NOTE]
    assert all(o.text == "ran\n" for cell in (done[0], done[2], done[3]) for o in cell.outputs)
    ran.clear()
    everything = SafeExecute()  # no release: every cell runs (course grade --all-cells)
    everything.preprocess(v4.new_notebook(), {})
    for index, cell in enumerate(submitted):
        everything.preprocess_cell(cell, {}, index)
    assert len(ran) == len(submitted)


def test_the_autograde_list_is_nbgraders_own_with_ours_in_place():
    names = preprocessors.autograde_preprocessors()
    default = [preprocessors.dotted(p) for p in preprocessors.Autograde().autograde_preprocessors]
    sanitize = "nbconvert.preprocessors.sanitize.SanitizeHTML"
    assert names == [preprocessors.dotted(CheckedExecute), sanitize, *default[1:]]
    with pytest.raises(RuntimeError, match="changed"):
        preprocessors.autograde_preprocessors([SaveAutoGrades])
