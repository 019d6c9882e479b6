"""The processes that run nbgrader's commands and grade submissions, forked from one server.

A fork server that has imported nbgrader and warmed it up once (`course_grading.preload`) forks
each of them: a fresh process each time, without paying nbgrader's 1.7 s import and its 2.7 s
``alembic`` subprocess for every new gradebook.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
from pathlib import Path
from threading import Lock

from course_grading.course import THREAD_VARIABLES, GradingError
from course_utils.config import QUIET_TENSORFLOW

_START_LOCK = Lock()
PRELOAD = "course_grading.preload"  # imported by the fork server before it forks anything


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
    for name, value in QUIET_TENSORFLOW.items():
        environment.setdefault(name, value)
    return environment


def grader_processes():
    """The multiprocessing context whose processes the warmed-up fork server forks."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return context


def start(process) -> None:
    """Start ``process``: multiprocessing's bookkeeping of children is not thread-safe."""
    with _START_LOCK:
        process.start()


def nbgrader_command(course: str, arguments: list[str], environment: dict, log: str) -> None:
    """Body of the process of one nbgrader command: ``nbgrader ARGUMENTS`` in ``course``."""
    with open(log, "w") as output:
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(course)
    from nbgrader.apps.nbgraderapp import NbGraderApp  # preloaded by the fork server

    NbGraderApp.launch_instance([*arguments, "--log-level=WARN"])


def run_nbgrader(course: Path, *arguments: str) -> None:
    """Run one nbgrader command in ``course``; on failure raise with nbgrader's own messages."""
    with tempfile.TemporaryDirectory(prefix="course-nbgrader-") as folder:
        log = Path(folder) / "nbgrader.log"
        process = grader_processes().Process(
            target=nbgrader_command,
            args=(str(course), list(arguments), tool_environment(), str(log)),
        )
        start(process)
        process.join()
        if process.exitcode != 0:
            output = log.read_text(errors="replace").strip() if log.exists() else ""
            raise GradingError(f"nbgrader {' '.join(arguments)} failed:\n{output}")
