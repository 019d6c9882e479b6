"""Grading one submission from the parent: its checks, its grader process, its wall-clock limit."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
from pathlib import Path

from course_grading.checks import notebook_problems
from course_grading.course import grader_processes, start, tool_environment
from course_grading.inputs import Submission
from course_grading.limits import Watch, reasons_over, release_cgroups
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


def _grade_submission(template, submission, options, release, other_releases, base) -> Result:
    statuses, reasons = notebook_problems(submission.path, release, other_releases)
    reasons += submission.notes
    if NOT_RUN & set(statuses):
        base.status, base.reason = statuses[0], "; ".join(reasons)
        return base
    root = temporary_course(template, submission, options)
    wall = wall_limit(release, options.timeout)
    watch = Watch(root, options.limits, root / "sockets", sandboxed=bool(options.sandbox))
    try:
        student = submission.student_id
        finished, exitcode = _run_grader(root, template, student, options, wall, watch)
    finally:
        over = release_cgroups(root, options.limits)  # kills what is left of the kernel
    if not finished:
        statuses.append(Status.TIMEOUT)
        reasons.append(f"grading took over {wall} s and was stopped")
    log = root / LOG
    stderr = log.read_text(errors="replace") if log.exists() else ""
    summary_file = root / SUMMARY
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else None
    if summary is None and finished:
        statuses.append(Status.ERROR)
        cause = last_exception(stderr) or " ".join(stderr.strip().splitlines()[-1:])
        reasons.append(f"the grader process failed ({exitcode}): {cause}".strip())
    if summary is not None and summary["failure"]:
        cause = last_exception(stderr)
        summary["failure"] += f" ({cause})" if cause else ""
    found, why = summary_problems(
        summary, timeout=options.timeout, memory_gib=options.limits.memory_gib
    )
    statuses += found
    reasons += why
    beyond = reasons_over(options.limits, watch, over, summary["cells"] if summary else {})
    statuses += [Status.ERROR] * bool(beyond)
    reasons += beyond
    if summary is not None:
        base.grades, base.comments = summary["grades"], summary["comments"]
        base.score = float(sum(g["auto_score"] or 0 for g in base.grades.values()))
        autograded = root / "autograded" / submission.student_id / template.chapter
        feedback = root / "feedback" / submission.student_id / template.chapter
        base.autograded = str(autograded) if autograded.exists() else None
        base.feedback = str(feedback / f"{template.chapter}.html") if feedback.exists() else None
    checked = (summary or {}).get("checked", {})
    if checked.get("problems"):
        statuses.append(Status.ERROR)
        reasons += checked["problems"]
    if checked.get("suspicious"):  # only a kernel whose grading machinery was changed does this
        statuses.append(Status.SUSPICIOUS)
        reasons.append(f"the kernel sent the checker {'; '.join(checked['suspicious'][:3])}")
        base.flagged = True
    base.status = classify(statuses)
    base.reason = "; ".join(dict.fromkeys(reasons))
    if base.status is not Status.GRADED and log.exists():
        base.log = str(log)
    return base
