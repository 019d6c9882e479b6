"""`course_grading.batch`: the progress of a class on stdout.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import pytest

from course_grading import batch
from course_grading.status import Result, Status

pytestmark = pytest.mark.unit


def test_the_progress_of_a_class_goes_to_stdout_after_the_sandbox_line(capsys):
    progress = batch.Progress(2, "grading 01_data_and_baseline", header="sandbox: NONE")
    for student in ("ada", "bob"):
        progress.update(Result(student, "01", 3.0, 7.0, Status.GRADED, "", f"{student}.ipynb"))
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == "" and lines[0] == "sandbox: NONE"
    assert [line.split("] ")[1].split()[0] for line in lines[1:]] == ["1/2", "2/2"]
    assert "bob: graded 3/7" in lines[2]
