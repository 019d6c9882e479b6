"""Chapter-02 submissions that reach for what runs or judges the tests (issue 14), one per
mechanism, most on blank answers; graded with the chapter's class (tests/conftest.py)."""

from __future__ import annotations

import nbformat

from tests.notebooks import answers_of, grade_cells, read, solution_path, student_path, submission

CHAPTER = "02_linear_classifier"
SOLVED = answers_of(read(solution_path(CHAPTER)))
BLANK = answers_of(read(student_path(CHAPTER)))
CELLS = [cell for cell in grade_cells(read(solution_path(CHAPTER))) if cell.kind == "code"]
FULL = sum(cell.points for cell in CELLS)

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


def attack_submissions() -> dict[str, nbformat.NotebookNode]:
    """One submission per attack, and the correct one that also touches a hook."""
    students = {
        name: submission(CHAPTER, {"ex02_softmax": BLANK["ex02_softmax"] + code})
        for name, code in ATTACKS.items()
    }
    last = "ex02_train_step"
    students["correct-with-a-hook"] = submission(
        CHAPTER, {**SOLVED, last: SOLVED[last] + CORRECT_WITH_A_HOOK}
    )
    return students
