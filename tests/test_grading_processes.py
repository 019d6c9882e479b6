"""`course_grading.processes` and `course_grading.preload` against the nbgrader installed: they run
nbgrader and a Python process, so they are not marked ``unit``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from course_grading.course import GradingError
from course_grading.processes import run_nbgrader


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
