"""nbgrader configuration: solutions/ is the source, chapters/ the student release."""

from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

COURSE_ROOT = Path(__file__).resolve().parent

c.CourseDirectory.root = str(COURSE_ROOT)
c.CourseDirectory.course_id = "digits"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "chapters"
c.CourseDirectory.db_url = f"sqlite:///{COURSE_ROOT / 'gradebook.db'}"

c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("Write your answer here, then run the tests below.")'
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# The fast profile keeps every cell to seconds; the margin covers a slow grading machine.
c.Execute.timeout = 120

# `course grade` (course_grading.settings.CourseGrade; `course grade --help-all` lists every
# setting): seconds per cell, per chapter where a chapter needs more, the memory limit of each
# sandboxed kernel, the MiB it may write (/tmp and its folder together) and the processes and
# threads it may run (its cores: by default shared out among the jobs), and whether figures are
# drawn into the autograded notebooks (slower; no test needs them). A misspelt name or a wrong
# type stops `course grade`; plain nbgrader ignores these.
c.CourseGrade.timeout = 60
c.CourseGrade.chapter_timeouts = {"04_cnn": 90}
c.CourseGrade.memory_gib = 4
c.CourseGrade.disk_mib = 512
c.CourseGrade.processes = 512
c.CourseGrade.figures = False
