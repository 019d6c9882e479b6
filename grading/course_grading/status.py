"""What became of a submission: its status, their precedence, its result. Pure: no nbgrader."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    """The status of one row of grades.csv (the instructors' guide explains each)."""

    GRADED = "graded"
    TIMEOUT = "timeout"
    CORRUPT = "corrupt"
    WRONG_NOTEBOOK = "wrong-notebook"
    MISSING_CELLS = "missing-cells"
    TAMPERED = "tampered"
    ERROR = "error"
    SUSPICIOUS = "suspicious"

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


STATUSES = tuple(status.value for status in Status)
# When several apply, the first in this order is the row's status (all of them are in the reason).
PRECEDENCE = (
    Status.CORRUPT,
    Status.WRONG_NOTEBOOK,
    Status.TAMPERED,
    Status.MISSING_CELLS,
    Status.ERROR,
    Status.TIMEOUT,
    Status.SUSPICIOUS,  # after every real problem: what the kernel sent is in the reason
)
NOT_RUN = frozenset({Status.CORRUPT, Status.WRONG_NOTEBOOK})  # never given to the grader
CSV_FIELDS = ("student_id", "chapter", "score", "max_score", "status", "reason", "file", "sha256")
TIMEOUT_ENAME = "CellTimeoutError"  # nbgrader's Execute.error_on_timeout
DIED_ENAME = "KernelDied"
NOT_RUN_ENAME = "NotRun"
EXCEPTION_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\b:?(.*)$")


def classify(statuses: Iterable[Status | str]) -> Status:
    """The status of a row that earned ``statuses``: the first in `PRECEDENCE`, else graded."""
    found = {Status(status) for status in statuses}
    return next((status for status in PRECEDENCE if status in found), Status.GRADED)


def summary_problems(
    summary: dict | None, *, timeout: int, memory_gib: float
) -> tuple[list[Status], list[str]]:
    """Statuses and reasons from the grader process's summary (None: it wrote none)."""
    if summary is None:
        return [], []
    statuses, reasons = [], []
    if summary["failure"]:
        statuses.append(Status.ERROR)
        reasons.append(summary["failure"])
    cells = summary["cells"]
    if cells.get("died"):
        statuses.append(Status.ERROR)
        reasons.append(f"the kernel died in {', '.join(cells['died'])}; later cells not run")
    if cells.get("memory"):
        statuses.append(Status.ERROR)
        reasons.append(
            f"MemoryError in {', '.join(cells['memory'])} (memory limit {memory_gib:g} GiB)"
        )
    if cells.get("timeout"):
        statuses.append(Status.TIMEOUT)
        reasons.append(f"{', '.join(cells['timeout'])} ran over {timeout} s")
    return statuses, reasons


def last_exception(log: str) -> str:
    """The last ``SomeError: message`` line of a log (a traceback's verdict), or ``""``."""
    for line in reversed(log.splitlines()):
        match = EXCEPTION_LINE.match(line)
        if match:
            return line.strip()[:200]
    return ""


@dataclass
class Result:
    """The outcome of one submission: a row of grades.csv and what the gradebook needs."""

    student_id: str
    chapter: str
    score: float
    max_score: float
    status: Status
    reason: str
    file: str
    sha256: str = ""
    grades: dict = field(default_factory=dict)  # grade_id -> auto_score, needs_manual_grade
    comments: dict = field(default_factory=dict)  # grade_id -> auto_comment
    autograded: str | None = None  # folder of the autograded notebook
    feedback: str | None = None  # the feedback page
    log: str | None = None  # the grader process's log, kept when the status is not graded
    timestamp: str | None = None
    flagged: bool = False  # flag the submission in the gradebook (its kernel sent forged answers)

    def row(self) -> dict:
        row = {name: getattr(self, name) for name in CSV_FIELDS}
        row["status"] = Status(self.status).value
        return row
