"""The runtime audit (`preprocessors.audit`, its kernel side) and the verdict (`verdict`).

Unit tests (marker ``unit``): tiny notebooks, made-up outputs, and the kernel side run in an
in-process IPython shell; no kernel is started.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import sys

import pytest
from nbformat import v4

from course_grading.preprocessors import audit
from course_grading.screen import Finding
from course_grading.status import NOT_RUN_ENAME, TIMEOUT_ENAME
from course_grading.verdict import NEUTRALISED, Audit, aliases_of, covered, judge
from tests.notebooks import tiny_cell, tiny_release

pytestmark = pytest.mark.unit


def stdout(text):
    return v4.new_output("stream", name="stdout", text=text)


def signed(key: bytes, tag: str, body: dict) -> str:
    text = json.dumps(body, sort_keys=True)
    signature = hmac.new(key, f"{tag} {text}".encode(), hashlib.sha256).hexdigest()
    return f"{audit.PREFIX} {tag} {signature} {text}\n"


# --------------------------------------------------------------------------------------------
# Adding the audit cells, taking them out, reading their answers


def test_audit_cells_go_first_before_each_test_cell_and_last_then_leave_no_trace():
    notebook = tiny_release()
    original = [dict(c) for c in notebook.cells]
    plan = audit.inject(notebook, "abc")
    assert [before for _, _, before in plan] == [
        "start",
        "ex01_a_tests",
        "ex01_b_tests",
        "ex01_b_hidden",
        None,
    ]
    assert [tag for _, tag, _ in plan] == [f"abc-{n}" for n in range(5)]
    names = [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells]
    assert names == [
        None,
        "setup",
        "ex01_a",
        None,
        "ex01_a_tests",
        "ex01_b",
        None,
        "ex01_b_tests",
        None,
        "ex01_b_hidden",
        "q01",
        None,
    ]
    assert "_course_audit_install('abc-0'" in notebook.cells[0].source
    assert notebook.cells[3].source == '__import__("sys").modules["_course_audit"].run(\'abc-1\')\n'
    compile(notebook.cells[0].source, "start", "exec")  # the kernel side is Python as sent
    audit.collect(notebook, plan)
    assert [dict(c) for c in notebook.cells] == original


def test_answers_are_checked_against_the_key_of_the_start_snapshot():
    notebook = tiny_release()
    plan = audit.inject(notebook, "n0")
    key = b"k" * 32
    (start, *cells, last) = [c for c, _, _ in plan]
    start.outputs = [stdout(f"{audit.PREFIX} n0-0 {key.hex()} {{}}\n")]
    found = {"found": ["ipython: ast_transformers has Silence"], "left": [], "threads": []}
    cells[0].outputs = [stdout("noise\n" + signed(key, "n0-1", found))]
    cells[1].outputs = [stdout(signed(b"x" * 32, "n0-2", found))]  # forged
    cells[2].outputs = [v4.new_output("error", ename=TIMEOUT_ENAME, evalue="", traceback=[])]
    last.outputs = [v4.new_output("error", ename=NOT_RUN_ENAME, evalue="", traceback=[])]
    answers = audit.collect(notebook, plan)
    assert [a.before for a in answers] == ["ex01_a_tests", "ex01_b_tests", "ex01_b_hidden", None]
    assert answers[0] == Audit("ex01_a_tests", found=found["found"])
    assert answers[1].problem == "the audit's answer was forged (wrong signature)"
    assert answers[2].problem == "the audit did not answer (timed out)"
    assert answers[3].not_run and answers[3].clean


def test_without_the_start_snapshot_no_answer_counts():
    notebook = tiny_release()
    plan = audit.inject(notebook, "n1")
    for answer in audit.collect(notebook, plan):
        assert answer.problem == "the start snapshot did not answer"


# --------------------------------------------------------------------------------------------
# The kernel side, in an in-process IPython shell


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = InteractiveShell.instance(config=config)
    output = io.StringIO()
    trace = sys.gettrace()
    yield shell, output
    sys.settrace(trace)
    sys.modules.pop("_course_audit", None)


def run(shell, source, output=None):
    with contextlib.redirect_stdout(output) if output else contextlib.nullcontext():
        result = shell.run_cell(source, store_history=False)
    return result


def test_the_kernel_side_finds_puts_back_and_signs(shell):
    shell, output = shell
    notebook = v4.new_notebook(cells=[tiny_cell("ex01_tests", grade=True, points=1)])
    plan = audit.inject(notebook, "k")
    (start, _, _), (first, _, _), (last, _, _) = plan
    import numpy as np

    real = np.testing.assert_allclose
    assert run(shell, start.source, output).success
    start.outputs = [stdout(output.getvalue())]
    attack = """
import numpy as np
silence = lambda lines: ["pass\\n"] if "assert" in lines[0] else lines
get_ipython().input_transformers_post.append(silence)
get_ipython().events.register("post_run_cell", lambda result: None)
np.testing.assert_allclose = lambda *args, **kwargs: None
"""
    assert run(shell, attack).success
    assert np.testing.assert_allclose is not real
    for audit_cell in (first, last):
        output.seek(0)
        output.truncate()
        assert run(shell, audit_cell.source).success
        audit_cell.outputs = [stdout(output.getvalue())]
    first_answer, last_answer = audit.collect(notebook, plan)
    assert first_answer.found == [
        "function: numpy.testing.assert_allclose replaced",
        "ipython: events post_run_cell has <lambda>",
        "ipython: input_transformers_post has <lambda>",
    ]
    assert first_answer.left == [] and first_answer.clean
    assert last_answer == Audit(None), "the first audit put everything back"
    assert np.testing.assert_allclose is real
    assert not shell.input_transformers_post


# --------------------------------------------------------------------------------------------
# The verdict: which findings are neutralised, which cost test cells

HOOK = Finding("ex01_a", 2, "ipython-machinery", "events.register", "ex01_a")
TRACE = Finding("ex01_b", 1, "tracing-hook", ".settrace", "ex01_b")
DUNDER = Finding("ex01_b", 4, "dunder-comparison", "def __eq__", "ex01_b")
ALIASES = aliases_of(
    ["import numpy as np\nimport numpy.testing as npt\nfrom unittest import TestCase"]
)


def audits(**changed) -> list[Audit]:
    answers = {t: Audit(t) for t in ("ex01_a_tests", "ex01_b_tests", "ex01_b_hidden")}
    answers.update(changed)
    return [*answers.values(), Audit(None)]


def test_a_covered_finding_with_clean_audits_is_neutralised_and_costs_nothing():
    found = Audit("ex01_a_tests", found=["ipython: events post_run_cell has hook"])
    verdict = judge([HOOK], audits(ex01_a_tests=found), tiny_release(), ALIASES)
    assert verdict.suspicious and verdict.failed == []
    assert verdict.reasons == [f"screen: {HOOK} {NEUTRALISED}"]


@pytest.mark.parametrize(
    "answer",
    [
        Audit("ex01_b_tests", left=["ipython: showtraceback replaced"]),
        Audit("ex01_b_tests", problem="the audit did not answer"),
        Audit("ex01_b_tests", threads=["Thread-3 (again)"]),
    ],
)
def test_an_audit_that_is_not_clean_keeps_the_cut_rule(answer):
    verdict = judge([HOOK], audits(ex01_b_tests=answer), tiny_release(), ALIASES)
    assert "ex01_a_tests" in verdict.failed, "the screen finding is not neutralised"
    assert NEUTRALISED not in verdict.reasons[0]


def test_rules_the_audit_cannot_see_keep_the_cut_rule():
    verdict = judge([TRACE, DUNDER], audits(), tiny_release(), ALIASES)
    assert verdict.failed == ["ex01_b_tests", "ex01_b_hidden"]
    assert f"{TRACE} {NEUTRALISED}" in verdict.reasons[0]
    assert "(test cells after ex01_b counted as failed)" in verdict.reasons[0]


def test_an_audit_finding_no_screen_finding_explains_fails_its_test_cell_and_later_ones():
    hidden = Audit("ex01_b_tests", found=["ipython: input_transformers_post has silence"])
    verdict = judge([], audits(ex01_b_tests=hidden), tiny_release(), ALIASES)
    assert verdict.suspicious and verdict.failed == ["ex01_b_tests", "ex01_b_hidden"]
    (reason,) = verdict.reasons
    assert reason.startswith("audit: before ex01_b_tests: ipython: input_transformers_post")
    assert reason.endswith("(test cells from ex01_b_tests on counted as failed)")
    # a tracing finding does not explain a transformer
    assert judge([TRACE], audits(ex01_b_tests=hidden), tiny_release(), ALIASES).failed


def test_after_the_last_cell_a_finding_is_suspicious_but_costs_nothing():
    verdict = judge(
        [], [*audits()[:-1], Audit(None, found=["tracing: x"])], tiny_release(), ALIASES
    )
    assert verdict.suspicious and verdict.failed == []
    assert verdict.reasons == ["audit: after the last cell: tracing: x"]


def test_a_dead_kernel_is_not_an_audit_finding():
    verdict = judge(
        [], audits(ex01_b_tests=Audit("ex01_b_tests", not_run=True)), tiny_release(), {}
    )
    assert not verdict.suspicious and verdict.reasons == []


@pytest.mark.parametrize(
    ("detail", "audited"),
    [
        ("np.testing.assert_allclose of module np", True),
        ("npt.assert_array_equal of module npt", True),
        ("math.isclose of module math", True),
        ("builtins.len of module builtins", True),
        ("TestCase.assertEqual of module TestCase", True),
        ("np.testing.assert_allclose.__code__ of module np", False),
        ("keras.ops.all of module keras", False),
        ("sys.modules['numpy'] of module sys", False),
        ("setattr on np", False),
    ],
)
def test_a_module_attribute_finding_is_covered_only_on_an_audited_module(detail, audited):
    assert covered(Finding("ex01_a", 1, "module-attribute", detail, "ex01_a"), ALIASES) is audited
