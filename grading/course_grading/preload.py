"""Imported once by the fork server of ``course grade``, before it forks any process.

Every nbgrader command and grader process is forked from that server, so what is loaded and compiled
here (nbgrader, the feedback templates, the highlighter's patterns, the gradebook's schema version)
is done once per run instead of once per process.
"""

import nbgrader.api
import nbgrader.apps.nbgraderapp  # noqa: F401 (what every nbgrader command runs)
from alembic.script import ScriptDirectory
from nbgrader.dbutil import ALEMBIC_DIR

import course_grading.worker  # noqa: F401 (nbgrader's apps and the preprocessors, imported once)
from course_grading.feedback import warm_up

warm_up()

# nbgrader stamps every new gradebook with the newest revision of its schema, which it asks an
# `alembic heads` subprocess for (2.7 s of CPU each time); alembic's own API reads the same
# revision from the same folder in a millisecond (tests/test_grading_processes.py compares them).
SCHEMA_REVISION = ScriptDirectory(ALEMBIC_DIR).get_current_head()
nbgrader.api.get_alembic_version = lambda: SCHEMA_REVISION
