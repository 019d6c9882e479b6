"""One source: chapters/ is the release of solutions/: current, complete, free of secrets."""

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.notebooks import (
    CHAPTER_IDS,
    ROOT,
    exercise_of,
    grade_cells,
    nbgrader,
    read,
    secret_lines,
    solution_path,
    student_path,
)

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
VERSION = importlib.metadata.version("course-utils")


def test_there_are_chapters_and_each_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    assert CHAPTER_IDS, "no chapter found under solutions/"
    for chapter in CHAPTER_IDS:
        assert f"solutions/{chapter}/{chapter}" in toc


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "solutions", course / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    subprocess.run(  # every chapter in one nbgrader run ("*" matches each folder of solutions/)
        [
            Path(sys.executable).parent / "nbgrader",
            "generate_assignment",
            "*",
            "--force",
            "--no-db",
            "--log-level=ERROR",
        ],
        cwd=course,
        check=True,
        capture_output=True,
    )
    return course / "chapters"


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_committed_student_notebook_matches_a_fresh_release(chapter, fresh_release):
    fresh = read(fresh_release / chapter / f"{chapter}.ipynb")
    committed = read(student_path(chapter))
    assert len(committed.cells) == len(fresh.cells), "run `make release` and commit chapters/"
    for index, (old, new) in enumerate(zip(committed.cells, fresh.cells, strict=True)):
        assert (old.cell_type, old.source, old.metadata) == (
            new.cell_type,
            new.source,
            new.metadata,
        ), f"cell {index} of chapters/{chapter} is stale: run `make release` and commit chapters/"


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_student_notebook_holds_no_solution_or_hidden_test(chapter):
    text = student_path(chapter).read_text()
    leaked = [line for line in secret_lines(read(solution_path(chapter))) if line in text]
    assert not leaked, f"chapters/{chapter} shows solution or hidden-test lines: {leaked[:3]}"
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
@pytest.mark.parametrize("path_of", [solution_path, student_path], ids=["solutions", "chapters"])
def test_notebooks_are_committed_without_outputs(chapter, path_of):
    for cell in read(path_of(chapter)).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_solution_cells_are_tagged_hide_input(chapter):
    for cell in read(solution_path(chapter)).cells:
        if cell.cell_type == "code" and nbgrader(cell).get("solution"):
            assert "hide-input" in cell.metadata.get("tags", []), nbgrader(cell)["grade_id"]


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_hidden_tests_are_separate_cells_tagged_remove_cell(chapter):
    for cell in read(solution_path(chapter)).cells:
        tags = cell.metadata.get("tags", [])
        if "### BEGIN HIDDEN TESTS" in cell.source:
            assert "remove-cell" in tags and nbgrader(cell).get("grade")
            assert nbgrader(cell)["grade_id"].endswith("_hidden")
            outside = (
                cell.source.split("### BEGIN HIDDEN TESTS")[0]
                + cell.source.split("### END HIDDEN TESTS")[1]
            )
            assert all(line.startswith("#") for line in outside.split("\n") if line.strip())
        else:
            assert "remove-cell" not in tags


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_each_chapter_has_three_exercises_with_visible_and_hidden_tests(chapter):
    notebook = read(solution_path(chapter))
    answers = [
        nbgrader(cell)["grade_id"]
        for cell in notebook.cells
        if cell.cell_type == "code" and nbgrader(cell).get("solution")
    ]
    graded = grade_cells(notebook)
    assert len(answers) >= 3
    for answer in answers:
        ids = {cell.grade_id: cell for cell in graded if exercise_of(cell.grade_id) == answer}
        assert set(ids) == {f"{answer}_tests", f"{answer}_hidden"}, answer
        assert ids[f"{answer}_hidden"].hidden and not ids[f"{answer}_tests"].hidden
    assert any(cell.kind == "markdown" for cell in graded), "no manually graded written question"


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_exercise_headings_state_the_points_the_cells_award(chapter):
    notebook = read(solution_path(chapter))
    points = {}
    for cell in grade_cells(notebook):
        points[exercise_of(cell.grade_id)] = points.get(exercise_of(cell.grade_id), 0) + cell.points
    headings = [
        line
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("### ") and "point" in line
    ]
    assert len(headings) == len(points)
    for heading, total in zip(headings, points.values(), strict=True):
        assert f"({total:g} point" in heading, f"{heading!r} should say {total:g} points"


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_opens_with_a_colab_badge_for_the_student_notebook(chapter):
    first = read(solution_path(chapter)).cells[0]
    assert first.cell_type == "markdown"
    repository = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    assert (
        f"https://colab.research.google.com/github/{repository}/blob/main/chapters/{chapter}/{chapter}.ipynb"
        in first.source
    )


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_setup_cell_installs_the_pinned_release_on_colab_only(chapter):
    setup = next(cell for cell in read(solution_path(chapter)).cells if cell.cell_type == "code")
    assert nbgrader(setup) == {**nbgrader(setup), "grade_id": "setup", "locked": True}
    assert 'if "google.colab" in sys.modules:' in setup.source
    assert f'git+{CONFIG["repository"]["url"]}@v{VERSION}"' in setup.source
    assert "from course_utils import" in setup.source


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_written_answers_hold_a_model_answer_without_markers(chapter):
    for cell in read(solution_path(chapter)).cells:
        if cell.cell_type == "markdown" and nbgrader(cell).get("solution"):
            assert "{dropdown}" in cell.source and "BEGIN SOLUTION" not in cell.source
