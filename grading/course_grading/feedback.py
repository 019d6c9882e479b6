"""Feedback without hidden tests: the safe notebook and nbgrader's feedback page of it."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import nbformat
import nbgrader
from nbconvert.exporters import HTMLExporter
from nbformat import v4
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import GetGrades
from traitlets.config import Config

from course_grading.checks import cells_by_id, nbgrader_meta
from course_grading.course import course_folder, gradebook_url

HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


def safe_feedback_notebook(autograded, release, scores: dict[str, tuple[float, float]]):
    """The autograded notebook as students may see it: hidden tests gone, their outputs replaced.

    A test cell that holds hidden tests shows its released (visible) source and, as its only output,
    one line: passed or failed, its points, and the exception's name and message (never its
    traceback, which would quote hidden lines).
    """
    released = cells_by_id(release)
    notebook = copy.deepcopy(autograded)
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if not meta.get("grade") or cell.cell_type != "code" or meta.get("solution"):
            continue
        public = released.get(grade_id)
        hidden = HIDDEN_MARK in cell.source or (public is not None and public.source != cell.source)
        score, points = scores.get(grade_id, (0.0, float(meta.get("points", 0))))
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            message = f"✗ failed ({score:g} of {points:g} points): {errors[0].ename}"
            message += f": {errors[0].evalue}" if errors[0].evalue else ""
        else:
            message = f"✓ passed ({score:g} of {points:g} points)"
        line = NotebookNode(output_type="stream", name="stdout", text=message + "\n")
        if hidden:
            cell.source = public.source if public is not None else ""
            cell.outputs = [line]
        else:
            cell.outputs = [*cell.get("outputs", []), line]
    return notebook


@functools.cache
def feedback_exporter() -> HTMLExporter:
    """nbgrader's feedback page: the template and stylesheet of its ``GenerateFeedback``.

    One exporter per process: it compiles its templates on first use, which costs more than the
    rendering itself.
    """
    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(formgrader / "templates")]
    config.HTMLExporter.extra_template_paths = [
        str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")
    ]
    return HTMLExporter(config=config)


def write_feedback(root: Path, chapter: str, student: str, autograded: Path) -> Path:
    """Render nbgrader's feedback page from the safe notebook (nbgrader's template, GetGrades)."""
    db_url = gradebook_url(root)
    with Gradebook(db_url) as gradebook:
        submitted = gradebook.find_submission_notebook(chapter, chapter, student)
        scores = {grade.name: (grade.score, grade.max_score) for grade in submitted.grades}
    notebook = safe_feedback_notebook(
        nbformat.read(autograded, as_version=4),
        nbformat.read(root / "release.ipynb", as_version=4),
        scores,
    )
    resources = {
        "nbgrader": {
            "notebook": chapter,
            "assignment": chapter,
            "student": student,
            "db_url": db_url,
        }
    }
    notebook, resources = GetGrades().preprocess(notebook, resources)
    html, _ = feedback_exporter().from_notebook_node(notebook, resources=resources)
    target = course_folder(root, "feedback", student, chapter) / f"{chapter}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html)
    return target


def warm_up() -> None:
    """Do once, in the fork server, the first-use work every grader process would repeat.

    Compiles the feedback templates, the syntax highlighter's patterns and the notebook schema by
    rendering a small graded notebook: a third of the grader process's CPU time otherwise.
    """
    test = v4.new_code_cell("assert softmax([0.0]).sum() == 1.0  # a test", execution_count=2)
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 1, "score": 0.0}
    test.outputs = [
        v4.new_output("stream", name="stdout", text="✗ failed (0 of 1 points)\n"),
        v4.new_output("error", ename="AssertionError", evalue="", traceback=["\x1b[0;31mx\x1b[0m"]),
    ]
    answer = v4.new_code_cell("def softmax(x):\n    return x", execution_count=1)
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "a"}
    answer.outputs = [v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    notebook = v4.new_notebook(
        cells=[v4.new_markdown_cell("# Title\n\nSome *prose*, `code` and $x^2$."), answer, test]
    )
    nbformat.validate(notebook)
    resources = {"nbgrader": {"score": 0.0, "max_score": 1.0, "late_penalty": 0}}
    feedback_exporter().from_notebook_node(notebook, resources=resources)
