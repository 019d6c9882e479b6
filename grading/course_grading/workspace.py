"""Where each submission is graded: a template course per chapter, a temporary course per student.

Their nbgrader configuration is a `traitlets.config.Config`, written as ``nbgrader_config.json``
(nbgrader reads it beside, or instead of, ``nbgrader_config.py``).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from traitlets.config import Config

from course_grading.checks import exercise_names
from course_grading.course import GradingError, course_folder, gradebook_url
from course_grading.inputs import Submission
from course_grading.limits import (
    CHECKER,
    CHECKER_PID_FILE,
    Limits,
    cgroup_folders,
    make_cgroups,
    probe_cgroups,
)
from course_grading.preprocessors import autograde_preprocessors
from course_grading.processes import run_nbgrader
from course_grading.sandbox import KERNEL_NAME, write_kernelspec
from course_grading.settings import CourseGrade, course_id, load_config

CONFIG_FILE = "nbgrader_config.json"
# HTML that outputs and written answers may hold in the autograded notebook and feedback: no
# scripts, styles, frames or forms (nbconvert's SanitizeHTML escapes the rest).
SAFE_TAGS = sorted(
    "a abbr b blockquote br code div em h1 h2 h3 h4 h5 h6 hr i img li ol p pre span strong sub "
    "sup table tbody td tfoot th thead tr u ul".split()
)


@dataclass
class Options:
    """How ``course grade`` runs each submission (`settings.CourseGrade` gives the defaults)."""

    timeout: int = 60  # seconds per cell
    sandbox: str | None = None  # the bwrap executable, or None for no sandbox
    jobs: int = 1  # submissions graded at a time
    threads: int = 1  # threads per kernel: the cores shared among the jobs
    figures: bool = False  # draw the notebooks' figures (no test grades them; ~15% slower)
    all_cells: bool = False  # also run the demonstrations tagged skip-when-grading
    limits: Limits = field(default_factory=Limits)  # bytes, processes, cores of each kernel
    checker: str = ""  # the Unix socket of the run's checker zygote


def options_for(settings: CourseGrade, chapter: str, sandbox: str | None) -> Options:
    """What each kernel of ``chapter`` gets from the settings: time, threads, limits."""
    jobs = settings.jobs or os.cpu_count() or 1
    limits = Limits(
        memory_gib=settings.memory_gib,
        disk_mib=settings.disk_mib,
        processes=settings.processes,
        cpus=settings.cpus_for(jobs),
        cgroups=probe_cgroups(),
    )
    threads = max(1, (os.cpu_count() or 1) // jobs)
    return Options(
        settings.timeout_for(chapter),
        sandbox,
        jobs,
        threads,
        settings.figures,
        settings.all_cells,
        limits,
    )


@dataclass
class Template:
    """What every temporary course of one chapter starts from (built once per run)."""

    course: Path
    chapter: str
    course_id: str
    work: Path
    gradebook: Path  # the assignment, no student
    release: Path  # the student notebook, fresh from solutions/
    max_score: float
    names: list[str] = field(default_factory=list)  # what the answer cells define


def write_config(root: Path, config: Config) -> Path:
    """Write ``config`` as the nbgrader configuration of the course directory ``root``."""
    try:
        text = json.dumps(config, indent=1, sort_keys=True)
    except TypeError as error:  # e.g. a lazy `c.X.y.append(...)` in nbgrader_config.py
        raise GradingError(
            f"the course's nbgrader_config.py holds a value course grade cannot copy: {error}"
        ) from error
    path = root / CONFIG_FILE
    path.write_text(text + "\n")
    return path


def directory_config(root: Path, *, course: str, source: str = "source") -> Config:
    """The `CourseDirectory` of a course in ``root`` with its own gradebook."""
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = course
    config.CourseDirectory.source_directory = source
    config.CourseDirectory.db_url = gradebook_url(root)
    return config


def add_assignment(course: Path, chapter: str, release_dir: Path) -> Path:
    """Put ``chapter`` in the course gradebook (nbgrader generate_assignment); its release.

    The release goes to ``release_dir``, leaving ``chapters/`` alone.
    """
    run_nbgrader(
        course,
        "generate_assignment",
        chapter,
        "--force",
        f"--CourseDirectory.release_directory={release_dir}",
    )
    return release_dir / chapter / f"{chapter}.ipynb"


def prepare(course: Path, chapter: str, work: Path, *, into_course: bool = True) -> Template:
    """Fill the course gradebook with ``chapter`` and build the template of its temporary courses.

    nbgrader's ``generate_assignment`` runs twice, at the same time: in the course (its gradebook;
    the release goes to ``work``, leaving ``chapters/`` alone) and in a template course whose
    gradebook holds the assignment and no student. With ``into_course=False`` (a shard) the course
    is left alone and the template's release is used.
    """
    release_dir = work / "release"
    template = work / "template"
    (template / "source").mkdir(parents=True)
    shutil.copytree(course / "solutions" / chapter, template / "source" / chapter)
    course_config = load_config(course)
    identifier = course_id(course_config)
    config = copy.deepcopy(course_config)  # the same release as the course's (stubs and all)
    config.pop("CourseGrade", None)
    config.merge(directory_config(template, course=identifier))
    config.CourseDirectory.release_directory = "release"
    write_config(template, config)
    with ThreadPoolExecutor(max_workers=2) as pool:
        generated = [pool.submit(run_nbgrader, template, "generate_assignment", chapter, "--force")]
        if into_course:
            generated.append(pool.submit(add_assignment, course, chapter, release_dir))
        for future in generated:
            future.result()
    if not into_course:
        shutil.copytree(template / "release", release_dir)
    # The template keeps no notebook: a temporary course needs the gradebook, not the source.
    (template / "source" / chapter / f"{chapter}.ipynb").unlink()
    shutil.rmtree(template / "release")
    with Gradebook(gradebook_url(template)) as gradebook:
        max_score = gradebook.find_assignment(chapter).max_score
    return Template(
        course=course,
        chapter=chapter,
        course_id=identifier,
        work=work,
        gradebook=template / "gradebook.db",
        release=release_dir / chapter / f"{chapter}.ipynb",
        max_score=float(max_score),
        names=exercise_names(nbformat.read(release_dir / chapter / f"{chapter}.ipynb", 4)),
    )


def grading_config(
    root: Path, course_config: Config, options: Options, sockets: Path, names: list[str]
) -> Config:
    """The course's configuration, then what grading one submission in ``root`` needs."""
    config = copy.deepcopy(course_config)
    config.pop("CourseGrade", None)
    ours = directory_config(root, course=course_id(course_config))
    ours.Execute.timeout = int(options.timeout)
    ours.Execute.kernel_name = KERNEL_NAME
    # Nothing in the kernel is worth a graceful exit; it saves TensorFlow's second of teardown.
    ours.Execute.shutdown_kernel = "immediate"
    ours.OverwriteCells.add_missing_cells = True
    if not options.all_cells:  # the release's unchanged demonstrations are not run
        ours.SafeExecute.release = str(root / "release.ipynb")
    ours.Autograde.autograde_preprocessors = autograde_preprocessors()
    ours.CheckedExecute.checker_socket = options.checker
    ours.CheckedExecute.exercise_names = names
    ours.CheckedExecute.checker_pid_file = str(root / CHECKER_PID_FILE)
    ours.CheckedExecute.checker_cgroups = [
        str(folder) for folder in cgroup_folders(root, options.limits, CHECKER)
    ]
    ours.SanitizeHTML.enabled = True
    ours.SanitizeHTML.tags = SAFE_TAGS
    ours.SanitizeHTML.attributes = {"*": ["class", "title"], "a": ["href"], "img": ["src", "alt"]}
    if options.sandbox:  # no network in the sandbox: the kernel talks over IPC sockets
        ours.KernelManager.transport = "ipc"
        ours.KernelManager.ip = str(sockets / "k")
    config.merge(ours)
    return config


def temporary_course(template: Template, submission: Submission, options: Options) -> Path:
    """A course directory of one submission: gradebook copy, config, kernelspec, the notebook."""
    chapter = template.chapter
    root = Path(tempfile.mkdtemp(prefix="course-grade-", dir=template.work))
    shutil.copytree(template.gradebook.parent / "source", root / "source")
    shutil.copy(template.gradebook, root / "gradebook.db")
    shutil.copy(template.release, root / "release.ipynb")
    folder = course_folder(root, "submitted", submission.student_id, chapter)
    folder.mkdir(parents=True)
    shutil.copy(submission.path, folder / f"{chapter}.ipynb")
    if submission.timestamp:
        (folder / "timestamp.txt").write_text(submission.timestamp.isoformat(sep=" "))
    (root / "runtime").mkdir()
    sockets = write_kernelspec(root, sandbox=options.sandbox, limits=options.limits)
    course_config = load_config(template.course)
    write_config(root, grading_config(root, course_config, options, sockets, template.names))
    make_cgroups(root, options.limits)  # last: the runner's `limits.release_cgroups` ends them
    return root
