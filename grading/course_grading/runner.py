"""Grading one submission from the parent: its checks, its grader process, its wall-clock limit."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import signal
from dataclasses import dataclass, field, replace
from pathlib import Path

from course_grading.checks import notebook_problems
from course_grading.course import course_folder
from course_grading.inputs import Submission
from course_grading.limits import Watch, reasons_over, release_cgroups
from course_grading.processes import grader_processes, start, tool_environment
from course_grading.status import (
    NOT_RUN,
    Result,
    Status,
    classify,
    last_exception,
    summary_problems,
)
from course_grading.worker import SUMMARY, autograde_process
from course_grading.workspace import Options, Template, temporary_course

LOG = "grader.log"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def wall_limit(release, timeout: int) -> int:
    """Seconds a whole grader process may take: every code cell at its limit in the student's
    kernel and again in the checker, and a margin."""
    code_cells = sum(1 for cell in release.cells if cell.cell_type == "code")
    return timeout * (2 * code_cells + 2) + 120


def grade_submission(
    template: Template,
    submission: Submission,
    options: Options,
    release,
    other_releases: dict,
) -> Result:
    """Check, then autograde one submission in its own temporary course; never raises."""
    base = Result(
        student_id=submission.student_id,
        chapter=template.chapter,
        score=0.0,
        max_score=template.max_score,
        status=Status.GRADED,
        reason="",
        file=submission.origin,
        sha256=sha256(submission.path),
        timestamp=submission.timestamp.isoformat(sep=" ") if submission.timestamp else None,
    )
    try:
        return _grade_submission(template, submission, options, release, other_releases, base)
    except Exception as error:  # one broken submission must not stop the batch
        base.status, base.reason = Status.ERROR, f"{type(error).__name__}: {error}"[:300]
        return base


def _run_grader(root, template: Template, student: str, options: Options, wall: int, watch):
    """Run the grader process; whether it finished in ``wall`` seconds, and its exit code."""
    environment = tool_environment(threads=options.threads)
    if not options.figures:
        environment["MPLBACKEND"] = "agg"  # figures are made but not drawn into the notebook
    process = grader_processes().Process(
        target=autograde_process,
        args=(str(root), template.chapter, student, environment, str(root / LOG)),
    )
    start(process)
    watch.join(process, wall)  # process.join(wall), watching the kernel's bytes
    finished = not process.is_alive()
    if not finished:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the grader and the kernel it started
        process.kill()
        process.join()
    return finished, process.exitcode


@dataclass
class Run:
    """What one grader process left behind, read once it ended."""

    finished: bool  # it ended within its wall-clock limit
    wall: int  # that limit, in seconds
    exitcode: int | None
    log: str  # its standard error
    summary: dict | None  # `worker.SUMMARY` (None: it wrote none)
    over: list[str] = field(default_factory=list)  # the limits it went over (`reasons_over`)
    autograded: str | None = None  # the folder of the autograded notebook
    feedback: str | None = None  # the feedback page
    log_file: str | None = None


def decide(base: Result, statuses: list, reasons: list, run: Run, options: Options) -> Result:
    """The result of a submission that earned ``statuses`` and ``reasons`` before it ran and
    whose grader process left ``run``: its status, reasons and score, from that alone."""
    statuses, reasons = list(statuses), list(reasons)
    result = replace(base)
    summary = copy.deepcopy(run.summary)
    if not run.finished:
        statuses.append(Status.TIMEOUT)
        reasons.append(f"grading took over {run.wall} s and was stopped")
    if summary is None and run.finished:
        statuses.append(Status.ERROR)
        cause = last_exception(run.log) or " ".join(run.log.strip().splitlines()[-1:])
        reasons.append(f"the grader process failed ({run.exitcode}): {cause}".strip())
    if summary is not None and summary["failure"]:
        cause = last_exception(run.log)
        summary["failure"] += f" ({cause})" if cause else ""
    found, why = summary_problems(
        summary, timeout=options.timeout, memory_gib=options.limits.memory_gib
    )
    statuses += found + [Status.ERROR] * bool(run.over)
    reasons += why + run.over
    if summary is not None:
        result.grades, result.comments = summary["grades"], summary["comments"]
        result.score = float(sum(g["auto_score"] or 0 for g in result.grades.values()))
        result.autograded, result.feedback = run.autograded, run.feedback
    checked = (summary or {}).get("checked", {})
    if checked.get("problems"):
        statuses.append(Status.ERROR)
        reasons += checked["problems"]
    if checked.get("suspicious"):  # only a kernel whose grading machinery was changed does this
        statuses.append(Status.SUSPICIOUS)
        reasons.append(f"the kernel sent the checker {'; '.join(checked['suspicious'][:3])}")
        result.flagged = True
    result.status = classify(statuses)
    result.reason = "; ".join(dict.fromkeys(reasons))
    if result.status is not Status.GRADED:
        result.log = run.log_file
    return result


def _run(root: Path, template: Template, student: str, options: Options, release) -> Run:
    """Run the grader process of the temporary course ``root``; what it left behind."""
    wall = wall_limit(release, options.timeout)
    watch = Watch(root, options.limits, root / "sockets", sandboxed=bool(options.sandbox))
    try:
        finished, exitcode = _run_grader(root, template, student, options, wall, watch)
    finally:
        over = release_cgroups(root, options.limits)  # kills what is left of the kernel
    log, summary = root / LOG, root / SUMMARY
    summary = json.loads(summary.read_text()) if summary.exists() else None
    cells = summary["cells"] if summary else {}
    autograded = course_folder(root, "autograded", student, template.chapter)
    feedback = course_folder(root, "feedback", student, template.chapter)
    feedback /= f"{template.chapter}.html"
    return Run(
        finished=finished,
        wall=wall,
        exitcode=exitcode,
        log=log.read_text(errors="replace") if log.exists() else "",
        summary=summary,
        over=reasons_over(options.limits, watch, over, cells),
        autograded=str(autograded) if autograded.exists() else None,
        feedback=str(feedback) if feedback.parent.exists() else None,
        log_file=str(log) if log.exists() else None,
    )


def _grade_submission(template, submission, options, release, other_releases, base) -> Result:
    statuses, reasons = notebook_problems(submission.path, release, other_releases)
    reasons += submission.notes
    if NOT_RUN & set(statuses):
        return replace(base, status=statuses[0], reason="; ".join(reasons))
    root = temporary_course(template, submission, options)
    run = _run(root, template, submission.student_id, options, release)
    return decide(base, statuses, reasons, run, options)
