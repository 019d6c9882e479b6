"""Submissions that reach for what runs or judges the tests, graded with each chapter's class.

Chapter 02's class holds one submission per mechanism (`ATTACKS`, on blank answers unless the
name says otherwise): hooks into IPython's execution (input and AST transformers, a custom
exception handler, event callbacks, a replaced traceback display or displayhook, a filter on the
kernel session's messages, a debugger exception, a signal handler that puts hooks back), tracing,
patched comparison helpers and a rebound ``np``, lying objects and proxies, answers forged for the
grader's agent, and the ways to read hidden tests (linecache, frames, the notebook file). Every
chapter's class also holds `every-hook` (all hooks on blank answers) and `correct-with-every-hook`
(all hooks on the solution): hooks change nothing but the student's own answers.
"""

from __future__ import annotations

import nbformat
from nbformat import v4

from tests.notebooks import answers_of, read, solution_path, student_path, submission

CHAPTER = "02_linear_classifier"

SILENCE_ASSERTS = """
def silence(lines):
    return ["pass\\n"] if any("assert" in line for line in lines) else lines

get_ipython().input_transformers_post.append(silence)
"""
# Each hook, as code a cell runs; none of them stops the grader's agent from answering.
HOOKS = {
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
    "displayhook-first-result": """
def credit_first(lines):
    text = "".join(lines)
    return ["get_ipython().displayhook(1.0)\\n", *lines] if "assert" in text else lines

get_ipython().input_transformers_post.append(credit_first)
""",
    "session-send-filter": """
session = get_ipython().kernel.session
original_send = session.send

def send(stream, msg_or_type, content=None, *args, **kwargs):
    kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get("msg_type")
    if kind == "error":
        return None
    if kind == "execute_reply" and content and content.get("status") == "error":
        content = {"status": "ok", "execution_count": content.get("execution_count"),
                   "user_expressions": {}, "payload": []}
    return original_send(stream, msg_or_type, content, *args, **kwargs)

session.send = send
""",
    "debugger-quit": """
def quit_quietly(lines):
    if not any("assert" in line for line in lines):
        return lines
    body = ["    " + line for line in lines]
    quit = ["\\nexcept BaseException:\\n", "    import bdb\\n", "    raise bdb.BdbQuit\\n"]
    return ["try:\\n", *body, *quit]

get_ipython().input_transformers_post.append(quit_quietly)
""",
    "signal-handler": """
import signal
import numpy

def put_back(signum, frame):
    numpy.testing.assert_allclose = lambda *args, **kwargs: None
    numpy.allclose = lambda *args, **kwargs: True

signal.signal(signal.SIGALRM, put_back)
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
""",
    "settrace": "\nimport sys\n\nsys.settrace(lambda frame, event, arg: None)\n",
    "setprofile": "\nimport sys\n\nsys.setprofile(lambda frame, event, arg: None)\n",
    "numpy-testing": """
import numpy
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_equal = lambda *args, **kwargs: None
""",
    "numpy": "\nimport numpy\n\nnumpy.allclose = lambda *args, **kwargs: True\n",
    "math": "\nimport math\n\nmath.isclose = lambda *args, **kwargs: True\n",
    "unittest": "\nimport unittest\n\nunittest.TestCase.assertEqual = lambda *args: None\n",
    "transformer-behind-exec": """
code = "get" + "_ipython().input_transformers_post.append(lambda lines: "
exec(code + "['pass\\\\n'] if any('assert' in line for line in lines) else lines)")
""",
}
# What only a blank chapter-02 submission tries: answers that are not data, forged answers, and
# reading the hidden tests; each as code appended to the answer cell of ex02_softmax.
TRIES = {
    # builtins.all for every library too: the student's own Keras and pandas break with it
    "builtins": "\nimport builtins\n\nbuiltins.all = lambda *args: True\n",
    # numpy.array_equal too: TensorFlow's own gradients use it (tf.gather's breaks)
    "numpy-array-equal": "\nimport numpy\n\nnumpy.array_equal = lambda *args, **kwargs: True\n",
    "rebinds-np": """
import types
np = types.SimpleNamespace(testing=types.SimpleNamespace(assert_allclose=lambda *a, **k: None),
                           allclose=lambda *a, **k: True, all=lambda *a, **k: True)
""",
    "equal-to-anything": """
class Anything:
    def __eq__(self, other):
        return True

def softmax(logits):
    return Anything()
""",
    "proxy": """
class Proxy:
    def __init__(self, value):
        self.value = value
    def __getattr__(self, name):
        return getattr(self.value, name)
    def __eq__(self, other):
        return True

def softmax(logits):
    return Proxy(tf.zeros_like(tf.convert_to_tensor(logits, dtype=tf.float32)))
""",
    "claims-to-be-a-tensor": """
class Fake:
    __class__ = property(lambda self: tf.Tensor)
    dtype, shape = tf.float32, (2, 3)
    def numpy(self):
        return np.full((2, 3), 1 / 3, dtype="float32")

def softmax(logits):
    return Fake()
""",
    "forges-answers": """
def forge(lines):
    text = "".join(lines)
    if "_course_agent" not in text:
        return lines
    answer = '{"value": {"t": "float", "v": "0x1.0p+0"}, "after": [], "warnings": []}'
    return [f"from IPython.display import publish_display_data\\n",
            f"publish_display_data({{'text/x-course-crossing': {answer!r}}})\\n"]

get_ipython().input_transformers_post.append(forge)
""",
    "forges-malformed-answers": """
def forge(lines):
    text = "".join(lines)
    if "_course_agent" not in text or "serve(" not in text:
        return lines
    answer = '{"value": {"t": "pickle", "v": "gASVAAAAAAAAAAA="}}'
    return [f"from IPython.display import publish_display_data\\n",
            f"publish_display_data({{'text/x-course-crossing': {answer!r}}})\\n"]

get_ipython().input_transformers_post.append(forge)
""",
    "blanks-the-agent": """
def blank(lines):
    text = "".join(lines)
    return ["pass\\n"] if "assert" in text or "_course_agent" in text else lines

get_ipython().input_transformers_post.append(blank)
""",
    "reads-frames": """
import inspect

def softmax(logits):
    for frame in inspect.stack():
        print(frame.filename, frame.code_context)
    raise NotImplementedError
""",
}
# Cells a blank chapter-02 submission adds at its end, each trying to put hidden tests, the
# grader's environment, a root-only file or active HTML into its own output.
ADDED = {
    "reads-linecache": """
import linecache
for name, entry in list(linecache.cache.items()):
    print(name, "".join(entry[2]))
""",
    "reads-its-notebook": """
import json
cells = json.load(open("02_linear_classifier.ipynb"))["cells"]
print("\\n".join("".join(cell["source"]) for cell in cells))
""",
    # the environment the kernel started with (TensorFlow and IPython add their own names to it)
    "prints-environment": """
started = open("/proc/self/environ", "rb").read().split(b"\\0")
print("ENVIRONMENT", sorted(item.split(b"=")[0].decode() for item in started if item))
""",
    "reads-a-root-only-file": "print(open('/etc/shadow').read())\n",
    "displays-a-script": """
from IPython.display import HTML, display
display(HTML('<script>document.title = "pwned-by-a-student"</script><b>bold</b>'))
""",
    "hook-in-added-cell": SILENCE_ASSERTS + HOOKS["numpy-testing"],
}


def code_answers(notebook) -> list[str]:
    """The grade ids of the notebook's code answer cells."""
    return [
        cell.metadata["nbgrader"]["grade_id"]
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    ]


def guarded(code: str) -> str:
    """``code`` inside ``try``: whatever fails, the rest of the submission stands."""
    body = "\n".join("    " + line for line in code.strip().splitlines())
    return f"\ntry:\n{body}\nexcept Exception:\n    pass\n"


def every_hook() -> str:
    return "".join(guarded(code) for code in HOOKS.values())


def with_added_cell(notebook, source: str) -> nbformat.NotebookNode:
    notebook.cells.append(v4.new_code_cell(source))
    return notebook


def attack_submissions() -> dict[str, nbformat.NotebookNode]:
    """Chapter 02's attacks: each hook, try and added cell alone (blank answers), a correct
    submission with one hook, and the chapter's pair of every-hook submissions."""
    blank = answers_of(read(student_path(CHAPTER)))["ex02_softmax"]
    students = {
        name: submission(CHAPTER, {"ex02_softmax": blank + guarded(code)})
        for name, code in {**HOOKS, **TRIES}.items()
    }
    for name, code in ADDED.items():
        students[name] = with_added_cell(submission(CHAPTER, {}), code)
    solved = answers_of(read(solution_path(CHAPTER)))
    last = "ex02_train_step"
    hooked = solved[last] + guarded(HOOKS["event-callback"])
    students["correct-with-a-hook"] = submission(CHAPTER, {**solved, last: hooked})
    return {**students, **hooked_submissions(CHAPTER)}


def hooked_submissions(chapter: str) -> dict[str, nbformat.NotebookNode]:
    """Every hook on the blank answers (in the first code answer cell) and on the solution (in
    the last, so that no answer cell after it is transformed)."""
    blank = answers_of(read(student_path(chapter)))
    solution = read(solution_path(chapter))
    solved = answers_of(solution)
    code = [grade_id for grade_id in solved if grade_id in code_answers(solution)]
    first, last = code[0], code[-1]
    return {
        "every-hook": submission(chapter, {first: blank[first] + every_hook()}),
        "correct-with-every-hook": submission(
            chapter, {**solved, last: solved[last] + every_hook()}
        ),
    }
