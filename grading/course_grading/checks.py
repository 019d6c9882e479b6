"""A submission's problems, found by reading notebooks: before grading and after it."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from nbgrader.utils import compute_checksum

from course_grading.status import DIED_ENAME, TIMEOUT_ENAME, Status


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata (empty for a plain cell)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_ids(notebook) -> set[str]:
    """The ids of a notebook's exercise cells (answers and tests, not read-only setup cells)."""
    return {
        nbgrader_meta(c)["grade_id"]
        for c in notebook.cells
        if nbgrader_meta(c).get("grade") or nbgrader_meta(c).get("solution")
    }


def cells_by_id(notebook) -> dict:
    """The cells of ``notebook`` that have an nbgrader id, by id."""
    return {
        nbgrader_meta(c)["grade_id"]: c for c in notebook.cells if nbgrader_meta(c).get("grade_id")
    }


def exercise_names(release) -> list[str]:
    """The names the release's answer cells define at their top level: in a test, the student's."""
    from IPython.core.inputtransformer2 import TransformerManager

    names = set()
    for cell in release.cells:
        if cell.cell_type != "code" or not nbgrader_meta(cell).get("solution"):
            continue
        for node in ast.parse(TransformerManager().transform_cell(cell.source)).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            for target in getattr(node, "targets", [getattr(node, "target", None)]):
                names |= (
                    {n.id for n in ast.walk(target) if isinstance(n, ast.Name)} if target else set()
                )
    return sorted(names)


def setup_source(release) -> str:
    """The source of the release's setup cell (grade id ``setup``): the chapter's imports."""
    return next(
        (c.source for c in release.cells if nbgrader_meta(c).get("grade_id") == "setup"), ""
    )


def notebook_problems(
    path: Path, release, other_releases: dict[str, object]
) -> tuple[list[Status], list[str]]:
    """Statuses and reasons a submission earns before it runs: corrupt, wrong, tampered, missing.

    A locked cell (setup or test) whose nbgrader checksum differs from the release's is *tampered*;
    nbgrader restores it before grading. A cell of the release with an nbgrader id that the
    submission lacks (a deleted answer, test or setup cell) is *missing*; nbgrader adds deleted
    grade cells back (``OverwriteCells.add_missing_cells``) so the rest still earns its points.
    """
    if path.suffix != ".ipynb":
        return [Status.WRONG_NOTEBOOK], [f"{path.name} is not a notebook"]
    try:
        notebook = nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
        ids = cells_by_id(notebook)
    except Exception as error:  # any unreadable file is a corrupt submission
        return [Status.CORRUPT], [
            f"not a readable notebook ({type(error).__name__}: {error})"[:200]
        ]
    expected = cells_by_id(release)
    if not set(ids) & grade_ids(release):
        owner = [name for name, nb in other_releases.items() if set(ids) & grade_ids(nb)]
        return [Status.WRONG_NOTEBOOK], [
            f"this is chapter {owner[0]}'s notebook"
            if owner
            else "the notebook has none of this chapter's exercise cells"
        ]
    statuses, reasons = [], []
    edited = [
        grade_id
        for grade_id, cell in expected.items()
        if nbgrader_meta(cell).get("locked")
        and grade_id in ids
        and compute_checksum(ids[grade_id]) != compute_checksum(cell)
    ]
    if edited:
        statuses.append(Status.TAMPERED)
        reasons.append(f"edited read-only cells {', '.join(edited)} (restored before grading)")
    missing = [grade_id for grade_id in expected if grade_id not in ids]
    if missing:
        statuses.append(Status.MISSING_CELLS)
        reasons.append(f"deleted cells {', '.join(missing)} (grade cells added back)")
    return statuses, reasons


# An error a limit of `limits` raises in a cell that did not catch it, by the limit's kind.
OVER = {
    "disk": ("[Errno 28] No space left", "[Errno 27] File too large"),
    "processes": ("BlockingIOError: [Errno 11]", "can't start new thread"),
}


def failing_cells(notebook) -> dict[str, list[str]]:
    """The cells of an autograded notebook that timed out, killed the kernel, ran out of memory,
    or failed on a limit of `limits` (no space left, no process or thread to start).

    Each cell by its nbgrader id, or ``cell N`` (from 1) when it has none.
    """
    found: dict[str, list[str]] = {kind: [] for kind in ("timeout", "died", "memory", *OVER)}
    kinds = {TIMEOUT_ENAME: "timeout", DIED_ENAME: "died", "MemoryError": "memory"}
    for index, cell in enumerate(notebook.cells):
        name = nbgrader_meta(cell).get("grade_id") or f"cell {index + 1}"
        for output in cell.get("outputs", []):
            error = f"{output.get('ename')}: {output.get('evalue')}"
            over = [kind for kind, marks in OVER.items() if any(m in error for m in marks)]
            kind = kinds.get(output.get("ename")) or (over[0] if over else None)
            if kind and name not in found[kind]:
                found[kind].append(name)
    return found
