"""A whole class: gather, prepare, grade in parallel, record each result, write grades.csv."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_grading.checks import setup_source
from course_grading.course import (
    GradingError,
    chapter_ids,
    check_chapter,
    find_course,
    release_path,
)
from course_grading.inputs import LMS_DOWNLOADS, gather
from course_grading.limits import describe
from course_grading.record import InCourse
from course_grading.runner import grade_submission
from course_grading.sandbox import probe_sandbox, running_checker
from course_grading.settings import course_grade, load_config
from course_grading.shards import InShard, select
from course_grading.status import Result, Status
from course_grading.submission_metadata import gather_gradescope
from course_grading.workspace import options_for, prepare


@dataclass
class Report:
    """What ``course grade`` did: the sandbox line, every result, the time it took."""

    sandbox: str
    results: list[Result]
    seconds: float
    grades_csv: Path

    def problems(self) -> list[Result]:
        return [result for result in self.results if result.status != Status.GRADED]


class Progress:
    """After a ``header`` line, a one-line progress bar on a terminal; one line per submission
    otherwise."""

    def __init__(self, total: int, label: str, header: str = "", stream=None):
        self.total, self.done, self.label = total, 0, label
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.start = time.perf_counter()
        if header:
            print(header, file=self.stream, flush=True)

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


def sandbox_line(sandbox: str) -> tuple[str | None, str]:
    """The bwrap to use (None: none) and the report's first line; ``sandbox``: auto, bwrap, none."""
    usable, detail = (
        probe_sandbox() if sandbox != "none" else (False, "turned off (--sandbox none)")
    )
    if sandbox == "bwrap" and not usable:
        raise GradingError(detail)
    if usable:
        return detail, "sandbox: bubblewrap (no network; only the submission's folder is writable)"
    return None, (
        f"sandbox: NONE, {detail}; student code runs with your rights "
        "(time and memory limits still apply)"
    )


def other_releases(course: Path, chapter: str) -> dict:
    """The released notebooks of the other chapters, to recognise one sent by mistake."""
    others = {}
    for other in chapter_ids(course):
        path = release_path(course, other)
        if other != chapter and path.exists():
            others[other] = nbformat.read(path, as_version=4)
    return others


def grade(
    course: str | os.PathLike,
    chapter: str,
    source: str | os.PathLike,
    *,
    regexp: str | None = None,
    output: str | os.PathLike | None = None,
    shard: tuple[int, int] | None = None,
    shard_dir: str | os.PathLike | None = None,
    on_result: Callable[[Result], None] | None = None,
    **settings,
) -> Report:
    """Autograde every submission of ``chapter`` in ``source``: isolated, sandboxed, in parallel.

    ``settings`` are `settings.CourseGrade`'s, by name (``jobs=2, memory_gib=3``); one left out or
    None takes its value from ``c.CourseGrade`` in nbgrader_config.py. ``regexp`` names students
    from file names (`inputs.gather`); without it, the ``lms`` setting gives the LMS's own
    (`inputs.LMS_DOWNLOADS`), or Gradescope's submission_metadata.yml (`submission_metadata`).
    Returns a `Report`; every input is one of its results and one row of ``output`` (default
    ``<course>/grades.csv``). The grader processes come from a `multiprocessing` fork server, so a
    script that calls this function must do so under ``if __name__ == "__main__":``.

    ``shard=(K, N)`` grades only the K-th of N slices of the students and records them in
    ``shard_dir`` (default ``shard-<chapter>-K-of-N``), not in the course: `shards` merges them.
    """
    course = find_course(course)
    check_chapter(course, chapter)
    settings = course_grade(load_config(course), **settings)
    regexp = regexp or LMS_DOWNLOADS.get(settings.lms)
    bwrap, line = sandbox_line(settings.sandbox)
    options = options_for(settings, chapter, bwrap)
    line += f"; {describe(options.limits, sandboxed=bool(bwrap))}"
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"course-grade-{chapter}-") as work_name:
        work = Path(work_name)
        if settings.lms == "gradescope" and not regexp:
            submissions = gather_gradescope(source, chapter, workdir=work)
        else:
            submissions = gather(source, chapter, workdir=work, regexp=regexp)
        if not submissions:
            raise GradingError(f"{source} holds no submission")
        if shard:
            submissions = select(submissions, shard)
            destination = InShard.at(shard_dir, chapter, shard)
        else:
            destination = InCourse(course, chapter, Path(output or course / "grades.csv"))
        progress = Progress(len(submissions), f"grading {chapter}", header=line)
        if not submissions:  # more shards than students: nothing to do in this one
            return Report(line, [], time.perf_counter() - start, destination.finish([]))
        solution = nbformat.read(course / "solutions" / chapter / f"{chapter}.ipynb", 4)
        setup = setup_source(solution)
        with running_checker(bwrap, options.limits, work, setup, options.threads) as checker:
            # The checker zygote warms up meanwhile.
            template = prepare(course, chapter, work, into_course=destination.into_course)
            release = nbformat.read(template.release, as_version=4)
            others = other_releases(course, chapter)
            options.checker = checker()
            results = []
            with ThreadPoolExecutor(max_workers=options.jobs) as pool:
                futures = {
                    pool.submit(grade_submission, template, s, options, release, others): s
                    for s in submissions
                }
                for future in as_completed(futures):
                    result = future.result()
                    try:
                        result = destination.record(result, futures[future])
                    except Exception as error:
                        result.status = Status.ERROR
                        cause = f"{type(error).__name__}: {error}"
                        result.reason = f"could not record the result: {cause}"[:300]
                    results.append(result)
                    progress.update(result)
                    if on_result:
                        on_result(result)
        results.sort(key=lambda r: r.student_id)
        grades_csv = destination.finish(results)
    return Report(line, results, time.perf_counter() - start, grades_csv)
