"""The instructors' side of Digits: release chapters, grade a whole class safely, return feedback.

Introduced in the instructors' guide. ``course grade <chapter> <submissions>`` autogrades every
submission with nbgrader, each in its own temporary course directory whose kernel runs under
bubblewrap (no network, no capabilities, nothing writable but a size-limited tmpfs for its
folder and ``/tmp``, no ``solutions/`` and no gradebook in sight) with a per-cell timeout, a
memory limit and, where cgroups allow, limits on its processes and cores; submissions run in
parallel; a static screen reports answer cells that reach for the machinery that runs or judges
the tests, and a runtime audit around the test cells checks and resets that machinery in the
kernel (``suspicious``, flagged in the gradebook); the results are recorded in the course
gradebook and in ``grades.csv``, one row per input file, with a status;
feedback HTML shows each test's points and a pass/fail message but never a hidden test.

The pieces nbgrader has are nbgrader's (its apps, `Gradebook`, `OverwriteCells`, the ZipCollect
plugins, the exchange); this package adds parallelism, the sandbox, status classification and
hidden-test-free feedback. Its modules import one way, each only from those above it:

    status      statuses, their precedence, one submission's result (pure)
    course      finding the course, its chapters; the fork server that runs nbgrader's commands
    settings    the CourseGrade configuration (traitlets)
    inputs      gathering the submissions          checks     a notebook's problems
    screen      the static screen of answer cells (pure: `ast`, nothing run)
    verdict     what the screen and the runtime audit found, which test cells it costs (pure)
    limits      a kernel's bytes, processes and cores: cgroups, the watch, the reasons
    sandbox     bubblewrap probe and kernel script
    preprocessors/   SafeExecute, AuditedExecute (the runtime audit: audit, audit_kernel),
                StderrIsOutput, the autograde list
    workspace   the template and each submission's temporary course
    feedback    hidden-test-free feedback          worker     the grader process's work
    runner      one submission's grader process, its wall-clock limit
    record      the course gradebook and grades.csv (their only writer)
    shards      a class in N shards: their folders, merging them into the course
    batch       a whole class                      exchange   release, collect, feedback, export
    cli         the `course` command
"""

__version__ = "0.1.0"
