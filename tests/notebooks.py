"""Reading the course's notebooks: chapters, their nbgrader cells and the markers inside them.

Besides the course's chapters there is `TINY`, a chapter for the grader's plumbing tests (shards,
zip input, the exchange, the sandbox's defences) that needs NumPy only, so that its kernels start
in a second: its source is in tests/tiny_course/, its student notebook is generated on first use.
"""

from __future__ import annotations

import ast
import atexit
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_IDS = sorted(
    path.name for path in (ROOT / "solutions").glob("[0-9][0-9]_*") if path.is_dir()
)

TINY = "00_tiny"
TINY_COURSE = ROOT / "tests" / "tiny_course"

SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
GRADE_SUFFIXES = ("_tests", "_hidden")


def solution_path(chapter: str) -> Path:
    root = TINY_COURSE if chapter == TINY else ROOT
    return root / "solutions" / chapter / f"{chapter}.ipynb"


def student_path(chapter: str) -> Path:
    if chapter == TINY:
        return tiny_student_folder() / f"{chapter}.ipynb"
    return ROOT / "chapters" / chapter / f"{chapter}.ipynb"


@functools.cache
def tiny_student_folder() -> Path:
    """The folder of `TINY`'s student notebook, generated (as `make release` does) once per
    process into a temporary course."""
    folder = Path(tempfile.mkdtemp(prefix="tiny-release-"))
    atexit.register(shutil.rmtree, folder, True)
    shutil.copytree(TINY_COURSE / "solutions", folder / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    nbgrader_command = Path(sys.executable).parent / "nbgrader"
    subprocess.run(
        [nbgrader_command, "generate_assignment", TINY, "--force", "--no-db", "--log-level=ERROR"],
        cwd=folder,
        env={**os.environ, "PATH": f"{nbgrader_command.parent}{os.pathsep}{os.environ['PATH']}"},
        check=True,
        capture_output=True,
    )
    return folder / "chapters" / TINY


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def answers_of(notebook) -> dict[str, str]:
    return {
        nbgrader(cell)["grade_id"]: cell.source
        for cell in notebook.cells
        if nbgrader(cell).get("solution")
    }


def submission(chapter: str, replacements: dict[str, str]) -> nbformat.NotebookNode:
    """The student notebook of ``chapter`` with the given answer cells filled in."""
    notebook = read(student_path(chapter))
    for cell in notebook.cells:
        grade_id = nbgrader(cell).get("grade_id")
        if grade_id in replacements:
            cell.source = replacements[grade_id]
    return notebook


def exercise_of(grade_id: str) -> str:
    """The exercise a grade id belongs to: ``ex02_softmax_hidden`` -> ``ex02_softmax``."""
    for suffix in GRADE_SUFFIXES:
        if grade_id.endswith(suffix):
            return grade_id[: -len(suffix)]
    return grade_id


@dataclass(frozen=True)
class GradeCell:
    grade_id: str
    points: float
    hidden: bool
    kind: str  # "code" (autograded) or "markdown" (manually graded)


def grade_cells(notebook) -> list[GradeCell]:
    cells = []
    for cell in notebook.cells:
        meta = nbgrader(cell)
        if meta.get("grade"):
            cells.append(
                GradeCell(
                    grade_id=meta["grade_id"],
                    points=float(meta["points"]),
                    hidden="### BEGIN HIDDEN TESTS" in cell.source,
                    kind=cell.cell_type,
                )
            )
    return cells


def _private_lines(notebook, patterns: tuple[re.Pattern, ...]) -> list[str]:
    """Lines inside the blocks ``patterns`` match that appear nowhere in the rest of the text.

    Short lines (``return x``, ``else:``) are left out: they could appear anywhere.
    """
    public_parts = []
    for cell in notebook.cells:
        text = cell.source
        for pattern in patterns:
            text = pattern.sub("", text)
        public_parts.append(text)
    public = "\n".join(public_parts)
    lines = []
    for cell in notebook.cells:
        for pattern in patterns:
            for block in pattern.findall(cell.source):
                lines += [
                    line.strip()
                    for line in block.splitlines()
                    if len(line.strip()) >= 20 and line.strip() not in public
                ]
    return lines


def model_answer_lines(notebook) -> list[str]:
    """Lines of the written questions' model answers that appear nowhere else in the notebook.

    A model answer is the whole markdown answer cell (no markers); its fence lines are left out.
    """
    answers = [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "markdown" and nbgrader(cell).get("solution")
    ]
    public = "\n".join(
        cell.source
        for cell in notebook.cells
        if not (cell.cell_type == "markdown" and nbgrader(cell).get("solution"))
    )
    return [
        line.strip()
        for answer in answers
        for line in answer.splitlines()
        if len(line.strip()) >= 20 and not line.startswith("```") and line.strip() not in public
    ]


def hidden_test_lines(notebook) -> list[str]:
    """Lines only hidden tests hold: they must reach neither students nor the book."""
    return _private_lines(notebook, (HIDDEN_BLOCK,))


def secret_lines(notebook) -> list[str]:
    """Lines only solutions and hidden tests hold: they must never reach students."""
    return _private_lines(notebook, (SOLUTION_BLOCK, HIDDEN_BLOCK))


SKIP_TAG = "skip-when-grading"


def names_of(source: str) -> tuple[set[str], set[str]]:
    """The names a cell binds (assigned, defined, imported, or whose attributes it sets) and the
    names it reads without binding them itself."""
    bound, read_names = set(), set()
    for node in ast.walk(ast.parse(TransformerManager().transform_cell(source))):
        if isinstance(node, ast.Name):
            (read_names if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            while isinstance(node, ast.Attribute):
                node = node.value
            if isinstance(node, ast.Name):
                bound.add(node.id)
    return bound, read_names - bound


def cells_no_test_needs(notebook) -> list[int]:
    """Indices of the plain code cells that bind no name a later graded, answer or needed cell
    reads: the demonstrations grading can skip (tag `SKIP_TAG`)."""
    needed: set[str] = set()
    skippable = []
    for index in reversed(range(len(notebook.cells))):
        cell = notebook.cells[index]
        if cell.cell_type != "code":
            continue
        bound, free = names_of(cell.source)
        if nbgrader(cell) or bound & needed:
            needed |= free
        else:
            skippable.append(index)
    return sorted(skippable)
