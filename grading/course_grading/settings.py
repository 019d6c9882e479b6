"""The ``CourseGrade`` configuration: typed, documented, read from the course's nbgrader_config.py.

Introduced in the instructors' guide. ``c.CourseGrade.<name>`` in nbgrader_config.py sets the
defaults of ``course grade``; its options override them. An unknown name or a value of the wrong
type is an error that names it (plain nbgrader ignores this section).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from traitlets import Bool, Dict, Enum, Float, Int, TraitError, Unicode, validate
from traitlets.config import Config, Configurable
from traitlets.config.loader import PyFileConfigLoader

from course_grading.course import GradingError

SANDBOXES = ("auto", "bwrap", "none")


class CourseGrade(Configurable):
    """How ``course grade`` grades a class."""

    timeout = Int(
        60,
        min=1,
        help="Seconds each cell may run; every cell of the fast profile runs in a few.",
    ).tag(config=True)
    chapter_timeouts = Dict(
        key_trait=Unicode(),
        value_trait=Int(min=1),
        help="Seconds per cell for chapters that need more than `timeout`, {chapter: seconds}.",
    ).tag(config=True)
    memory_gib = Float(
        4.0,
        help="Memory limit of each student kernel in GiB (ulimit -v); TensorFlow needs about 3.",
    ).tag(config=True)
    disk_mib = Int(
        512,
        min=1,
        help="MiB each sandboxed kernel may write, /tmp and its working folder together (a "
        "tmpfs: memory while it runs; nothing it writes reaches the course) and per file "
        "anywhere (RLIMIT_FSIZE); the chapters write less than 1.",
    ).tag(config=True)
    processes = Int(
        512,
        min=16,
        help="Processes and threads each kernel may run at once (a cgroup's pids.max, or "
        "RLIMIT_NPROC inside the sandbox when not root); a chapter's kernel peaks at about 35.",
    ).tag(config=True)
    cpus = Float(
        None,
        allow_none=True,
        help="Cores each kernel may use (a cgroup CPU quota; default: the cores divided among "
        "the jobs, at least 1).",
    ).tag(config=True)
    figures = Bool(
        False,
        help="Draw the notebooks' figures into the autograded copies and feedback (no test "
        "needs them; about a sixth slower).",
    ).tag(config=True)
    all_cells = Bool(
        False,
        help="Run every cell, even the demonstrations the release tags skip-when-grading (no "
        "test reads them; by default an unchanged one is not run, which grades several times "
        "faster in chapters that train models).",
    ).tag(config=True)
    jobs = Int(
        None, allow_none=True, min=1, help="Submissions graded at a time (default: the cores)."
    ).tag(config=True)
    sandbox = Enum(
        SANDBOXES,
        "auto",
        help="bubblewrap when it can run (auto), required (bwrap), or not used (none).",
    ).tag(config=True)

    @validate("memory_gib")
    def _positive_memory(self, proposal):
        if not proposal["value"] > 0:
            raise TraitError(f"memory_gib must be more than 0 GiB, not {proposal['value']}")
        return proposal["value"]

    @validate("cpus")
    def _positive_cpus(self, proposal):
        if proposal["value"] is not None and not proposal["value"] > 0:
            raise TraitError(f"cpus must be more than 0 cores, not {proposal['value']}")
        return proposal["value"]

    def cpus_for(self, jobs: int) -> float:
        """Cores per kernel when ``jobs`` run at once: `cpus`, else the cores shared out."""
        return self.cpus or float(max(1, (os.cpu_count() or 1) // jobs))

    def timeout_for(self, chapter: str) -> int:
        """Seconds per cell for ``chapter``."""
        return self.chapter_timeouts.get(chapter, self.timeout)


def load_config(course: Path) -> Config:
    """The configuration of the course's nbgrader_config.py, as nbgrader reads it."""
    try:
        return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    except Exception as error:
        raise GradingError(
            f"cannot read {course / 'nbgrader_config.py'}: {type(error).__name__}: {error}"
        ) from error


def course_grade(config: Config, **overrides) -> CourseGrade:
    """A `CourseGrade` from ``config`` and the options given (None: not given); checked."""
    section = config.get("CourseGrade", {})
    known = CourseGrade.class_trait_names(config=True)
    for name in section:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; the options are {known}"
            raise GradingError(f"nbgrader_config.py: unknown option CourseGrade.{name}{hint}")
    for name in config:
        if name != "CourseGrade" and difflib.get_close_matches(name, ["CourseGrade"], cutoff=0.8):
            raise GradingError(f"nbgrader_config.py: unknown section {name}; CourseGrade?")
    try:
        settings = CourseGrade(config=config)
        for name, value in overrides.items():
            if value is not None:
                setattr(settings, name, value)
    except TraitError as error:
        raise GradingError(f"CourseGrade: {error}") from error
    return settings


def course_id(config: Config) -> str:
    """The course id nbgrader_config.py gives (``course`` when it gives none)."""
    return config.get("CourseDirectory", {}).get("course_id", "course")


def help_text() -> str:
    """Every option of ``CourseGrade``, documented, for ``course grade --help-all``."""
    return CourseGrade.class_get_help().replace("--CourseGrade.", "c.CourseGrade.")
