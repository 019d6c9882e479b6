"""`course_grading.workspace`: the temporary course's nbgrader configuration.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import pytest
from traitlets.config import Config
from traitlets.config.loader import JSONFileConfigLoader

from course_grading import preprocessors, sandbox, workspace
from tests.grading_support import config_of

pytestmark = pytest.mark.unit


def test_all_cells_leaves_the_release_out_of_the_grading_config(tmp_path):
    config = Config()
    sockets = tmp_path / "sockets"
    skipping = workspace.grading_config(tmp_path, config, workspace.Options(), sockets, [])
    assert skipping.SafeExecute.release == str(tmp_path / "release.ipynb")
    every_cell = workspace.Options(all_cells=True)
    every = workspace.grading_config(tmp_path, config, every_cell, sockets, [])
    assert "release" not in every.SafeExecute


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
