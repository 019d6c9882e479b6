"""`course_grading.status`: the statuses, their precedence, the reasons and a result's row.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import pytest

from course_grading.status import (
    STATUSES,
    Result,
    Status,
    classify,
    last_exception,
    summary_problems,
)

pytestmark = pytest.mark.unit


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
