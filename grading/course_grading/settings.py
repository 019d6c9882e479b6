"""The ``CourseGrade`` configuration: typed, documented, read from the course's nbgrader_config.py.

Each setting is declared once, here: ``c.CourseGrade.<name>`` in nbgrader_config.py sets it, and the
``course grade`` option its trait names (``option``, `options`) overrides it; its default and help
are the trait's. An unknown name or a value of the wrong type is an error that names it (plain
nbgrader ignores this section).
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
# whose download zips `course grade --lms` reads (inputs.LMS_DOWNLOADS, submission_metadata)
LMSES = ("canvas", "moodle", "gradescope")


class CourseGrade(Configurable):
    """How ``course grade`` grades a class."""

    timeout = Int(
        60,
        min=1,
        help="Seconds each cell may run; every cell of the fast profile runs in a few.",
    ).tag(config=True, option="--timeout")
    chapter_timeouts = Dict(
        key_trait=Unicode(),
        value_trait=Int(min=1),
        help="Seconds per cell for chapters that need more than `timeout`, {chapter: seconds}.",
    ).tag(config=True)
    memory_gib = Float(
        4.0,
        help="GiB of memory each student kernel and each checker may use: all their processes "
        "together (a cgroup, where one can be made) and each process (ulimit -v); TensorFlow "
        "needs about 3.",
    ).tag(config=True, option="--memory")
    disk_mib = Int(
        512,
        min=1,
        help="MiB each sandboxed kernel may write, /tmp and its working folder together (a "
        "tmpfs: memory while it runs; nothing it writes reaches the course) and per file "
        "anywhere (RLIMIT_FSIZE); the chapters write less than 1.",
    ).tag(config=True, option="--disk")
    processes = Int(
        512,
        min=16,
        help="Processes and threads each kernel may run at once (a cgroup's pids.max, or "
        "RLIMIT_NPROC inside the sandbox when not root); a chapter's kernel peaks at about 35.",
    ).tag(config=True, option="--processes")
    cpus = Float(
        None,
        allow_none=True,
        help="Cores each kernel may use (a cgroup CPU quota; default: the cores divided among "
        "the jobs, at least 1).",
    ).tag(config=True, option="--cpus")
    figures = Bool(
        False,
        help="Draw the notebooks' figures into the autograded copies and feedback (no test "
        "needs them; about a sixth slower).",
    ).tag(config=True, option="--figures")
    all_cells = Bool(
        False,
        help="Run every cell, even the demonstrations the release tags skip-when-grading (no "
        "test reads them; by default an unchanged one is not run, which grades several times "
        "faster in chapters that train models).",
    ).tag(config=True, option="--all-cells")
    jobs = Int(
        None, allow_none=True, min=1, help="Submissions graded at a time (default: the cores)."
    ).tag(config=True, option="--jobs -j")
    sandbox = Enum(
        SANDBOXES,
        "auto",
        help="bubblewrap when it can run (auto), required (bwrap), or not used (none).",
    ).tag(config=True, option="--sandbox")

    lms = Enum(
        LMSES,
        None,
        allow_none=True,
        help="The LMS whose 'download all submissions' zip is graded: its file names give each "
        "student's LMS id (Canvas user id, Moodle participant id), or its submission_metadata.yml "
        "does (Gradescope: SID, else email), which `course export --format` matches in its "
        "roster; a --regexp given overrides it.",
    ).tag(config=True, option="--lms")

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
    traits = CourseGrade.class_traits(config=True)
    try:
        settings = CourseGrade(config=config)
        for name, value in overrides.items():
            if value is not None:  # an option given: on the command line, a string
                text = isinstance(value, str) and not isinstance(traits[name], Enum)
                setattr(settings, name, traits[name].from_string(value) if text else value)
    except (TraitError, ValueError) as error:
        raise GradingError(f"CourseGrade: {error}") from error
    if overrides.get("timeout") is not None:  # the option holds for every chapter
        settings.chapter_timeouts = {}
    return settings


def options() -> dict:
    """The settings ``course grade`` takes as options: name -> trait (its ``option`` tag)."""
    return CourseGrade.class_traits(option=lambda flag: flag is not None)


def course_id(config: Config) -> str:
    """The course id nbgrader_config.py gives (``course`` when it gives none)."""
    return config.get("CourseDirectory", {}).get("course_id", "course")


def help_text() -> str:
    """Every option of ``CourseGrade``, documented, for ``course grade --help-all``."""
    return CourseGrade.class_get_help().replace("--CourseGrade.", "c.CourseGrade.")
