"""The instructor side: release chapters, grade a whole class safely, return feedback, export.

Introduced in the instructors' guide. ``course grade <chapter> <submissions>`` autogrades every
submission with nbgrader, each in its own temporary course directory whose kernel runs under
bubblewrap (no network, nothing writable but its own folder, no ``solutions/`` and no gradebook in
sight) with a per-cell timeout and a memory limit; submissions run in parallel; the results are
merged into the course gradebook and into ``grades.csv``, one row per input file, with a status;
feedback HTML shows each test's points and a pass/fail message but never a hidden test.

The pieces nbgrader has are nbgrader's (its apps, `Gradebook`, `OverwriteCells`, the ZipCollect
plugins, the exchange); this module adds parallelism, the sandbox, status classification and
hidden-test-free feedback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from threading import Lock

STATUSES = ("graded", "timeout", "corrupt", "wrong-notebook", "missing-cells", "tampered", "error")
# When several apply, the first in this order is the row's status (all of them are in the reason).
PRECEDENCE = ("corrupt", "wrong-notebook", "tampered", "missing-cells", "error", "timeout")
CSV_FIELDS = ("student_id", "chapter", "score", "max_score", "status", "reason", "file", "sha256")
DEFAULT_TIMEOUT = 60  # seconds per cell: every cell of the fast profile runs in a few
DEFAULT_MEMORY_GIB = 4.0  # TensorFlow imports and trains a small model in 4 GiB, not in 2
KERNEL_NAME = "course-sandbox"
TIMEOUT_ENAME = "CellTimeoutError"  # nbgrader's Execute.error_on_timeout
DIED_ENAME = "KernelDied"
NOT_RUN_ENAME = "NotRun"
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


class GradingError(Exception):
    """Bad input to a ``course`` command (a missing folder, an unknown chapter): said plainly."""


# --------------------------------------------------------------------------------------------
# The course


def find_course(root: str | os.PathLike | None = None) -> Path:
    """The course directory: ``root`` (default: the working directory) holding nbgrader_config.py.

    Introduced in the instructors' guide.
    """
    course = Path(root or ".").resolve()
    if not (course / "nbgrader_config.py").is_file():
        raise GradingError(
            f"{course} has no nbgrader_config.py: run `course` in the course directory "
            "or pass --course DIR"
        )
    return course


def chapter_ids(course: Path) -> list[str]:
    """The chapters of the course: folders ``solutions/<id>/`` holding ``<id>.ipynb``.

    Introduced in the instructors' guide.
    """
    return sorted(
        path.name
        for path in (course / "solutions").glob("*")
        if (path / f"{path.name}.ipynb").is_file()
    )


def check_chapter(course: Path, chapter: str) -> None:
    """Raise `GradingError` naming the existing chapters when ``chapter`` is not one of them.

    Introduced in the instructors' guide.
    """
    known = chapter_ids(course)
    if chapter not in known:
        raise GradingError(
            f"unknown chapter {chapter!r}; the chapters are: {', '.join(known) or '(none)'}"
        )


def tool(name: str) -> str:
    """The path of an executable of this Python environment (nbgrader, alembic, ...)."""
    return str(Path(sys.executable).parent / name)


THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)


def tool_environment(*, threads: int | None = None, **extra: str) -> dict[str, str]:
    """The environment nbgrader needs: this environment's ``bin`` first (for alembic), quiet TF.

    ``threads`` caps the BLAS, OpenMP and TensorFlow thread pools of the kernels it starts: with
    several kernels at once, their spinning threads otherwise fight over the cores (two parallel
    scikit-learn fits on 2 cores took 7 s each instead of 0.8 s).
    """
    environment = {**os.environ, **extra}
    if threads:
        for name in THREAD_VARIABLES:
            environment.setdefault(name, str(threads))
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    environment.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    return environment


def run_nbgrader(course: Path, *arguments: str, check: bool = True, **extra_env: str):
    """Run one nbgrader command in ``course``; on failure raise with nbgrader's own messages."""
    result = subprocess.run(
        [tool("nbgrader"), *arguments, "--log-level=WARN"],
        cwd=course,
        env=tool_environment(**extra_env),
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise GradingError(f"nbgrader {' '.join(arguments)} failed:\n{result.stderr.strip()}")
    return result


# --------------------------------------------------------------------------------------------
# Reading submissions: a folder of notebooks, a folder per student, an LMS zip


@dataclass
class Submission:
    """One input: a student's notebook (or the file they sent in its place)."""

    student_id: str
    path: Path
    origin: str  # the input file as the instructor knows it (relative to the input)
    timestamp: datetime | None = None
    notes: list[str] = field(default_factory=list)


def _parse_time(text: str) -> datetime | None:
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text.strip())
    except (ValueError, OverflowError):
        return None


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).replace(tzinfo=None)


def _visible(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(part.startswith((".", "__MACOSX")) for part in parts)


def _student_folder(folder: Path, chapter: str, root: Path) -> Submission:
    """A student's folder (any depth, e.g. nbgrader's ``submitted/<student>/<chapter>/``)."""
    notebooks = sorted(
        path for path in folder.rglob("*.ipynb") if path.is_file() and _visible(path, root)
    )
    named = [path for path in notebooks if path.name == f"{chapter}.ipynb"]
    candidates = named or notebooks
    notes = []
    if not candidates:
        files = [path for path in folder.rglob("*") if path.is_file() and _visible(path, root)]
        chosen = files[0] if files else folder
        return Submission(folder.name, chosen, str(chosen.relative_to(root)), notes=notes)
    chosen = max(candidates, key=_modified)
    if len(candidates) > 1:
        notes.append(f"newest of {len(candidates)} notebooks in the folder")
    timestamp = None
    for parent in [chosen.parent, *chosen.parents]:
        if (parent / "timestamp.txt").is_file():
            timestamp = _parse_time((parent / "timestamp.txt").read_text())
            break
        if parent == folder:
            break
    return Submission(
        folder.name,
        chosen,
        str(chosen.relative_to(root)),
        timestamp=timestamp or _modified(chosen),
        notes=notes,
    )


def _from_regexp(paths: Iterable[Path], root: Path, regexp: str) -> list[Submission]:
    """Name students with nbgrader's ZipCollect `FileNameCollectorPlugin` and ``regexp``."""
    from nbgrader.plugins.zipcollect import FileNameCollectorPlugin

    collector = FileNameCollectorPlugin(named_regexp=regexp, valid_ext=[".ipynb"])
    found = []
    for path in paths:
        relative = str(path.relative_to(root))
        groups = collector.collect(relative)
        if groups:
            timestamp = _parse_time(groups["timestamp"]) if groups.get("timestamp") else None
            found.append(
                Submission(
                    groups["student_id"], path, relative, timestamp=timestamp or _modified(path)
                )
            )
    return found


def gather(
    source: str | os.PathLike, chapter: str, *, workdir: Path, regexp: str | None = None
) -> list[Submission]:
    """Every submission in ``source``, newest per student, each noting what it superseded.

    Introduced in the instructors' guide. ``source`` is a folder of notebooks named by student
    (``alice.ipynb``), a folder per student (any layout inside, nbgrader's
    ``submitted/<student>/<chapter>/`` included), or an LMS zip download, which nbgrader's
    ZipCollect `ExtractorPlugin` unpacks into ``workdir``. ``regexp`` (nbgrader's
    ``FileNameCollectorPlugin.named_regexp``, matched against each path relative to the input)
    names students from LMS file names such as ``alice_12345_67890_01_data.ipynb``.
    """
    source = Path(source)
    if not source.exists():
        raise GradingError(f"no such submissions folder or zip file: {source}")
    if source.is_file():
        if source.suffix.lower() != ".zip":
            raise GradingError(f"{source} is neither a folder nor a .zip file")
        from nbgrader.plugins.zipcollect import ExtractorPlugin

        archives, root = workdir / "archives", workdir / "extracted"
        archives.mkdir(parents=True)
        root.mkdir(parents=True)
        shutil.copy(source, archives / source.name)
        ExtractorPlugin().extract(str(archives), str(root))
    else:
        root = source.resolve()
    entries = sorted(p for p in root.iterdir() if _visible(p, root))
    if source.is_file() and len(entries) == 1 and entries[0].is_dir():
        root = entries[0]  # the zip's own folder (ZipCollect's extractor makes one)
        entries = sorted(p for p in root.iterdir() if _visible(p, root))
        if len(entries) == 1 and entries[0].is_dir() and not regexp:
            root = entries[0]  # and a top folder inside the zip that holds the class
            entries = sorted(p for p in root.iterdir() if _visible(p, root))
    submissions = []
    if regexp:
        notebooks = [p for p in sorted(root.rglob("*.ipynb")) if p.is_file() and _visible(p, root)]
        submissions = _from_regexp(notebooks, root, regexp)
        matched = {s.path for s in submissions}
        submissions += [
            Submission(p.stem, p, str(p.relative_to(root)), timestamp=_modified(p))
            for p in notebooks
            if p not in matched
        ]
    else:
        for entry in entries:
            if entry.is_dir():
                submissions.append(_student_folder(entry, chapter, root))
            else:
                submissions.append(
                    Submission(entry.stem, entry, entry.name, timestamp=_modified(entry))
                )
    newest: dict[str, Submission] = {}
    for submission in sorted(submissions, key=lambda s: (s.timestamp or datetime.min, s.origin)):
        older = newest.get(submission.student_id)
        if older:
            submission.notes.append(f"resubmitted: {older.origin} superseded")
        newest[submission.student_id] = submission
    return sorted(newest.values(), key=lambda s: s.student_id)


# --------------------------------------------------------------------------------------------
# Checking a notebook against the release before running it


def _nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def notebook_problems(
    path: Path, release, other_releases: dict[str, object]
) -> tuple[list[str], list[str]]:
    """Statuses and reasons a submission earns before it runs: corrupt, wrong, tampered, missing.

    Introduced in the instructors' guide. A locked cell (setup or test) whose nbgrader checksum
    differs from the release's is *tampered*; nbgrader restores it before grading. A cell of the
    release with an nbgrader id that the submission lacks (a deleted answer, test or setup cell)
    is *missing*; nbgrader adds deleted grade cells back (``OverwriteCells.add_missing_cells``) so
    the rest still earns its points.
    """
    import nbformat
    from nbgrader.utils import compute_checksum

    if path.suffix != ".ipynb":
        return ["wrong-notebook"], [f"{path.name} is not a notebook"]
    try:
        notebook = nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
        cells = notebook.cells
        ids = {_nbgrader_meta(c)["grade_id"]: c for c in cells if _nbgrader_meta(c).get("grade_id")}
    except Exception as error:  # any unreadable file is a corrupt submission
        return ["corrupt"], [f"not a readable notebook ({type(error).__name__}: {error})"[:200]]
    expected = {
        _nbgrader_meta(c)["grade_id"]: c for c in release.cells if _nbgrader_meta(c).get("grade_id")
    }
    if not set(ids) & _grade_ids(release):
        owner = [name for name, nb in other_releases.items() if set(ids) & _grade_ids(nb)]
        return ["wrong-notebook"], [
            f"this is chapter {owner[0]}'s notebook"
            if owner
            else "the notebook has none of this chapter's exercise cells"
        ]
    statuses, reasons = [], []
    edited = [
        grade_id
        for grade_id, cell in expected.items()
        if _nbgrader_meta(cell).get("locked")
        and grade_id in ids
        and compute_checksum(ids[grade_id]) != compute_checksum(cell)
    ]
    if edited:
        statuses.append("tampered")
        reasons.append(f"edited read-only cells {', '.join(edited)} (restored before grading)")
    missing = [grade_id for grade_id in expected if grade_id not in ids]
    if missing:
        statuses.append("missing-cells")
        reasons.append(f"deleted cells {', '.join(missing)} (grade cells added back)")
    return statuses, reasons


def _grade_ids(notebook) -> set[str]:
    """The ids of a notebook's exercise cells (answers and tests, not read-only setup cells)."""
    return {
        _nbgrader_meta(c)["grade_id"]
        for c in notebook.cells
        if _nbgrader_meta(c).get("grade") or _nbgrader_meta(c).get("solution")
    }


# --------------------------------------------------------------------------------------------
# The sandbox


def probe_sandbox(bwrap: str = "bwrap") -> tuple[bool, str]:
    """Whether bubblewrap can start a sandbox here, and why not when it cannot.

    Introduced in the instructors' guide.
    """
    path = shutil.which(bwrap)
    if path is None:
        return False, f"{bwrap} is not installed (Debian: apt-get install bubblewrap)"
    result = subprocess.run(
        [path, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--", "true"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return False, f"bubblewrap cannot run here (no user namespaces?): {result.stderr.strip()}"
    return True, path


def _read_only_binds() -> list[str]:
    """bwrap options exposing, read-only, only what the kernel's Python needs."""
    import course_utils

    arguments = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc"):
        path = Path(top)
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), top]
        elif path.exists():
            arguments += ["--ro-bind", top, top]
    package = Path(course_utils.__file__).resolve().parent
    for extra in {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package}:
        if not any(str(extra).startswith(top + "/") for top in ("/usr", "/etc")):
            arguments += ["--ro-bind", str(extra), str(extra)]
    return arguments


def kernel_script(*, sandbox: str | None, memory_gib: float, sockets: Path) -> str:
    """The shell script a kernelspec runs: a memory limit, then the kernel (under bwrap if any).

    Introduced in the instructors' guide. The kernel manager starts it in the notebook's folder
    with the connection file as its argument; under bwrap that folder is the only writable place
    (with a fresh ``/tmp``), the connection file and the socket folder are bound in, and there is
    no network and no view of other processes.
    """
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f"]
    lines = ["#!/bin/sh", f"ulimit -v {int(memory_gib * 1024 * 1024)} || exit 1"]
    if sandbox is None:
        lines.append(f'exec {shlex.join(kernel)} "$1"')
    else:
        # The fresh /tmp comes first: binds made before it would be hidden under it, and the
        # course (and its venv) may itself live below /tmp.
        options = [
            sandbox,
            "--tmpfs",
            "/tmp",
            *_read_only_binds(),
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--bind",
            str(sockets),
            str(sockets),
            "--setenv",
            "HOME",
            "/tmp",
            "--setenv",
            "MPLCONFIGDIR",
            "/tmp/matplotlib",
            "--unsetenv",
            "JPY_PARENT_PID",
            "--unshare-net",
            "--unshare-pid",
            "--unshare-ipc",
            "--die-with-parent",
            "--new-session",
        ]
        lines.append(
            f'exec {shlex.join(options)} --bind "$PWD" "$PWD" --ro-bind "$1" "$1" '
            f'--chdir "$PWD" -- {shlex.join(kernel)} "$1"'
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# nbgrader preprocessors the temporary courses use


def _make_preprocessors():
    from nbclient.exceptions import DeadKernelError
    from nbformat.notebooknode import NotebookNode
    from nbgrader.preprocessors import Execute, NbGraderPreprocessor

    def error(ename: str, evalue: str) -> NotebookNode:
        return NotebookNode(
            output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
        )

    class SafeExecute(Execute):
        """nbgrader's Execute, except that a dying kernel fails its cell, not the whole notebook.

        The cells after it are marked as not run, so the tests that passed before keep points.
        """

        _died = False

        def preprocess(self, nb, resources=None, km=None):
            self._died = False
            return super().preprocess(nb, resources, km)

        def preprocess_cell(self, cell, resources, index):
            if self._died:
                if cell.cell_type == "code" and cell.source.strip():
                    cell.outputs = [error(NOT_RUN_ENAME, "the kernel died in an earlier cell")]
                return cell, resources
            try:
                return super().preprocess_cell(cell, resources, index)
            except DeadKernelError:
                self._died = True
                cell.outputs = [
                    *cell.get("outputs", []),
                    error(DIED_ENAME, "the kernel exited or crashed while running this cell"),
                ]
                return cell, resources

    class StderrIsOutput(NbGraderPreprocessor):
        """Stderr text is shown as ordinary output: only an exception fails a cell.

        nbgrader scores a cell that writes to stderr as failed, even a correct one that warns.
        """

        def preprocess_cell(self, cell, resources, index):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    output["name"] = "stdout"
            return cell, resources

    return SafeExecute, StderrIsOutput


def __getattr__(name: str):
    # The preprocessors import nbgrader; build them on first use so `course --help` stays quick.
    if name in ("SafeExecute", "StderrIsOutput"):
        safe_execute, stderr_is_output = _make_preprocessors()
        globals().update(SafeExecute=safe_execute, StderrIsOutput=stderr_is_output)
        return globals()[name]
    raise AttributeError(name)


# --------------------------------------------------------------------------------------------
# One submission, in its own temporary course


@dataclass
class Options:
    """How ``course grade`` runs each submission."""

    timeout: int = DEFAULT_TIMEOUT
    memory_gib: float = DEFAULT_MEMORY_GIB
    sandbox: str | None = None  # the bwrap executable, or None for no sandbox
    threads: int = 1  # threads per kernel: the cores shared among the jobs
    figures: bool = False  # draw the notebooks' figures (no test grades them; ~15% slower)


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


@dataclass
class Result:
    """The outcome of one submission: a row of grades.csv and what the gradebook needs."""

    student_id: str
    chapter: str
    score: float
    max_score: float
    status: str
    reason: str
    file: str
    sha256: str = ""
    grades: dict = field(default_factory=dict)  # grade_id -> auto_score, needs_manual_grade
    comments: dict = field(default_factory=dict)  # grade_id -> auto_comment
    autograded: str | None = None
    feedback: str | None = None
    timestamp: str | None = None

    def row(self) -> dict:
        return {name: getattr(self, name) for name in CSV_FIELDS}


def course_config(course: Path) -> dict:
    """``course_id`` and the ``CourseGrade`` settings from the course's nbgrader_config.py.

    Introduced in the instructors' guide. ``c.CourseGrade.timeout`` (seconds per cell),
    ``c.CourseGrade.chapter_timeouts`` (``{chapter: seconds}``), ``c.CourseGrade.memory_gib`` and
    ``c.CourseGrade.figures`` set the defaults of ``course grade``.
    """
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    grade = config.get("CourseGrade", {})
    return {
        "course_id": config.get("CourseDirectory", {}).get("course_id", "course"),
        "timeout": grade.get("timeout", DEFAULT_TIMEOUT),
        "chapter_timeouts": dict(grade.get("chapter_timeouts", {})),
        "memory_gib": grade.get("memory_gib", DEFAULT_MEMORY_GIB),
        "figures": bool(grade.get("figures", False)),
    }


def prepare(course: Path, chapter: str, work: Path) -> Template:
    """Fill the course gradebook with ``chapter`` and build the template of its temporary courses.

    Introduced in the instructors' guide. nbgrader's ``generate_assignment`` runs twice, at the
    same time: in the course (its gradebook; the release goes to ``work``, leaving ``chapters/``
    alone) and in a template course whose gradebook holds the assignment and no student.
    """
    from nbgrader.api import Gradebook

    release_dir = work / "release"
    template = work / "template"
    (template / "source").mkdir(parents=True)
    shutil.copytree(course / "solutions" / chapter, template / "source" / chapter)
    course_id = course_config(course)["course_id"]
    (template / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(template)!r}\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        'c.CourseDirectory.source_directory = "source"\n'
        'c.CourseDirectory.release_directory = "release"\n'
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(template / 'gradebook.db')!r}\n"
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        generated = [
            pool.submit(
                run_nbgrader,
                course,
                "generate_assignment",
                chapter,
                "--force",
                f"--CourseDirectory.release_directory={release_dir}",
            ),
            pool.submit(run_nbgrader, template, "generate_assignment", chapter, "--force"),
        ]
        for future in generated:
            future.result()
    # The template keeps no notebook: a temporary course needs the gradebook, not the source.
    (template / "source" / chapter / f"{chapter}.ipynb").unlink()
    shutil.rmtree(template / "release")
    with Gradebook(f"sqlite:///{template / 'gradebook.db'}") as gradebook:
        max_score = gradebook.find_assignment(chapter).max_score
    return Template(
        course=course,
        chapter=chapter,
        course_id=course_id,
        work=work,
        gradebook=template / "gradebook.db",
        release=release_dir / chapter / f"{chapter}.ipynb",
        max_score=float(max_score),
    )


def temporary_course(template: Template, submission: Submission, options: Options) -> Path:
    """A course directory of one submission: gradebook copy, config, kernelspec, the notebook."""
    chapter = template.chapter
    root = Path(tempfile.mkdtemp(prefix="course-grade-", dir=template.work))
    shutil.copytree(template.gradebook.parent / "source", root / "source")
    shutil.copy(template.gradebook, root / "gradebook.db")
    shutil.copy(template.release, root / "release.ipynb")
    folder = root / "submitted" / submission.student_id / chapter
    folder.mkdir(parents=True)
    shutil.copy(submission.path, folder / f"{chapter}.ipynb")
    if submission.timestamp:
        (folder / "timestamp.txt").write_text(submission.timestamp.isoformat(sep=" "))
    sockets = root / "sockets"
    sockets.mkdir()
    (root / "runtime").mkdir()
    script = root / "kernel.sh"
    script.write_text(
        kernel_script(sandbox=options.sandbox, memory_gib=options.memory_gib, sockets=sockets)
    )
    script.chmod(0o755)
    spec = root / "jupyter" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(script), "{connection_file}"],
                "display_name": "Python 3 (course sandbox)",
                "language": "python",
                "interrupt_mode": "message",
            }
        )
    )
    course_config_file = template.course / "nbgrader_config.py"
    transport = (
        f'c.KernelManager.transport = "ipc"\nc.KernelManager.ip = {str(sockets / "k")!r}\n'
        if options.sandbox
        else ""
    )
    (root / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(course_config_file)!r})  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        'c.CourseDirectory.source_directory = "source"\n'
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(root / 'gradebook.db')!r}\n"
        f"c.Execute.timeout = {int(options.timeout)}\n"
        f"c.Execute.kernel_name = {KERNEL_NAME!r}\n"
        # Nothing in the kernel is worth a graceful exit; it saves TensorFlow's second of teardown.
        'c.Execute.shutdown_kernel = "immediate"\n'
        "c.OverwriteCells.add_missing_cells = True\n"
        "c.Autograde.autograde_preprocessors = [\n"
        '    "course_utils.grading.SafeExecute",\n'
        '    "nbgrader.preprocessors.IgnorePattern",\n'
        '    "nbconvert.preprocessors.ClearMetadataPreprocessor",\n'
        '    "nbgrader.preprocessors.LimitOutput",\n'
        '    "course_utils.grading.StderrIsOutput",\n'
        '    "nbgrader.preprocessors.SaveAutoGrades",\n'
        '    "nbgrader.preprocessors.AssignLatePenalties",\n'
        '    "nbgrader.preprocessors.CheckCellMetadata",\n'
        "]\n" + transport
    )
    return root


def autograde_here(root: Path, chapter: str, student: str) -> dict:
    """Autograde the one submission of the temporary course ``root``; write feedback; summarise.

    Introduced in the instructors' guide. Runs in its own process (`autograde_process`), which is
    the only one that talks to the sandboxed kernel.
    """
    from nbgrader.api import Gradebook
    from nbgrader.apps.nbgraderapp import NbGraderApp

    os.chdir(root)
    os.environ.update(JUPYTER_PATH=str(root / "jupyter"), JUPYTER_RUNTIME_DIR=str(root / "runtime"))
    failure = None
    try:
        NbGraderApp.launch_instance(
            ["autograde", chapter, "--student", student, "--force", "--log-level=ERROR"]
        )
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            failure = f"nbgrader autograde exited with {exit_.code}"
    autograded = root / "autograded" / student / chapter / f"{chapter}.ipynb"
    summary = {"failure": failure, "grades": {}, "comments": {}, "cells": {}}
    if not autograded.exists():
        summary["failure"] = failure or "nbgrader wrote no autograded notebook"
        return summary
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(chapter, chapter, student)
        summary["grades"] = {
            grade.name: {
                "auto_score": grade.auto_score,
                "needs_manual_grade": grade.needs_manual_grade,
            }
            for grade in notebook.grades
        }
        summary["comments"] = {comment.name: comment.auto_comment for comment in notebook.comments}
    summary["cells"] = failing_cells(autograded)
    write_feedback(root, chapter, student, autograded)
    return summary


def failing_cells(autograded: Path) -> dict[str, list[str]]:
    """The cells that timed out, killed the kernel or ran out of memory, by name or index."""
    import nbformat

    notebook = nbformat.read(autograded, as_version=4)
    found: dict[str, list[str]] = {"timeout": [], "died": [], "memory": []}
    for index, cell in enumerate(notebook.cells):
        name = _nbgrader_meta(cell).get("grade_id") or f"cell {index + 1}"
        for output in cell.get("outputs", []):
            ename = output.get("ename")
            kind = {TIMEOUT_ENAME: "timeout", DIED_ENAME: "died", "MemoryError": "memory"}.get(
                ename
            )
            if kind and name not in found[kind]:
                found[kind].append(name)
    return found


# --------------------------------------------------------------------------------------------
# Feedback without hidden tests


def safe_feedback_notebook(autograded, release, scores: dict[str, tuple[float, float]]):
    """The autograded notebook as students may see it: hidden tests gone, their outputs replaced.

    Introduced in the instructors' guide. A test cell that holds hidden tests shows its released
    (visible) source and, as its only output, one line: passed or failed, its points, and the
    exception's name and message (never its traceback, which would quote hidden lines).
    """
    import copy

    from nbformat.notebooknode import NotebookNode

    released = {
        _nbgrader_meta(c)["grade_id"]: c for c in release.cells if _nbgrader_meta(c).get("grade_id")
    }
    notebook = copy.deepcopy(autograded)
    for cell in notebook.cells:
        meta = _nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if not meta.get("grade") or cell.cell_type != "code" or meta.get("solution"):
            continue
        public = released.get(grade_id)
        hidden = HIDDEN_MARK in cell.source or (public is not None and public.source != cell.source)
        score, points = scores.get(grade_id, (0.0, float(meta.get("points", 0))))
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            message = f"✗ failed ({score:g} of {points:g} points): {errors[0].ename}"
            message += f": {errors[0].evalue}" if errors[0].evalue else ""
        else:
            message = f"✓ passed ({score:g} of {points:g} points)"
        line = NotebookNode(output_type="stream", name="stdout", text=message + "\n")
        if hidden:
            cell.source = public.source if public is not None else ""
            cell.outputs = [line]
        else:
            cell.outputs = [*cell.get("outputs", []), line]
    return notebook


@functools.cache
def feedback_exporter():
    """nbgrader's feedback page: the template and stylesheet of its ``GenerateFeedback``.

    One exporter per process: it compiles its templates on first use, which costs more than the
    rendering itself.
    """
    import nbgrader
    from nbconvert.exporters import HTMLExporter
    from traitlets.config import Config

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(formgrader / "templates")]
    config.HTMLExporter.extra_template_paths = [
        str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")
    ]
    return HTMLExporter(config=config)


def write_feedback(root: Path, chapter: str, student: str, autograded: Path) -> Path:
    """Render nbgrader's feedback page from the safe notebook (nbgrader's template, GetGrades)."""
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import GetGrades

    db_url = f"sqlite:///{root / 'gradebook.db'}"
    with Gradebook(db_url) as gradebook:
        submitted = gradebook.find_submission_notebook(chapter, chapter, student)
        scores = {grade.name: (grade.score, grade.max_score) for grade in submitted.grades}
    notebook = safe_feedback_notebook(
        nbformat.read(autograded, as_version=4),
        nbformat.read(root / "release.ipynb", as_version=4),
        scores,
    )
    resources = {
        "nbgrader": {
            "notebook": chapter,
            "assignment": chapter,
            "student": student,
            "db_url": db_url,
        }
    }
    notebook, resources = GetGrades().preprocess(notebook, resources)
    html, _ = feedback_exporter().from_notebook_node(notebook, resources=resources)
    target = root / "feedback" / student / chapter / f"{chapter}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html)
    return target


def warm_up_grader() -> None:
    """Do once, in the fork server, the first-use work every grader process would repeat.

    Compiles the feedback templates, the syntax highlighter's patterns and the notebook schema by
    rendering a small graded notebook: a third of the grader process's CPU time otherwise.
    """
    import nbformat
    from nbformat import v4

    test = v4.new_code_cell("assert softmax([0.0]).sum() == 1.0  # a test", execution_count=2)
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 1, "score": 0.0}
    test.outputs = [
        v4.new_output("stream", name="stdout", text="✗ failed (0 of 1 points)\n"),
        v4.new_output("error", ename="AssertionError", evalue="", traceback=["\x1b[0;31mx\x1b[0m"]),
    ]
    answer = v4.new_code_cell("def softmax(x):\n    return x", execution_count=1)
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "a"}
    answer.outputs = [v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    notebook = v4.new_notebook(
        cells=[v4.new_markdown_cell("# Title\n\nSome *prose*, `code` and $x^2$."), answer, test]
    )
    nbformat.validate(notebook)
    resources = {"nbgrader": {"score": 0.0, "max_score": 1.0, "late_penalty": 0}}
    feedback_exporter().from_notebook_node(notebook, resources=resources)


# --------------------------------------------------------------------------------------------
# Grading one submission from the parent process


_START_LOCK = Lock()
PRELOADED = ("nbgrader.apps.nbgraderapp", "nbgrader.api", "course_utils.grader_preload")


def grader_processes():
    """The multiprocessing context that starts one grader process per submission.

    A fork server that has imported nbgrader and warmed it up once (`grader_preload`) forks each
    of them: a fresh process per submission, without paying nbgrader's 1.6 s import every time.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOADED))
    return context


def autograde_process(root: str, chapter: str, student: str, environment: dict, log: str) -> None:
    """Body of the grader process of one submission: autograde, then write ``summary.json``.

    It leads its own process group, so a run past the wall-clock limit is killed with every
    process it started; its output goes to ``log``; its environment is the one given.
    """
    os.setsid()
    with open(log, "w") as stderr, open(os.devnull, "w") as stdout:
        os.dup2(stderr.fileno(), 2)
        os.dup2(stdout.fileno(), 1)
    os.environ.clear()
    os.environ.update(environment)
    warnings.filterwarnings("ignore", message=".*not in session.*")
    summary = autograde_here(Path(root), chapter, student)
    (Path(root) / "summary.json").write_text(json.dumps(summary))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def grade_submission(
    template: Template,
    submission: Submission,
    options: Options,
    release,
    other_releases: dict,
) -> Result:
    """Check, then autograde one submission in its own temporary course; never raises.

    Introduced in the instructors' guide.
    """
    base = Result(
        student_id=submission.student_id,
        chapter=template.chapter,
        score=0.0,
        max_score=template.max_score,
        status="graded",
        reason="",
        file=submission.origin,
        sha256=_sha256(submission.path),
        timestamp=submission.timestamp.isoformat(sep=" ") if submission.timestamp else None,
    )
    try:
        return _grade_submission(template, submission, options, release, other_releases, base)
    except Exception as error:  # one broken submission must not stop the batch
        base.status, base.reason = "error", f"{type(error).__name__}: {error}"[:300]
        return base


def _grade_submission(template, submission, options, release, other_releases, base) -> Result:
    statuses, reasons = notebook_problems(submission.path, release, other_releases)
    reasons += submission.notes
    if {"corrupt", "wrong-notebook"} & set(statuses):
        base.status, base.reason = statuses[0], "; ".join(reasons)
        return base
    root = temporary_course(template, submission, options)
    code_cells = sum(1 for c in release.cells if c.cell_type == "code")
    wall = options.timeout * (code_cells + 2) + 120
    summary_file, log = root / "summary.json", root / "grader.log"
    environment = tool_environment(threads=options.threads)
    if not options.figures:
        environment["MPLBACKEND"] = "agg"  # figures are made but not drawn into the notebook
    process = grader_processes().Process(
        target=autograde_process,
        args=(str(root), template.chapter, submission.student_id, environment, str(log)),
    )
    with _START_LOCK:  # multiprocessing's bookkeeping of children is not thread-safe
        process.start()
    process.join(wall)
    if process.is_alive():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the grader and the kernel it started
        process.kill()
        process.join()
        statuses.append("timeout")
        reasons.append(f"grading took over {wall} s and was stopped")
    stderr = log.read_text(errors="replace") if log.exists() else ""
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else None
    if summary is None:
        if "timeout" not in statuses:
            statuses.append("error")
            last = stderr.strip().splitlines()[-1:] if stderr else []
            reasons.append(f"the grader process failed ({process.exitcode}): {' '.join(last)}")
    else:
        if summary["failure"]:
            statuses.append("error")
            reasons.append(summary["failure"])
        cells = summary["cells"]
        if cells.get("died"):
            statuses.append("error")
            reasons.append(f"the kernel died in {', '.join(cells['died'])}; later cells not run")
        if cells.get("memory"):
            statuses.append("error")
            reasons.append(
                f"MemoryError in {', '.join(cells['memory'])} "
                f"(memory limit {options.memory_gib:g} GiB)"
            )
        if cells.get("timeout"):
            statuses.append("timeout")
            reasons.append(f"{', '.join(cells['timeout'])} ran over {options.timeout} s")
        base.grades, base.comments = summary["grades"], summary["comments"]
        base.score = float(sum(g["auto_score"] or 0 for g in base.grades.values()))
        autograded = root / "autograded" / submission.student_id / template.chapter
        feedback = root / "feedback" / submission.student_id / template.chapter
        base.autograded = str(autograded) if autograded.exists() else None
        base.feedback = str(feedback / f"{template.chapter}.html") if feedback.exists() else None
    for status in PRECEDENCE:
        if status in statuses:
            base.status = status
            break
    base.reason = "; ".join(dict.fromkeys(reasons))
    return base


# --------------------------------------------------------------------------------------------
# Merging into the course: gradebook, folders, grades.csv


def merge(course: Path, template: Template, result: Result, submission: Submission) -> Result:
    """Record one result in the course (parent process only): gradebook, folders, score.

    Introduced in the instructors' guide. Uses nbgrader's `Gradebook`: the student, the
    submission and each grade's ``auto_score``; manual scores already given are kept. The
    submitted, autograded and feedback files go where nbgrader's own tools look for them.
    """
    from nbgrader.api import Gradebook

    chapter, student = template.chapter, result.student_id
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    submitted = course / "submitted" / student / chapter
    if submission.path.resolve() != (submitted / f"{chapter}.ipynb").resolve():
        if submitted.exists():
            shutil.rmtree(submitted)
        submitted.mkdir(parents=True)
        target = f"{chapter}.ipynb" if submission.path.suffix == ".ipynb" else submission.path.name
        shutil.copy(submission.path, submitted / target)
        if result.timestamp:
            (submitted / "timestamp.txt").write_text(result.timestamp)
    for kind, source in (("autograded", result.autograded), ("feedback", result.feedback)):
        target = course / kind / student / chapter
        if target.exists():
            shutil.rmtree(target)
        if source:
            source = Path(source)
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                target.mkdir(parents=True)
                shutil.copy(source, target / source.name)
    for name in ("timestamp.txt", "submission_secret.txt"):  # nbgrader release_feedback's
        feedback = course / "feedback" / student / chapter
        if (submitted / name).exists() and feedback.exists():
            shutil.copy(submitted / name, feedback / name)
    with Gradebook(db_url) as gradebook:
        gradebook.update_or_create_student(student)
        stamp = {"timestamp": result.timestamp} if result.timestamp else {}
        notebook_submission = gradebook.update_or_create_submission(chapter, student, **stamp)
        del notebook_submission
        notebook = gradebook.find_submission_notebook(chapter, chapter, student)
        for grade in notebook.grades:
            auto = result.grades.get(grade.name)
            if auto is None:  # not graded: nothing earned
                grade.auto_score = 0.0 if grade.cell.cell_type == "code" else None
                grade.needs_manual_grade = grade.cell.cell_type != "code"
            else:
                grade.auto_score = auto["auto_score"]
                grade.needs_manual_grade = auto["needs_manual_grade"]
        for comment in notebook.comments:
            comment.auto_comment = result.comments.get(comment.name)
        gradebook.db.commit()
        result.score = float(gradebook.find_submission_notebook(chapter, chapter, student).score)
    return result


def write_grades(path: Path, rows: Sequence[dict], chapter: str) -> None:
    """Replace this run's students' rows of ``chapter`` in grades.csv, keep every other row."""
    kept = []
    students = {row["student_id"] for row in rows}
    if path.exists():
        with path.open(newline="") as file:
            kept = [
                row
                for row in csv.DictReader(file)
                if not (row["chapter"] == chapter and row["student_id"] in students)
            ]
    merged = sorted([*kept, *rows], key=lambda row: (row["chapter"], row["student_id"]))
    temporary = path.with_suffix(".csv.tmp")
    with temporary.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(merged)
    temporary.replace(path)


# --------------------------------------------------------------------------------------------
# The whole class


@dataclass
class Report:
    """What ``course grade`` did: the sandbox line, every result, the time it took."""

    sandbox: str
    results: list[Result]
    seconds: float
    grades_csv: Path

    def problems(self) -> list[Result]:
        return [result for result in self.results if result.status != "graded"]


class Progress:
    """A one-line progress bar on a terminal; one line per submission otherwise."""

    def __init__(self, total: int, label: str, stream=None):
        self.total, self.done, self.label = total, 0, label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.start = time.perf_counter()

    def update(self, result: Result) -> None:
        self.done += 1
        filled = int(30 * self.done / max(self.total, 1))
        elapsed = time.perf_counter() - self.start
        text = (
            f"{self.label} [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} "
            f"{elapsed:.0f}s  {result.student_id}: {result.status} "
            f"{result.score:g}/{result.max_score:g}"
        )
        if self.tty:
            self.stream.write("\r\x1b[K" + text + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def grade(
    course: str | os.PathLike,
    chapter: str,
    source: str | os.PathLike,
    *,
    jobs: int | None = None,
    timeout: int | None = None,
    memory_gib: float | None = None,
    sandbox: str = "auto",
    regexp: str | None = None,
    output: str | os.PathLike | None = None,
    figures: bool | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> Report:
    """Autograde every submission of ``chapter`` in ``source``: isolated, sandboxed, in parallel.

    Introduced in the instructors' guide. ``sandbox`` is ``"auto"`` (bubblewrap when it can run),
    ``"bwrap"`` (required) or ``"none"``. ``figures`` draws the notebooks' figures into the
    autograded copies and the feedback; by default they are made but not drawn, which no test
    notices and which saves about a sixth of the time. Returns a `Report`; every input is one of
    its results and one row of ``output`` (default ``<course>/grades.csv``). The grader processes
    come from a `multiprocessing` fork server, so a script that calls this function must do so
    under ``if __name__ == "__main__":``.
    """
    course = find_course(course)
    check_chapter(course, chapter)
    settings = course_config(course)
    timeout = timeout or settings["chapter_timeouts"].get(chapter, settings["timeout"])
    memory_gib = memory_gib or settings["memory_gib"]
    jobs = jobs or os.cpu_count() or 1
    if sandbox not in ("auto", "bwrap", "none"):
        raise GradingError(f"sandbox must be auto, bwrap or none; got {sandbox!r}")
    usable, detail = (
        probe_sandbox() if sandbox != "none" else (False, "turned off (--sandbox none)")
    )
    if sandbox == "bwrap" and not usable:
        raise GradingError(detail)
    if usable:
        line = "sandbox: bubblewrap (no network; only the submission's folder is writable)"
    else:
        line = (
            f"sandbox: NONE, {detail}; student code runs with your rights "
            "(time and memory limits still apply)"
        )
    options = Options(
        timeout=int(timeout),
        memory_gib=float(memory_gib),
        sandbox=detail if usable else None,
        threads=max(1, (os.cpu_count() or 1) // jobs),
        figures=settings["figures"] if figures is None else figures,
    )
    start = time.perf_counter()
    import nbformat

    with tempfile.TemporaryDirectory(prefix=f"course-grade-{chapter}-") as work_name:
        work = Path(work_name)
        submissions = gather(source, chapter, workdir=work, regexp=regexp)
        if not submissions:
            raise GradingError(f"{source} holds no submission")
        template = prepare(course, chapter, work)
        release = nbformat.read(template.release, as_version=4)
        others = {}
        for other in chapter_ids(course):
            path = course / "chapters" / other / f"{other}.ipynb"
            if other != chapter and path.exists():
                others[other] = nbformat.read(path, as_version=4)
        progress = Progress(len(submissions), f"grading {chapter}")
        results = []
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {
                pool.submit(grade_submission, template, s, options, release, others): s
                for s in submissions
            }
            for future in as_completed(futures):
                submission = futures[future]
                result = future.result()
                try:
                    result = merge(course, template, result, submission)
                except Exception as error:
                    result.status = "error"
                    result.reason = f"could not record the result: {error}"[:300]
                results.append(result)
                progress.update(result)
                if on_result:
                    on_result(result)
        results.sort(key=lambda r: r.student_id)
        grades_csv = Path(output) if output else course / "grades.csv"
        write_grades(grades_csv, [r.row() for r in results], chapter)
    return Report(line, results, time.perf_counter() - start, grades_csv)


# --------------------------------------------------------------------------------------------
# The other commands


def release(course: Path, chapters: Sequence[str], exchange: str | None = None) -> list[str]:
    """Regenerate the student notebooks in chapters/; with an exchange, release them there too.

    Introduced in the instructors' guide.
    """
    for chapter in chapters:
        check_chapter(course, chapter)
    for chapter in chapters:
        run_nbgrader(course, "generate_assignment", chapter, "--force")
        if exchange:
            run_nbgrader(
                course, "release_assignment", chapter, "--force", f"--Exchange.root={exchange}"
            )
    return list(chapters)


def collect(course: Path, chapter: str, exchange: str) -> Path:
    """Collect the exchange's submissions of ``chapter`` into ``submitted/`` (nbgrader collect).

    Introduced in the instructors' guide.
    """
    check_chapter(course, chapter)
    run_nbgrader(course, "collect", chapter, "--update", f"--Exchange.root={exchange}")
    return course / "submitted"


def release_feedback(course: Path, chapter: str, exchange: str) -> None:
    """Put the feedback pages of ``chapter`` in the exchange (nbgrader release_feedback).

    Introduced in the instructors' guide.
    """
    check_chapter(course, chapter)
    run_nbgrader(course, "release_feedback", chapter, f"--Exchange.root={exchange}")


def export(course: Path, to: str | None = None) -> Path:
    """Export the gradebook with nbgrader's own exporter (one row per student and chapter).

    Introduced in the instructors' guide.
    """
    target = Path(to).resolve() if to else course / "gradebook.csv"
    run_nbgrader(course, "export", f"--to={target}")
    return target


def print_report(report: Report, stream=None) -> None:
    stream = stream or sys.stdout
    print(report.sandbox, file=stream)
    counts = {status: 0 for status in STATUSES}
    for result in report.results:
        counts[result.status] += 1
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    seconds = report.seconds / max(len(report.results), 1)
    print(
        f"{len(report.results)} submissions in {report.seconds:.0f} s ({seconds:.1f} s each): "
        f"{summary}",
        file=stream,
    )
    for result in report.problems():
        print(
            f"  {result.student_id} ({result.file}): {result.status}: {result.reason}", file=stream
        )
    print(f"grades: {report.grades_csv}", file=stream)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="course",
        description="Release chapters, grade a class safely, return feedback, export grades.",
    )
    parser.add_argument("--course", default=".", help="the course directory (default: here)")
    commands = parser.add_subparsers(dest="command", required=True)
    release_parser = commands.add_parser("release", help="regenerate chapters/ (and release)")
    release_parser.add_argument("chapters", nargs="*", help="chapter ids (default: all)")
    release_parser.add_argument("--exchange", help="nbgrader exchange folder to release into")
    grade_parser = commands.add_parser("grade", help="autograde a class's submissions")
    grade_parser.add_argument("chapter")
    grade_parser.add_argument("submissions", help="folder of notebooks or students, or a zip")
    grade_parser.add_argument("--jobs", "-j", type=int, default=None, help="default: all cores")
    grade_parser.add_argument("--timeout", type=int, default=None, help="seconds per cell")
    grade_parser.add_argument("--memory", type=float, default=None, help="GiB per kernel")
    grade_parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto")
    grade_parser.add_argument("--regexp", help="nbgrader FileNameCollector named_regexp")
    grade_parser.add_argument("--output", help="grades CSV (default: <course>/grades.csv)")
    grade_parser.add_argument(
        "--figures",
        action="store_true",
        default=None,
        help="draw the notebooks' figures in the autograded copies and feedback (slower)",
    )
    collect_parser = commands.add_parser("collect", help="collect submissions from the exchange")
    collect_parser.add_argument("chapter")
    collect_parser.add_argument("--exchange", required=True)
    feedback_parser = commands.add_parser("feedback", help="release feedback to the exchange")
    feedback_parser.add_argument("chapter")
    feedback_parser.add_argument("--exchange", required=True)
    export_parser = commands.add_parser("export", help="export the gradebook (nbgrader export)")
    export_parser.add_argument("--to", help="CSV file (default: <course>/gradebook.csv)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``course`` command. Introduced in the instructors' guide."""
    arguments = parse_arguments(argv)
    # nbgrader's Gradebook trips SQLAlchemy's autoflush warnings; they are harmless (FACTS.md).
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        course = find_course(arguments.course)
        if arguments.command == "release":
            done = release(course, arguments.chapters or chapter_ids(course), arguments.exchange)
            print(f"released {', '.join(done)}")
        elif arguments.command == "grade":
            report = grade(
                course,
                arguments.chapter,
                arguments.submissions,
                jobs=arguments.jobs,
                timeout=arguments.timeout,
                memory_gib=arguments.memory,
                sandbox=arguments.sandbox,
                regexp=arguments.regexp,
                output=arguments.output,
                figures=arguments.figures,
            )
            print_report(report)
        elif arguments.command == "collect":
            print(f"collected into {collect(course, arguments.chapter, arguments.exchange)}")
        elif arguments.command == "feedback":
            release_feedback(course, arguments.chapter, arguments.exchange)
            print(f"released the feedback of {arguments.chapter}")
        elif arguments.command == "export":
            print(f"exported {export(course, arguments.to)}")
    except GradingError as error:
        print(f"course: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "STATUSES",
    "GradingError",
    "Options",
    "Report",
    "Result",
    "Submission",
    "chapter_ids",
    "check_chapter",
    "collect",
    "export",
    "find_course",
    "gather",
    "grade",
    "kernel_script",
    "main",
    "merge",
    "notebook_problems",
    "probe_sandbox",
    "release",
    "release_feedback",
    "safe_feedback_notebook",
    "write_grades",
]
