"""The grader's pure core on tiny nbformat.v4 notebooks: no kernel, no sandbox, seconds in all.

Status classification, notebook problems, failing cells, safe feedback, gathering, grades.csv,
both preprocessors, the configuration and the temporary course's nbgrader configuration.
`make test-quick` runs these (marker ``unit``); tests/test_course_grade.py grades real batches.
"""

from __future__ import annotations

import csv
import json
import os
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import DeadKernelError
from nbformat import v4
from nbgrader.preprocessors import Execute, SaveAutoGrades
from traitlets.config import Config
from traitlets.config.loader import JSONFileConfigLoader

from course_grading import batch, checks, cli, preprocessors, sandbox, settings, shards, workspace
from course_grading.checks import failing_cells, notebook_problems
from course_grading.course import GradingError, run_nbgrader
from course_grading.feedback import safe_feedback_notebook
from course_grading.inputs import NO_MATCH, gather
from course_grading.limits import Limits
from course_grading.preprocessors import (
    CheckedExecute,
    SafeExecute,
    checked_execute,
)
from course_grading.preprocessors.safe_execute import SKIP_TAG, SKIPPED_NOTE
from course_grading.record import record_files, write_grades
from course_grading.status import (
    CSV_FIELDS,
    DIED_ENAME,
    NOT_RUN_ENAME,
    STATUSES,
    TIMEOUT_ENAME,
    Result,
    Status,
    classify,
    last_exception,
    summary_problems,
)
from tests.notebooks import ROOT

pytestmark = pytest.mark.unit


# --------------------------------------------------------------------------------------------
# Tiny notebooks with nbgrader metadata


def answer(grade_id: str, source: str = "x = 1") -> nbformat.NotebookNode:
    cell = v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False}
    cell.metadata["nbgrader"]["solution"] = True
    return cell


def graded_test(grade_id: str, source: str = "assert x == 1", points: int = 2):
    cell = v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": grade_id,
        "locked": True,
        "points": points,
        "solution": False,
    }
    return cell


def setup(grade_id: str = "setup", source: str = "import numpy as np"):
    cell = v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": False,
        "grade_id": grade_id,
        "locked": True,
        "solution": False,
    }
    return cell


def release(prefix: str = "ex01") -> nbformat.NotebookNode:
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# A chapter"),
            setup(),
            answer(f"{prefix}_answer"),
            graded_test(f"{prefix}_answer_tests"),
        ]
    )


def write(notebook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def error(ename: str, evalue: str = "") -> nbformat.NotebookNode:
    return v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: hidden"])


# --------------------------------------------------------------------------------------------
# Statuses


def test_statuses_are_an_enum_that_reads_as_its_csv_value():
    assert STATUSES == tuple(status.value for status in Status)
    assert Status.WRONG_NOTEBOOK == "wrong-notebook"
    assert f"{Status.MISSING_CELLS}" == str(Status.MISSING_CELLS) == "missing-cells"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], Status.GRADED),
        ([Status.TIMEOUT], Status.TIMEOUT),
        ([Status.TIMEOUT, Status.ERROR], Status.ERROR),
        (["missing-cells", "tampered", "timeout"], Status.TAMPERED),
        ([Status.ERROR, Status.MISSING_CELLS], Status.MISSING_CELLS),
        ([Status.TIMEOUT, Status.WRONG_NOTEBOOK, Status.CORRUPT], Status.CORRUPT),
        ([Status.SUSPICIOUS], Status.SUSPICIOUS),
        ([Status.SUSPICIOUS, Status.TIMEOUT], Status.TIMEOUT),
        ([Status.SUSPICIOUS, Status.TAMPERED], Status.TAMPERED),
    ],
)
def test_classify_takes_the_first_status_in_precedence(statuses, expected):
    assert classify(statuses) is expected


def test_summary_problems_names_each_failing_cell_and_the_limits():
    summary = {
        "failure": None,
        "cells": {"died": ["ex01_b"], "memory": ["cell 7"], "timeout": ["ex01_a", "cell 3"]},
    }
    statuses, reasons = summary_problems(summary, timeout=20, memory_gib=2.5)
    assert statuses == [Status.ERROR, Status.ERROR, Status.TIMEOUT]
    assert reasons == [
        "the kernel died in ex01_b; later cells not run",
        "MemoryError in cell 7 (memory limit 2.5 GiB)",
        "ex01_a, cell 3 ran over 20 s",
    ]
    assert summary_problems(None, timeout=20, memory_gib=2.5) == ([], [])
    failed = {"failure": "nbgrader autograde exited with 1", "cells": {}}
    assert summary_problems(failed, timeout=1, memory_gib=1) == (
        [Status.ERROR],
        ["nbgrader autograde exited with 1"],
    )


def test_last_exception_is_the_verdict_of_the_last_traceback():
    log = (
        "[AutogradeApp | WARNING] something\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "ValueError: first\n"
        "Traceback (most recent call last):\n"
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked\n"
        "done\n"
    )
    assert last_exception(log).startswith("sqlalchemy.exc.OperationalError: (sqlite3")
    assert last_exception("no error here\n") == ""


def test_a_result_row_holds_exactly_the_csv_fields_with_the_status_value():
    result = Result("ann", "01", 3.0, 5.0, Status.TIMEOUT, "slow", "ann.ipynb", grades={"a": 1})
    assert result.row() == {
        "student_id": "ann",
        "chapter": "01",
        "score": 3.0,
        "max_score": 5.0,
        "status": "timeout",
        "reason": "slow",
        "file": "ann.ipynb",
        "sha256": "",
    }
    assert type(result.row()["status"]) is str


# --------------------------------------------------------------------------------------------
# Notebook problems


def test_a_clean_submission_has_no_problem(tmp_path):
    assert notebook_problems(write(release(), tmp_path / "a.ipynb"), release(), {}) == ([], [])


def test_a_file_that_is_not_a_notebook_is_the_wrong_notebook(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    statuses, reasons = notebook_problems(tmp_path / "notes.txt", release(), {})
    assert (statuses, reasons) == ([Status.WRONG_NOTEBOOK], ["notes.txt is not a notebook"])


@pytest.mark.parametrize("content", [b'{"cells": [', b"\xff\xfe not utf-8", b"[]"])
def test_an_unreadable_notebook_is_corrupt_and_says_why(tmp_path, content):
    (tmp_path / "a.ipynb").write_bytes(content)
    statuses, reasons = notebook_problems(tmp_path / "a.ipynb", release(), {})
    assert statuses == [Status.CORRUPT]
    assert reasons[0].startswith("not a readable notebook (") and len(reasons[0]) <= 200


def test_another_chapters_notebook_is_named(tmp_path):
    other = release("ex02")
    path = write(other, tmp_path / "a.ipynb")
    statuses, reasons = notebook_problems(path, release(), {"02_other": other})
    assert (statuses, reasons) == ([Status.WRONG_NOTEBOOK], ["this is chapter 02_other's notebook"])
    statuses, reasons = notebook_problems(path, release(), {})
    assert reasons == ["the notebook has none of this chapter's exercise cells"]


def test_an_edited_test_is_tampered_and_a_deleted_cell_missing(tmp_path):
    notebook = release()
    notebook.cells[3].source = "pass"  # the test
    del notebook.cells[1]  # the setup cell
    notebook.cells[1].source = "x = 2"  # an answer may change: no problem
    statuses, reasons = notebook_problems(write(notebook, tmp_path / "a.ipynb"), release(), {})
    assert statuses == [Status.TAMPERED, Status.MISSING_CELLS]
    assert reasons == [
        "edited read-only cells ex01_answer_tests (restored before grading)",
        "deleted cells setup (grade cells added back)",
    ]


def test_failing_cells_names_cells_by_grade_id_or_number():
    notebook = release()
    notebook.cells[1].outputs = [error(TIMEOUT_ENAME)]
    notebook.cells[2].outputs = [error("MemoryError"), error("MemoryError")]
    notebook.cells[3].outputs = [error(DIED_ENAME), error("AssertionError")]
    extra = v4.new_code_cell("y")
    extra.outputs = [error(TIMEOUT_ENAME)]
    notebook.cells.append(extra)
    assert failing_cells(notebook) == {
        "timeout": ["setup", "cell 5"],
        "died": ["ex01_answer_tests"],
        "memory": ["ex01_answer"],
        "disk": [],
        "processes": [],
    }


# --------------------------------------------------------------------------------------------
# Feedback without hidden tests


def test_safe_feedback_hides_hidden_tests_and_their_tracebacks():
    public = release()
    autograded = release()
    secret = "### BEGIN HIDDEN TESTS\nassert x != 42\n### END HIDDEN TESTS"
    autograded.cells[3].source += "\n" + secret
    autograded.cells[3].outputs = [
        v4.new_output("stream", name="stdout", text="checking\n"),
        error("AssertionError", "x is wrong"),
    ]
    safe = safe_feedback_notebook(autograded, public, {"ex01_answer_tests": (0.0, 2.0)})
    cell = safe.cells[3]
    assert cell.source == public.cells[3].source
    assert [output.text for output in cell.outputs] == [
        "✗ failed (0 of 2 points): AssertionError: x is wrong\n"
    ]
    assert "HIDDEN" in autograded.cells[3].source, "the autograded notebook is not changed"
    assert "x != 42" not in json.dumps(safe)  # (cell ids are random: "42" alone may be in one)


def test_safe_feedback_keeps_a_visible_tests_output_and_adds_its_points():
    autograded = release()
    autograded.cells[3].outputs = [v4.new_output("stream", name="stdout", text="ok\n")]
    safe = safe_feedback_notebook(autograded, release(), {"ex01_answer_tests": (2.0, 2.0)})
    assert [output.text for output in safe.cells[3].outputs] == [
        "ok\n",
        "✓ passed (2 of 2 points)\n",
    ]
    assert safe.cells[2].outputs == [] and safe.cells[1].outputs == []


def test_safe_feedback_without_a_score_counts_the_cells_points_and_a_bare_error():
    autograded = release()
    autograded.cells[3].outputs = [error("NotImplementedError")]
    safe = safe_feedback_notebook(autograded, release(), {})
    assert safe.cells[3].outputs[-1].text == "✗ failed (0 of 2 points): NotImplementedError\n"


# --------------------------------------------------------------------------------------------
# Gathering submissions


def test_a_folder_of_notebooks_is_one_student_per_file(tmp_path):
    inbox = tmp_path / "inbox"
    write(release(), inbox / "bob.ipynb")
    write(release(), inbox / "ann.ipynb")
    (inbox / "notes.txt").write_text("stray")
    (inbox / ".hidden.ipynb").write_text("{}")
    found = gather(inbox, "01", workdir=tmp_path / "work")
    assert [(s.student_id, s.origin, s.notes) for s in found] == [
        ("ann", "ann.ipynb", []),
        ("bob", "bob.ipynb", []),
        ("notes", "notes.txt", []),
    ]


def test_a_folder_per_student_takes_the_chapters_notebook_and_its_timestamp(tmp_path):
    inbox = tmp_path / "submitted"
    folder = inbox / "ann" / "01"
    write(release(), folder / "01.ipynb")
    write(release(), folder / "scratch.ipynb")
    (folder / "timestamp.txt").write_text("2026-01-02 03:04:05")
    write(release(), inbox / "bob" / "a.ipynb")
    os.utime(inbox / "bob" / "a.ipynb", (1e9, 1e9))
    write(release(), inbox / "bob" / "b.ipynb")
    ann, bob = gather(inbox, "01", workdir=tmp_path / "work")
    assert (ann.origin, str(ann.timestamp), ann.notes) == (
        "ann/01/01.ipynb",
        "2026-01-02 03:04:05",
        [],
    )
    assert (bob.origin, bob.notes) == ("bob/b.ipynb", ["newest of 2 notebooks in the folder"])


def test_a_regexp_names_students_keeps_the_newest_and_reports_what_it_does_not_match(tmp_path):
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in (
            "ann_attempt_20260101T120000_01.ipynb",
            "ann_attempt_20260102T120000_01.ipynb",
            "bob_attempt_20260101T120000_01.ipynb",
            "Carol Smith 01.ipynb",
            "readme.txt",
        ):
            zipped.writestr(name, nbformat.writes(release()))
    regexp = r"(?P<student_id>[a-z]+)_attempt_(?P<timestamp>[0-9T]+)_(?P<file_id>.+)"
    found = gather(archive, "01", workdir=tmp_path / "work", regexp=regexp)
    by_id = {s.student_id: s for s in found}
    assert sorted(by_id) == ["Carol Smith 01", "ann", "bob", "readme"]
    assert by_id["ann"].origin.endswith("ann_attempt_20260102T120000_01.ipynb")
    assert by_id["ann"].notes == ["resubmitted: ann_attempt_20260101T120000_01.ipynb superseded"]
    assert by_id["bob"].notes == []
    assert by_id["Carol Smith 01"].notes == [NO_MATCH] == by_id["readme"].notes


def test_a_missing_input_or_a_file_that_is_no_zip_is_refused(tmp_path):
    with pytest.raises(GradingError, match="no such submissions folder"):
        gather(tmp_path / "nowhere", "01", workdir=tmp_path / "work")
    (tmp_path / "class.tar").write_text("x")
    with pytest.raises(GradingError, match="neither a folder nor a .zip"):
        gather(tmp_path / "class.tar", "01", workdir=tmp_path / "work")


# --------------------------------------------------------------------------------------------
# Recording: grades.csv and the files kept


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def row(student: str, chapter: str, score: float, status: str = "graded") -> dict:
    return Result(student, chapter, score, 5.0, Status(status), "", f"{student}.ipynb").row()


def test_grades_csv_replaces_this_runs_students_of_the_chapter_only(tmp_path):
    path = tmp_path / "grades.csv"
    write_grades(path, [row("bob", "02", 1), row("ann", "02", 2), row("ann", "01", 3)], "02")
    write_grades(path, [row("ann", "02", 5, "timeout"), row("cy", "02", 0, "corrupt")], "02")
    rows = read_rows(path)
    assert list(rows[0]) == list(CSV_FIELDS)
    assert [(r["chapter"], r["student_id"], r["score"], r["status"]) for r in rows] == [
        ("01", "ann", "3", "graded"),
        ("02", "ann", "5", "timeout"),
        ("02", "bob", "1", "graded"),
        ("02", "cy", "0", "corrupt"),
    ]
    assert not (tmp_path / "grades.csv.tmp").exists()


def test_a_result_that_is_not_graded_keeps_its_grader_log(tmp_path):
    from course_grading.inputs import Submission

    course, temporary = tmp_path / "course", tmp_path / "temporary"
    notebook = write(release(), tmp_path / "inbox" / "ann.ipynb")
    (temporary / "autograded").mkdir(parents=True)
    write(release(), temporary / "autograded" / "01.ipynb")
    (temporary / "grader.log").write_text("Traceback ...\nKeyError: 'x'\n")
    result = Result("ann", "01", 0, 5, Status.ERROR, "KeyError", "ann.ipynb")
    result.autograded, result.log = str(temporary / "autograded"), str(temporary / "grader.log")
    record_files(course, "01", result, Submission("ann", notebook, "ann.ipynb"))
    kept = course / "autograded" / "ann" / "01"
    assert sorted(p.name for p in kept.iterdir()) == ["01.ipynb", "grader.log"]
    assert (course / "submitted" / "ann" / "01" / "01.ipynb").exists()
    result.log = None
    record_files(course, "01", result, Submission("ann", notebook, "ann.ipynb"))
    assert sorted(p.name for p in kept.iterdir()) == ["01.ipynb"]


# --------------------------------------------------------------------------------------------
# The preprocessors


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


def test_the_exercise_names_are_what_the_releases_answer_cells_define():
    notebook = release()
    notebook.cells[2].source = (
        "import math\n\ndef softmax(x):\n    raise NotImplementedError\n\n"
        "class Snapshots:\n    pass\n\nTHRESHOLD, (low, high) = 0.5, (0, 1)\n"
    )
    assert checks.exercise_names(notebook) == ["Snapshots", "THRESHOLD", "high", "low", "softmax"]
    assert checks.setup_source(notebook) == "import numpy as np"


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


def test_all_cells_leaves_the_release_out_of_the_grading_config(tmp_path):
    config = Config()
    sockets = tmp_path / "sockets"
    skipping = workspace.grading_config(tmp_path, config, workspace.Options(), sockets, [])
    assert skipping.SafeExecute.release == str(tmp_path / "release.ipynb")
    every_cell = workspace.Options(all_cells=True)
    every = workspace.grading_config(tmp_path, config, every_cell, sockets, [])
    assert "release" not in every.SafeExecute


def test_a_failing_nbgrader_command_says_what_nbgrader_said(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("")
    with pytest.raises(GradingError, match="nbgrader generate_assignment nope failed") as error:
        run_nbgrader(tmp_path, "generate_assignment", "nope")
    assert "No notebooks were matched" in str(error.value)


def test_the_preloaded_schema_revision_is_the_one_nbgrader_asks_alembic_for():
    asked = subprocess.run(
        [sys.executable, "-c", "import nbgrader.api; print(nbgrader.api.get_alembic_version())"],
        capture_output=True,
        text=True,
        check=True,
    )
    from course_grading import preload

    assert asked.stdout.strip() == preload.SCHEMA_REVISION != ""


def test_the_autograde_list_is_nbgraders_own_with_ours_in_place():
    names = preprocessors.autograde_preprocessors()
    default = [preprocessors.dotted(p) for p in preprocessors.Autograde().autograde_preprocessors]
    sanitize = "nbconvert.preprocessors.sanitize.SanitizeHTML"
    assert names == [preprocessors.dotted(CheckedExecute), sanitize, *default[1:]]
    with pytest.raises(RuntimeError, match="changed"):
        preprocessors.autograde_preprocessors([SaveAutoGrades])


# --------------------------------------------------------------------------------------------
# Configuration


def config_of(**grade) -> Config:
    config = Config()
    config.CourseDirectory.course_id = "digits"
    for name, value in grade.items():
        setattr(config.CourseGrade, name, value)
    return config


def test_course_grade_reads_typed_settings_and_options_override_them():
    config = config_of(timeout=30, chapter_timeouts={"04": 90}, memory_gib=3, figures=True)
    grade = settings.course_grade(config, jobs=2, memory_gib=None)
    assert (grade.timeout_for("01"), grade.timeout_for("04")) == (30, 90)
    assert (grade.memory_gib, grade.figures, grade.jobs, grade.sandbox) == (3.0, True, 2, "auto")
    assert settings.course_id(config) == "digits" and settings.course_id(Config()) == "course"


@pytest.mark.parametrize(
    ("grade", "overrides", "message"),
    [
        ({"timout": 30}, {}, "unknown option CourseGrade.timout; did you mean timeout"),
        ({"timeout": "60"}, {}, "timeout"),
        ({"timeout": 0}, {}, "timeout"),
        ({"chapter_timeouts": {"04": -5}}, {}, "chapter_timeouts"),
        ({"memory_gib": 0}, {}, "memory_gib must be more than 0"),
        ({"sandbox": "docker"}, {}, "sandbox"),
        ({}, {"jobs": 0}, "jobs"),
        ({}, {"timeout": -1}, "timeout"),
    ],
)
def test_course_grade_reports_typos_wrong_types_and_values(grade, overrides, message):
    with pytest.raises(GradingError, match=message):
        settings.course_grade(config_of(**grade), **overrides)


def test_a_misspelt_section_is_reported():
    config = config_of()
    config.CourseGrades.timeout = 30
    with pytest.raises(GradingError, match="unknown section CourseGrades"):
        settings.course_grade(config)


def test_the_courses_own_settings_are_valid():
    grade = settings.course_grade(settings.load_config(ROOT))
    assert grade.timeout_for("01_data_and_baseline") == grade.timeout
    assert grade.timeout_for("04_cnn") > grade.timeout


def test_course_grade_help_all_lists_the_settings(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parse_arguments(["grade", "--help-all"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--timeout" in out and "c.CourseGrade.chapter_timeouts=" in out


def test_help_lists_every_setting_as_nbgrader_config_writes_it():
    text = settings.help_text()
    for name in settings.CourseGrade.class_trait_names(config=True):
        assert f"c.CourseGrade.{name}=" in text


@pytest.mark.parametrize(
    ("option", "text", "message"),
    [
        ("--jobs", "0", "jobs.*not be less than 1"),
        ("--timeout", "-2", "timeout.*not be less than 1"),
        ("--disk", "x", "invalid literal for int"),
        ("--memory", "0", "memory_gib must be more than 0"),
        ("--cpus", "-1", "cpus must be more than 0"),
        ("--sandbox", "docker", "sandbox.*auto.*bwrap.*none"),
    ],
)
def test_an_option_is_checked_by_its_setting(option, text, message):
    arguments = cli.parse_arguments(["grade", "01", "inbox", option, text])
    overrides = {name: getattr(arguments, name) for name in settings.options()}
    with pytest.raises(GradingError, match=message):
        settings.course_grade(Config(), **overrides)


def test_every_option_is_one_setting_declared_once(capsys):
    import inspect

    arguments = cli.parse_arguments(["grade", "01", "inbox", "--memory", "2.5", "-j", "3"])
    traits = settings.options()
    assert set(traits) == set(settings.CourseGrade.class_trait_names(config=True)) - {
        "chapter_timeouts"
    }
    assert {name: getattr(arguments, name) for name in traits} == {
        **dict.fromkeys(traits),
        "memory_gib": "2.5",
        "jobs": "3",
    }
    chosen = settings.course_grade(config_of(timeout=30, chapter_timeouts={"04": 90}), timeout="5")
    assert (chosen.memory_gib, chosen.timeout_for("04")) == (4.0, 5), "the option holds for all"
    source = inspect.getsource(cli)
    assert not [t.metadata["option"] for t in traits.values() if t.metadata["option"] in source]
    with pytest.raises(SystemExit):
        cli.parse_arguments(["grade", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert " ".join(traits["memory_gib"].help.split()) in shown, "its help is the trait's"


def test_the_temporary_courses_config_is_the_courses_plus_grading_as_json(tmp_path):
    course = config_of(timeout=30)
    course.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    course.Execute.timeout = 120
    options = workspace.Options(timeout=25, sandbox="/usr/bin/bwrap", checker="/run/checker")
    names = ["softmax", "train_step"]
    config = workspace.grading_config(tmp_path, course, options, tmp_path / "sockets", names)
    path = workspace.write_config(tmp_path, config)
    loaded = JSONFileConfigLoader(path.name, path=str(tmp_path)).load_config()
    assert loaded.ClearSolutions.text_stub == "YOUR ANSWER HERE"
    assert loaded.Execute.timeout == 25 and loaded.Execute.kernel_name == sandbox.KERNEL_NAME
    assert loaded.CourseDirectory.root == str(tmp_path)
    assert loaded.CourseDirectory.db_url == f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert loaded.CourseDirectory.course_id == "digits"
    assert loaded.Autograde.autograde_preprocessors == preprocessors.autograde_preprocessors()
    assert loaded.KernelManager.transport == "ipc"
    assert loaded.CheckedExecute.checker_socket == "/run/checker"
    assert loaded.CheckedExecute.exercise_names == names
    assert loaded.SanitizeHTML.enabled is True and "script" not in loaded.SanitizeHTML.tags
    assert "CourseGrade" not in loaded and course.Execute.timeout == 120
    unsandboxed = workspace.grading_config(tmp_path, course, workspace.Options(), tmp_path, [])
    assert "KernelManager" not in unsandboxed


# --------------------------------------------------------------------------------------------
# The kernel script


def test_without_a_sandbox_the_kernel_script_limits_memory_and_file_size_and_clears_the_env(
    tmp_path,
):
    script = sandbox.kernel_script(sandbox=None, sockets=tmp_path, limits=Limits(memory_gib=1.5))
    lines = script.splitlines()
    assert lines[:2] == ["#!/bin/sh", f"ulimit -v {int(1.5 * 1024 * 1024)} || exit 1"]
    assert lines[2] == "ulimit -f 1048576 || exit 1", "512 MiB in 512-byte blocks"
    assert shlex.split(lines[-1]) == [
        "exec",
        "env",
        "-i",
        "$@",
        "HOME=$HOME",
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "-f",
        "$connection",
    ]


ARITY = {
    "--tmpfs": 1,
    "--ro-bind": 2,
    "--bind": 2,
    "--symlink": 2,
    "--dev": 1,
    "--proc": 1,
    "--setenv": 2,
    "--clearenv": 0,
    "--perms": 1,
    "--dir": 1,
    "--chdir": 1,
    "--size": 1,
    "--remount-ro": 1,
    "--cap-drop": 1,
    # the kept environment, the folders above the working folder, the working folder in a
    # tmpfs, the files nbgrader put there (no notebook), bound read-only: built by the script
    "$@": 0,
    **{flag: 0 for flag in sandbox.ISOLATION},
}


def bwrap_options(script: str) -> tuple[list[tuple[str, ...]], list[str]]:
    """The bwrap options of a kernel script, each with its arguments, and the command it runs."""
    words = shlex.split(script.splitlines()[-1])
    assert words[:2] == ["exec", "/usr/bin/bwrap"]
    separator = words.index("--")
    options, index = [], 2
    while index < separator:
        flag = words[index]
        assert flag in ARITY, f"an option nobody reviewed: {flag}"
        options.append(tuple(words[index : index + 1 + ARITY[flag]]))
        index += 1 + ARITY[flag]
    return options, words[separator + 1 :]


def test_the_sandboxed_kernel_is_isolated_and_sees_only_what_it_needs(tmp_path):
    from course_utils import __file__ as package_init

    sockets = tmp_path / "sockets"
    script = sandbox.kernel_script(sandbox="/usr/bin/bwrap", sockets=sockets, limits=Limits())
    assert script.splitlines()[1] == f"ulimit -v {4 * 1024 * 1024} || exit 1"
    options, command = bwrap_options(script)
    assert command[-5:] == [sys.executable, "-m", "ipykernel_launcher", "-f", "$connection"]
    flags = [option[0] for option in options]
    for flag in sandbox.ISOLATION:  # no network, no other processes, dies with the grader
        assert flags.count(flag) == 1, flag
    assert {"--unshare-net", "--unshare-pid", "--die-with-parent", "--clearenv"} <= set(flags)
    assert options[:3] == [("--perms", "1777"), ("--size", str(512 * 2**20)), ("--tmpfs", "/tmp")]
    writable = [option[1:] for option in options if option[0] == "--bind"]
    assert writable == [(str(sockets), str(sockets))]
    read_only = {option[1] for option in options if option[0] == "--ro-bind"}
    assert all(option[1] == option[2] for option in options if option[0] == "--ro-bind")
    assert "$connection" in read_only, "the connection file"
    assert str(Path(sys.prefix).resolve()) in read_only or sys.prefix.startswith("/usr/")
    assert str(Path(package_init).resolve().parent) in read_only, "course_utils, for the chapters"
    solutions = Path(__file__).resolve().parents[1] / "solutions"
    for source in read_only - {"$connection"}:
        assert not solutions.is_relative_to(source), f"{source} would show solutions/"
    assert "/" not in read_only
    assert ("--dev", "/dev") in options and ("--proc", "/proc") in options
    assert ("--setenv", "HOME", "/tmp") in options
    assert options[-1] == ("--chdir", "$PWD")
    assert "*.ipynb) continue;" in script, "the notebook itself is not bound in"
    assert f"for name in {' '.join(sandbox.ENVIRONMENT)}; do" in script
    if os.geteuid() == 0:  # root becomes nobody, without capabilities
        assert command[: command.index("--") + 1] == sandbox.unprivileged()
        assert f"--reuid={sandbox.NOBODY}" in command and "--bounding-set=-all" in command


def test_the_checker_zygote_runs_sandboxed_with_the_graders_package_read_only(tmp_path):
    import course_grading

    environment = {"PATH": "/usr/bin", "OMP_NUM_THREADS": "1", "SECRET": "s3cr3t"}
    command = sandbox.checker_command("/usr/bin/bwrap", Limits(), tmp_path, environment)
    separator = command.index("--")
    options, run = command[:separator], command[separator + 1 :]
    assert run[-4:] == ["-m", "course_grading.checker", str(tmp_path / sandbox.CHECKER_SOCKET),
                        str(tmp_path / "setup.py")]  # fmt: skip
    package = str(Path(course_grading.__file__).resolve().parent)
    pairs = list(zip(options, options[1:], strict=False))
    assert ("--ro-bind", package) in pairs and ("--bind", str(tmp_path)) in pairs
    assert "--clearenv" in options and "--unshare-net" in options
    assert ("--setenv", "OMP_NUM_THREADS") in pairs and "SECRET" not in options
    assert "--unshare-pid" not in options, "its checkers' pids join the submissions' cgroups"
    if os.geteuid() == 0:
        assert run[: len(sandbox.unprivileged())] == sandbox.unprivileged()
    assert sandbox.checker_command(None, Limits(), tmp_path, environment) == run[-5:]


def test_the_folders_above_what_is_bound_are_made_readable_by_all():
    def folders(places):
        options = sandbox.folders_above(places)
        assert options[::4] == ["--perms"] * (len(options) // 4) and options[1::4] == ["0755"] * (
            len(options) // 4
        )
        return options[3::4]

    assert folders(["/root/.pyenv/versions/3", "/tmp/run/a/sockets"]) == [
        "/root",
        "/root/.pyenv",
        "/tmp/run",
        "/root/.pyenv/versions",
        "/tmp/run/a",
    ], "from the top down, / and /tmp left alone"
    assert folders(["/work/venv", "/work/venv/lib/package"]) == ["/work"], "none inside a bind"


# --------------------------------------------------------------------------------------------
# The layout: one job per module, imports pointing one way

LAYERS = (
    "status",
    "course",
    "settings",
    "inputs",
    "checks",
    "crossing",
    "agent",
    "student",
    "checker",
    "limits",
    "sandbox",
    "preprocessors",
    "workspace",
    "feedback",
    "worker",
    "preload",
    "runner",
    "record",
    "shards",
    "batch",
    "exchange",
    "cli",
)
PACKAGE = Path(preprocessors.__file__).resolve().parents[1]


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return relative.parts[0]


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_each_module_is_small_and_imports_only_the_layers_below_it(path):
    import ast

    assert len(path.read_text().splitlines()) <= 300
    if path.name == "__init__.py" and path.parent == PACKAGE:
        return
    layer = layer_of(path)
    assert layer in LAYERS, f"add {layer} to LAYERS (and to the package docstring)"
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "course_grading" and len(parts) > 1 and parts[1] in LAYERS:
                imported.add(parts[1])
    below = set(LAYERS[: LAYERS.index(layer)])
    assert imported - {layer} <= below, f"{layer} imports {sorted(imported - {layer} - below)}"


# --------------------------------------------------------------------------------------------
# Shards


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "-1/2", "1/0"])
def test_a_shard_is_k_of_n_from_one(text):
    with pytest.raises(ValueError, match="K/N"):
        shards.parse_shard(text)
    assert shards.parse_shard(" 2/3 ") == (2, 3)
    with pytest.raises(SystemExit):
        cli.parse_arguments(["grade", "01", "inbox", "--shard", text])


def test_shards_are_disjoint_deterministic_slices_that_cover_the_class(tmp_path):
    from course_grading.inputs import Submission

    students = [Submission(name, tmp_path / name, name) for name in "gdaefcbh"]
    slices = [shards.select(students, (k, 3)) for k in (1, 2, 3)]
    names = [[s.student_id for s in part] for part in slices]
    assert names == [["a", "d", "g"], ["b", "e", "h"], ["c", "f"]]
    assert names == [
        [s.student_id for s in shards.select(students[::-1], (k, 3))] for k in (1, 2, 3)
    ]
    assert shards.select(students[:1], (2, 3)) == []


def test_a_shard_folder_reads_back_its_results_and_files(tmp_path):
    from course_grading.inputs import Submission

    folder = tmp_path / "shard"
    notebook = write(release(), tmp_path / "inbox" / "ann.ipynb")
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "01.html").write_text("<html>")
    result = Result("ann", "01", 2.0, 5.0, Status.TAMPERED, "edited", "ann.ipynb", "abc")
    result.grades = {"ex01_answer_tests": {"auto_score": 2.0, "needs_manual_grade": False}}
    result.timestamp, result.feedback = (
        "2026-01-02 03:04:05",
        str(tmp_path / "feedback" / "01.html"),
    )
    shards.record_files(folder, "01", result, Submission("ann", notebook, "ann.ipynb"))
    shards.write_shard(folder, "01", [result])
    chapter, (back,) = shards.read_shard(folder)
    assert chapter == "01" and back.status is Status.TAMPERED
    assert back.row() == result.row() and back.grades == result.grades
    assert back.timestamp == result.timestamp and back.autograded is None
    assert Path(back.feedback).read_text() == "<html>"
    assert shards.submitted_file(folder, "01", "ann").name == "01.ipynb"
    assert read_rows(folder / "grades.csv")[0]["status"] == "tampered"
    with pytest.raises(GradingError, match="not a shard folder"):
        shards.read_shard(tmp_path)


def test_the_progress_of_a_class_goes_to_stdout_after_the_sandbox_line(capsys):
    progress = batch.Progress(2, "grading 01_data_and_baseline", header="sandbox: NONE")
    for student in ("ada", "bob"):
        progress.update(Result(student, "01", 3.0, 7.0, Status.GRADED, "", f"{student}.ipynb"))
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == "" and lines[0] == "sandbox: NONE"
    assert [line.split("] ")[1].split()[0] for line in lines[1:]] == ["1/2", "2/2"]
    assert "bob: graded 3/7" in lines[2]
