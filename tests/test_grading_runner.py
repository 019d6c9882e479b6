"""`runner.decide`: a submission's result from what its grader process left, on plain data."""

from __future__ import annotations

import pytest

from course_grading.limits import Limits
from course_grading.runner import Run, decide
from course_grading.status import Result, Status
from course_grading.workspace import Options

pytestmark = pytest.mark.unit

OPTIONS = Options(timeout=20, limits=Limits(memory_gib=2.5))
GRADES = {
    "ex01_tests": {"auto_score": 2.0, "needs_manual_grade": False},
    "ex01_hidden": {"auto_score": None, "needs_manual_grade": False},
    "ex02_hidden": {"auto_score": 3.0, "needs_manual_grade": False},
}


def base() -> Result:
    return Result("alice", "01_data", 0.0, 10.0, Status.GRADED, "", "alice.ipynb")


def summary(**changes) -> dict:
    found = {"failure": None, "grades": GRADES, "comments": {}, "cells": {}, "checked": {}}
    return {**found, **changes}


def run(**changes) -> Run:
    found = dict(finished=True, wall=600, exitcode=0, log="", summary=summary())
    found |= dict(autograded="/a", feedback="/f.html", log_file="/grader.log")
    return Run(**{**found, **changes})


def test_a_clean_run_scores_the_sum_of_its_grades_and_leaves_the_base_alone():
    start = base()
    result = decide(start, [], [], run(), OPTIONS)
    assert (result.status, result.score, result.reason) == (Status.GRADED, 5.0, "")
    assert (result.autograded, result.feedback, result.log) == ("/a", "/f.html", None)
    assert (start.score, start.grades) == (0.0, {})


def test_statuses_found_before_the_run_are_kept_with_their_reasons():
    result = decide(base(), [Status.TAMPERED], ["ex01_tests was changed"], run(), OPTIONS)
    assert result.status is Status.TAMPERED
    assert result.reason == "ex01_tests was changed"
    assert result.score == 5.0
    assert result.log == "/grader.log"


def test_a_grader_stopped_at_its_wall_clock_limit_times_out_and_keeps_nothing_it_did_not_write():
    result = decide(base(), [], [], run(finished=False, summary=None, exitcode=None), OPTIONS)
    assert result.status is Status.TIMEOUT
    assert result.reason == "grading took over 600 s and was stopped"
    assert (result.score, result.autograded, result.feedback) == (0.0, None, None)


def test_a_grader_that_wrote_no_summary_is_an_error_naming_the_last_exception():
    log = "Traceback (most recent call last):\n  ...\nsqlite3.OperationalError: disk I/O error\n"
    result = decide(base(), [], [], run(summary=None, exitcode=1, log=log), OPTIONS)
    assert result.status is Status.ERROR
    assert (
        result.reason == "the grader process failed (1): sqlite3.OperationalError: disk I/O error"
    )


def test_nbgraders_failure_gets_the_logs_cause_and_the_summary_is_not_changed():
    failed = summary(failure="nbgrader autograde failed")
    finished = run(summary=failed, log="ValueError: bad notebook\n")
    result = decide(base(), [], [], finished, OPTIONS)
    assert result.status is Status.ERROR
    assert result.reason == "nbgrader autograde failed (ValueError: bad notebook)"
    assert finished.summary["failure"] == "nbgrader autograde failed"


def test_cells_that_timed_out_or_ran_out_of_memory_name_the_limits_of_the_options():
    cells = {"timeout": ["cell 4"], "memory": ["cell 7"]}
    result = decide(base(), [], [], run(summary=summary(cells=cells)), OPTIONS)
    assert result.status is Status.ERROR  # an error outranks a timeout
    assert "cell 4 ran over 20 s" in result.reason
    assert "MemoryError in cell 7 (memory limit 2.5 GiB)" in result.reason
    assert result.score == 5.0  # the tests that passed keep their points


def test_a_limit_gone_over_is_an_error_with_the_limit_named():
    over = ["wrote more than 512 MiB (disk_mib)"]
    result = decide(base(), [], [], run(over=over), OPTIONS)
    assert (result.status, result.reason) == (Status.ERROR, over[0])


def test_what_the_checker_could_not_run_is_an_error_and_a_forged_answer_is_flagged():
    checked = {"problems": ["the checker could not run setup"], "suspicious": ["two answers"]}
    result = decide(base(), [], [], run(summary=summary(checked=checked)), OPTIONS)
    assert result.status is Status.ERROR
    assert result.flagged
    assert result.reason == (
        "the checker could not run setup; the kernel sent the checker two answers"
    )
    only_suspicious = summary(checked={"suspicious": ["two answers"]})
    result = decide(base(), [], [], run(summary=only_suspicious), OPTIONS)
    assert (result.status, result.flagged) == (Status.SUSPICIOUS, True)


def test_a_reason_given_twice_is_said_once():
    twice = ["cell 4 ran over 20 s"]
    result = decide(base(), [], twice, run(summary=summary(cells={"timeout": ["cell 4"]})), OPTIONS)
    assert result.reason == "cell 4 ran over 20 s"
