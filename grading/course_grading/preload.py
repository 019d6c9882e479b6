"""Imported once by the fork server of ``course grade``, before it forks any grader process.

Introduced in the instructors' guide. Every grader process is forked from that server, so what
is loaded and compiled here (nbgrader, the feedback templates, the highlighter's patterns) is
done once per run instead of once per submission.
"""

import course_grading.worker  # noqa: F401 (nbgrader's apps and the preprocessors, imported once)
from course_grading.feedback import warm_up

warm_up()
