"""The demonstrations no test reads are tagged `skip-when-grading`, and only they.

`course grade` does not run a submitted cell identical to a tagged cell of the release, so grading
a chapter costs its imports, answers and tests, not its demonstration trainings. The grading
self-test checks that nothing a test needs was skipped; these checks say which cell is wrong first.
"""

import pytest

from tests.notebooks import (
    CHAPTER_IDS,
    SKIP_TAG,
    cells_no_test_needs,
    nbgrader,
    read,
    solution_path,
    student_path,
)

pytestmark = pytest.mark.unit


def tagged(notebook) -> list[int]:
    return [i for i, cell in enumerate(notebook.cells) if SKIP_TAG in cell.metadata.get("tags", [])]


def first_line(notebook, index: int) -> str:
    return f"cell {index} ({notebook.cells[index].source.splitlines()[0][:60]!r})"


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_every_demonstration_no_test_reads_is_tagged_and_nothing_else(chapter):
    notebook = read(solution_path(chapter))
    untagged = sorted(set(cells_no_test_needs(notebook)) - set(tagged(notebook)))
    needed = sorted(set(tagged(notebook)) - set(cells_no_test_needs(notebook)))
    assert not untagged, (
        f"tag {SKIP_TAG!r} on these cells, which no later test or answer reads: "
        f"{[first_line(notebook, i) for i in untagged]}"
    )
    assert not needed, (
        f"these tagged cells bind names a later test, answer or needed cell reads: "
        f"{[first_line(notebook, i) for i in needed]}"
    )


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_only_plain_code_cells_are_tagged_and_the_release_keeps_the_tags(chapter):
    solution, release = read(solution_path(chapter)), read(student_path(chapter))
    for index in tagged(solution):
        cell = solution.cells[index]
        assert cell.cell_type == "code" and not nbgrader(cell), first_line(solution, index)
    sources = {cell.source for cell in solution.cells if SKIP_TAG in cell.metadata.get("tags", [])}
    released = {cell.source for i, cell in enumerate(release.cells) if i in tagged(release)}
    assert released == sources, "run `make release`: chapters/ lost or changed tagged cells"
