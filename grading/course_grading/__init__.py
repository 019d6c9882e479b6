"""The instructors' side of Digits: release chapters, grade a whole class safely, return feedback.

The instructors' guide (``guides/instructors.md``) introduces every public function here.
``course grade <chapter> <submissions>`` autogrades every
submission with nbgrader, each in its own temporary course directory. Two interpreters grade it:
the student's kernel runs the student's notebook (with the visible tests, without the hidden
ones), then a clean checker runs every graded test cell and calls the student's functions in
that kernel, getting only data back; the points come from the checker alone. Both run under
bubblewrap (no network, no capabilities, an unprivileged user, a cleared environment, nothing
writable but a size-limited tmpfs, no ``solutions/`` and no gradebook in sight) with a
per-cell timeout and, where cgroups allow, limits on their memory, processes and cores;
submissions run in parallel; the results are recorded in the course gradebook and in
``grades.csv``, one row per input file, with a status; feedback HTML shows each test's points
and a pass/fail message but never a hidden test, and no output as active HTML.

The pieces nbgrader has are nbgrader's (its apps, `Gradebook`, `OverwriteCells`, the ZipCollect
plugins, the exchange); this package adds parallelism, the sandbox, status classification and
hidden-test-free feedback. Its modules import one way, each only from those above it:

    status      statuses, their precedence, one submission's result (pure)
    course      finding the course, its chapters, this environment's tools
    settings    the CourseGrade configuration (traitlets)
    inputs      gathering the submissions          checks     a notebook's problems
    submission_metadata   Gradescope's export: its submission_metadata.yml names the students
    crossing    what crosses between the student's kernel and the checker: data only
    checker     the checker: runs the graded tests, the student's names reach their kernel
    limits      a kernel's bytes, processes and cores: cgroups, the watch, the reasons
    sandbox     bubblewrap probe, kernel script, the checker's zygote
    preprocessors/   SafeExecute, CheckedExecute (the student's kernel, then the checker),
                the autograde list
    feedback    hidden-test-free feedback          worker     the grader process's work
    preload     what the fork server imports and warms up once per run
    processes   the fork server: nbgrader's commands and the grader processes
    workspace   the template and each submission's temporary course
    runner      one submission's grader process, its wall-clock limit
    record      the course gradebook and grades.csv (their only writer)
    shards      a class in N shards: their folders, merging them into the course
    batch       a whole class
    lms/        the CSVs for Canvas, Moodle and Gradescope (nbgrader ExportPlugins)
    exchange    release, collect, feedback, export
    cli         the `course` command
"""

__version__ = "0.1.0"
