"""`course grade`: tiny-chapter submissions that go over a kernel's limits, beside correct ones.

One `course grade --jobs 2` run with small limits (``--disk 64 --processes 64``, 4 GiB of
memory): blank notebooks that write more than the bytes allowed into their folder, into ``/tmp``,
into the socket folder they share with the grader and into a folder below it, one that starts 200
sleeping processes and one that spreads 4.7 GiB over six child processes of 800 MiB each; two
correct neighbours. Each attacker is ``error`` with the limit named, the neighbours keep full
marks, no big file reaches the course and no process or cgroup outlives the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course_grading.limits import probe_cgroups
from tests.course_support import (
    make_course,
    needs_sandbox,
    read_grades,
    run_course,
    running_commands,
    write_submission,
)
from tests.notebooks import TINY, answers_of, grade_cells, read, solution_path, submission

CHAPTER = TINY
SOLVED = answers_of(read(solution_path(CHAPTER)))
FULL = sum(cell.points for cell in grade_cells(read(solution_path(CHAPTER))) if cell.kind == "code")
# Graded in the worker that runs test_course_grade.py (tests/conftest.py), so no other run of the
# tiny chapter makes cgroups while this one's are counted.
SHARES_A_WORKER_WITH = TINY
DISK_MIB, PROCESSES = 64, 64
SLEEP = "293"  # seconds the forked children sleep: their mark in the process table

# The watch polls every 0.5 s; the tmpfs itself stops the writes (ENOSPC). The filler stays a
# second after its writes so that a poll sees the full tmpfs, since the tiny chapter ends at once.
FILL = """
import os, time
try:
    with open({target}, "wb") as big:
        for _ in range({chunks}):
            big.write(bytes(2**20))
except OSError:
    pass
time.sleep(1)
"""
SOCKETS = "os.path.join(os.path.dirname(json.load(open(sys.argv[-1]))['ip']), 'big.bin')"
BELOW_SOCKETS = (
    "os.makedirs(os.path.join(os.path.dirname(json.load(open(sys.argv[-1]))['ip']), 'deep'),"
    " exist_ok=True) or os.path.join(os.path.dirname(json.load(open(sys.argv[-1]))['ip']),"
    " 'deep', 'big.bin')"
)
# The cell waits for the cgroup to kill a child, not a fixed time: on a slow machine the children
# can take longer than 15 s to write their pages (a CI run saw ``graded`` that way).
SPREAD = """
import subprocess, sys, time
hold = "data = b'x' * (800 * 2**20); import time; time.sleep(120)"  # pages written: counted
children = [subprocess.Popen([sys.executable, "-c", hold]) for _ in range(6)]
deadline = time.monotonic() + 50
while time.monotonic() < deadline and all(child.poll() is None for child in children):
    time.sleep(0.1)
"""
FORK = f"""
import subprocess
children = []
try:
    for _ in range(200):
        children.append(subprocess.Popen(["sleep", "{SLEEP}"]))
except OSError:
    pass
"""


def fills(target: str) -> str:
    return FILL.format(target=target, chunks=2 * DISK_MIB)


def resource_submissions() -> dict[str, tuple[dict[str, str], str, str]]:
    """Every submission by student id: its answers, and the status and the reason's mark it must
    get (the notebooks are written by `over_limits`, not at collection)."""
    disk = f"wrote more than {DISK_MIB} MiB (disk_mib)"
    return {
        "correct-a": (SOLVED, "graded", ""),
        "correct-b": (SOLVED, "graded", ""),
        "fills-folder": ({"ex00_one_hot": fills("'big.bin'")}, "error", disk),
        "fills-tmp": ({"ex00_one_hot": fills("'/tmp/big.bin'")}, "error", disk),
        "fills-sockets": ({"ex00_one_hot": "import json, sys\n" + fills(SOCKETS)}, "error", disk),
        "fills-below-sockets": (
            {"ex00_one_hot": "import json, sys\n" + fills(BELOW_SOCKETS)},
            "error",
            disk,
        ),
        "forks": (
            {"ex00_one_hot": FORK},
            "error",
            f"started more than {PROCESSES} processes (processes)",
        ),
        "spreads-memory-over-children": (
            {"ex00_one_hot": SPREAD},
            "error",
            "used more than 4 GiB of memory (memory_gib)",
        ),
    }


def our_cgroups() -> list[Path]:
    folders = {Path("/sys/fs/cgroup"), *Path("/sys/fs/cgroup").glob("*")}
    folders |= {Path(parent) for parent in probe_cgroups().values()}
    return [path for folder in folders for path in folder.glob(f"course-grade-{CHAPTER}-*")]


@pytest.fixture(scope="module")
def over_limits(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("resources-course"), tiny=True)
    inbox = tmp_path_factory.mktemp("resources-submissions")
    cases = resource_submissions()
    for student, (answers, _, _) in cases.items():
        write_submission(inbox, student, submission(CHAPTER, answers))
    cgroups_before = our_cgroups()
    result = run_course(
        "grade",
        CHAPTER,
        inbox,
        *("--jobs", 2, "--timeout", 60, "--disk", DISK_MIB, "--processes", PROCESSES),
        cwd=course,
    )
    return {
        "course": course,
        "cases": cases,
        "result": result,
        "grades": read_grades(course / "grades.csv"),
        "sleeping": [c for c in running_commands() if c[:2] == ["sleep", SLEEP]],
        "cgroups": [path for path in our_cgroups() if path not in cgroups_before],
    }


@needs_sandbox
def test_the_report_says_which_limits_are_in_force(over_limits):
    first = over_limits["result"].stdout.splitlines()[0]
    assert first.startswith("sandbox: bubblewrap") and "limits per kernel: " in first
    assert f"{DISK_MIB} MiB written (/tmp and its folder)" in first
    assert "4 GiB of memory (cgroup: with its children)" in first


@needs_sandbox
@pytest.mark.parametrize("student", list(resource_submissions()))
def test_each_submission_over_a_limit_is_an_error_naming_it(over_limits, student):
    _, status, mark = over_limits["cases"][student]
    row = over_limits["grades"][student]
    assert row["status"] == status, row["reason"]
    assert mark in row["reason"]
    assert float(row["score"]) == (FULL if status == "graded" else 0)


@needs_sandbox
def test_no_big_file_reaches_the_course(over_limits):
    course = over_limits["course"]
    big = [
        path
        for kind in ("submitted", "autograded", "feedback")
        for path in (course / kind).rglob("*")
        if path.is_file() and path.stat().st_size > 2**20
    ]
    assert big == []
    for student in over_limits["cases"]:
        assert not (course / "autograded" / student / CHAPTER / "big.bin").exists()


@needs_sandbox
def test_no_process_or_cgroup_outlives_the_run(over_limits):
    assert over_limits["sleeping"] == []
    assert over_limits["cgroups"] == []
