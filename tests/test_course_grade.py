"""`course grade`: a class of submissions, good and bad, graded once in the sandbox.

The chapter is `tests.notebooks.TINY` (NumPy only: its kernels start in a second), in a copy of the
course, whose other chapters' notebooks a submission may be sent as by mistake.

One module-scoped batch holds a correct and a blank notebook and one submission per way to go
wrong (corrupt JSON, another chapter, an infinite loop, a function that loops when it is called,
a memory hog, ``os._exit``, ``sys.exit``, a deleted and an edited test cell, writing outside,
reading ``solutions/``, opening the gradebook, a correct answer that writes to stderr,
connecting to a server on the grader's loopback, leaving a process running, outputs that arrive
late); the submissions that reach for the machinery judging the tests are in
``tests/test_attacks.py``. The tests read ``grades.csv``, the course gradebook (nbgrader's API), the
feedback pages, the files around the course, the server's log and the process table.
"""

from __future__ import annotations

import csv
import os
import socketserver
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbgrader.api import Gradebook

from course_grading import processes, sandbox
from course_grading.preprocessors.safe_execute import SKIP_TAG, SKIPPED_NOTE
from tests.course_support import (
    COURSE_BIN,
    WRONG_ONE_HOT,
    course_files,
    gradebook_scores,
    make_course,
    needs_sandbox,
    read_grades,
    run_course,
    running_commands,
    tree_digest,
    write_submission,
)
from tests.notebooks import (
    ROOT,
    TINY,
    answers_of,
    exercise_of,
    grade_cells,
    hidden_test_lines,
    nbgrader,
    read,
    solution_path,
    student_path,
    submission,
)

CHAPTER = TINY
# The tiny chapter and its kernels share a worker with test_resources.py: no two runs of it at once.
SHARES_A_WORKER_WITH = TINY
# Seconds per cell. The tiny chapter's slowest cells take under 1 s of CPU: matplotlib's import
# (run with --all-cells), and the memory hog's, which zeroes every byte it gets (2 s with 4 GiB,
# hence MEMORY_GIB); each submission that loops burns the limit once per cell it loops in.
TIMEOUT = 5
MEMORY_GIB = 2  # a tiny chapter's kernel takes 0.1 GiB (0.9 GiB of address space)
LIMITS = ("--timeout", TIMEOUT, "--memory", MEMORY_GIB)
LINGERING = "317"  # seconds a submission's background process sleeps: its mark in the process table
SOLVED = answers_of(read(solution_path(CHAPTER)))
AUTO_CELLS = [cell for cell in grade_cells(read(solution_path(CHAPTER))) if cell.kind == "code"]
FULL = sum(cell.points for cell in AUTO_CELLS)
MAX_SCORE = sum(cell.points for cell in grade_cells(read(solution_path(CHAPTER))))


def points_of(exercise: str) -> float:
    return sum(cell.points for cell in AUTO_CELLS if exercise_of(cell.grade_id) == exercise)


def solved_with(**answers: str) -> nbformat.NotebookNode:
    return submission(CHAPTER, {**SOLVED, **answers})


def without_cell(grade_id: str) -> nbformat.NotebookNode:
    notebook = solved_with()
    notebook.cells = [cell for cell in notebook.cells if nbgrader(cell).get("grade_id") != grade_id]
    return notebook


def with_test_cell(grade_id: str, source: str, **answers: str) -> nbformat.NotebookNode:
    notebook = solved_with(**answers)
    for cell in notebook.cells:
        if nbgrader(cell).get("grade_id") == grade_id:
            cell.source = source
    return notebook


BLANK_ONE_HOT = "def one_hot(labels, num_classes=10):\n    raise NotImplementedError\n"
HOG_ONE_HOT = SOLVED["ex00_one_hot"].replace(
    "def one_hot(labels, num_classes=10):",
    "def one_hot(labels, num_classes=10):\n    hog = [bytearray(2**28) for _ in range(10**4)]",
)


def guarded(code: str) -> str:
    """``code`` inside ``try``: whatever the sandbox refuses, the rest of the cell stands."""
    body = "\n".join("    " + line for line in code.strip().splitlines())
    return f"\ntry:\n{body}\nexcept Exception:\n    pass\n"


def attack(code: str, answer: str = "ex00_one_hot") -> nbformat.NotebookNode:
    """The solved notebook with ``code`` appended to one answer cell."""
    return solved_with(**{answer: SOLVED[answer] + guarded(code)})


def bad_submissions(course: Path, outside: Path, port: int) -> dict[str, object]:
    """Every submission of the batch by student id, with what it must score and be called."""
    gradebook = course / "gradebook.db"
    steal = f"""
import json, pathlib
places = [pathlib.Path({str(course / "solutions")!r})]
parents = pathlib.Path.cwd().parents
places += [parent / name for parent in parents for name in ("solutions", "source")]
for place in places:
    for path in place.rglob("*.ipynb") if place.is_dir() else []:
        for cell in json.loads(path.read_text())["cells"]:
            text = "".join(cell["source"])
            if "def one_hot" in text and "BEGIN SOLUTION" in text:
                exec(text.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
"""
    rewrite = f"""
import pathlib, sqlite3
paths = [pathlib.Path({str(gradebook)!r})]
paths += [parent / "gradebook.db" for parent in pathlib.Path.cwd().parents]
for path in paths:
    if path.exists():
        with sqlite3.connect(path) as db:
            db.execute("UPDATE grade SET auto_score = 99")
"""
    write = f"""
import pathlib
for target in [{str(outside / "pwned.txt")!r}, {str(course / "pwned.txt")!r}, "../pwned.txt"]:
    try:
        pathlib.Path(target).write_text("pwned")
    except OSError:
        pass
"""
    phone_home = f"""
import socket
socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"score me 99")
"""
    linger = f"""
import subprocess
subprocess.Popen(["sleep", "{LINGERING}"], start_new_session=True)
"""
    # The cell's outputs reach the grader over 4 s after its reply: nbgrader's own Execute fails
    # the whole notebook then ("Timeout waiting for IOPub output"); the checker's verdicts do not
    # need them.
    stall = """
import sys, time
sys.stdout.flush_timeout = sys.stderr.flush_timeout = 0.1
get_ipython().kernel.iopub_thread.schedule(lambda: time.sleep(6))
"""
    other_chapter = read(student_path("02_linear_classifier"))
    return {
        "solution": (solved_with(), "graded", FULL),
        "blank": (submission(CHAPTER, {}), "graded", 0),
        "corrupt": ('{"cells": [', "corrupt", 0),
        "wrong-chapter": (other_chapter, "wrong-notebook", 0),
        "infinite-loop": (
            solved_with(ex00_one_hot="while True:\n    pass\n"),
            "timeout",
            FULL - points_of("ex00_one_hot"),
        ),
        # loops only when called: in the student's kernel's visible test, then in each of the
        # checker's calls, which the grader interrupts at the cell's time limit
        "loops-when-called": (
            solved_with(
                ex00_one_hot="def one_hot(labels, num_classes=10):\n    while True:\n        pass\n"
            ),
            "timeout",
            FULL - points_of("ex00_one_hot"),
        ),
        "memory-hog": (
            solved_with(ex00_one_hot=HOG_ONE_HOT),
            "error",
            FULL - points_of("ex00_one_hot"),
        ),
        "os-exit": (
            solved_with(ex00_minibatches="import os\nos._exit(1)\n"),
            "error",
            FULL - points_of("ex00_minibatches"),
        ),
        "sys-exit": (
            solved_with(
                ex00_minibatches=SOLVED["ex00_minibatches"] + "\nimport sys\nsys.exit(0)\n"
            ),
            "graded",
            FULL,
        ),
        "deleted-test": (without_cell("ex00_one_hot_tests"), "missing-cells", FULL),
        "edited-test": (
            with_test_cell("ex00_one_hot_tests", "pass\n", ex00_one_hot=WRONG_ONE_HOT),
            "tampered",
            FULL - points_of("ex00_one_hot"),
        ),
        "writes-outside": (attack(write), "graded", FULL),
        "reads-solutions": (
            solved_with(ex00_one_hot=BLANK_ONE_HOT + guarded(steal)),
            "graded",
            FULL - points_of("ex00_one_hot"),
        ),
        "opens-gradebook": (attack(rewrite), "graded", FULL),
        "stderr": (
            solved_with(
                ex00_one_hot=SOLVED["ex00_one_hot"].replace(
                    "def one_hot(labels, num_classes=10):",
                    "def one_hot(labels, num_classes=10):\n"
                    "    import sys\n    print('one_hot: converting', file=sys.stderr)",
                )
            ),
            "graded",
            FULL,
        ),
        "phones-home": (attack(phone_home), "graded", FULL),
        "leaves-a-process": (attack(linger), "graded", FULL),
        "slow-output": (attack(stall), "graded", FULL),
    }


class Listener(socketserver.BaseRequestHandler):
    """A server on the grader's loopback that logs every connection a kernel manages to make."""

    connections: list[bytes] = []

    def handle(self):
        self.connections.append(self.request.recv(100))


def leaked_checkers() -> list[list[str]]:
    """Checker processes whose run is over (its folder, where their socket was, is gone)."""
    name = "course_grading.checker"
    return [
        command
        for command in running_commands()
        if name in command and not Path(command[command.index(name) + 1]).parent.exists()
    ]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("course"), tiny=True)
    outside = tmp_path_factory.mktemp("outside")
    inbox = tmp_path_factory.mktemp("submissions")
    server = socketserver.TCPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cases = bad_submissions(course, outside, server.server_address[1])
    for student, (notebook, _, _) in cases.items():
        write_submission(inbox, student, notebook)
    (inbox / "notes.txt").write_text("a stray file: it must still be reported")
    before, solutions_before = tree_digest(course), tree_digest(ROOT / "solutions")
    result = run_course("grade", CHAPTER, inbox, "--jobs", 2, *LIMITS, cwd=course, check=False)
    server.shutdown()
    server.server_close()
    return {
        "connections": list(Listener.connections),
        "lingering": [c for c in running_commands() if c[:2] == ["sleep", LINGERING]],
        "checkers": leaked_checkers(),
        "course": course,
        "outside": outside,
        "inbox": inbox,
        "cases": cases,
        "result": result,
        "before": before,
        "solutions_before": solutions_before,
        "grades": read_grades(course / "grades.csv"),
        "scores": gradebook_scores(course, CHAPTER),
    }


@needs_sandbox
def test_grading_a_bad_batch_exits_zero_and_says_the_sandbox_first(batch):
    assert batch["result"].returncode == 0, batch["result"].stderr
    assert batch["result"].stdout.splitlines()[0].startswith("sandbox: bubblewrap")


@needs_sandbox
def test_every_input_file_is_one_row_of_grades_csv(batch):
    files = sorted(path.name for path in batch["inbox"].iterdir())
    assert sorted(row["file"] for row in batch["grades"].values()) == files
    assert batch["grades"]["notes"]["status"] == "wrong-notebook"


@needs_sandbox
@pytest.mark.parametrize(
    "student",
    [
        "solution",
        "blank",
        "corrupt",
        "wrong-chapter",
        "infinite-loop",
        "memory-hog",
        "os-exit",
        "sys-exit",
        "deleted-test",
        "edited-test",
        "writes-outside",
        "reads-solutions",
        "opens-gradebook",
        "stderr",
        "phones-home",
        "leaves-a-process",
        "slow-output",
    ],
)
def test_each_submission_gets_its_status_and_score(batch, student):
    _, status, score = batch["cases"][student]
    row = batch["grades"][student]
    assert (row["status"], float(row["score"]), float(row["max_score"])) == (
        status,
        score,
        MAX_SCORE,
    ), row["reason"]
    assert status == "graded" or row["reason"]


@needs_sandbox
def test_the_gradebook_holds_every_row_with_per_cell_scores(batch):
    scores = batch["scores"]
    assert {student: sum(cells.values()) for student, cells in scores.items()} == {
        student: float(row["score"]) for student, row in batch["grades"].items()
    }
    assert scores["solution"] == {
        **{cell.grade_id: cell.points for cell in AUTO_CELLS},
        "q00_why_odd_sizes": 0,
    }


@needs_sandbox
def test_problems_are_printed_with_their_reasons(batch):
    out = batch["result"].stdout
    for student, row in batch["grades"].items():
        if row["status"] != "graded":
            assert f"{student} ({row['file']}): {row['status']}" in out


@needs_sandbox
def test_no_submission_changed_a_file_outside_its_temporary_course(batch):
    course = batch["course"]
    assert not list(batch["outside"].iterdir())
    assert not (course / "pwned.txt").exists()
    produced = ("gradebook.db", "grades.csv", "submitted", "autograded", "feedback")
    assert tree_digest(course, skip=produced) == {
        name: digest
        for name, digest in batch["before"].items()
        if name.split("/")[0] not in produced
    }
    assert tree_digest(ROOT / "solutions") == batch["solutions_before"]
    # The gradebook holds what the grader recorded, nothing a kernel wrote (opens-gradebook
    # sets every auto_score it can reach to 99).
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grades = [
            (grade.auto_score, grade.max_score)
            for submitted in gradebook.find_assignment(CHAPTER).submissions
            for grade in submitted.notebooks[0].grades
        ]
    assert grades and all(score is None or 0 <= score <= top for score, top in grades)
    assert batch["scores"]["opens-gradebook"] == batch["scores"]["solution"]


@needs_sandbox
def test_no_kernel_reached_the_graders_loopback(batch):
    assert batch["connections"] == []


@needs_sandbox
def test_no_process_of_a_submission_outlives_the_run(batch):
    assert batch["lingering"] == [] and batch["checkers"] == []
    kernels = [c for c in running_commands() if str(batch["course"]) in " ".join(c)]
    assert kernels == []


@needs_sandbox
def test_feedback_shows_points_and_messages_but_no_hidden_test(batch):
    course = batch["course"]
    hidden = hidden_test_lines(read(solution_path(CHAPTER)))
    assert hidden, "the chapter has hidden tests to hide"
    autograded = (course / "autograded" / "blank" / CHAPTER / f"{CHAPTER}.ipynb").read_text()
    assert any(line in autograded for line in hidden), "nbgrader's notebook holds hidden tests"
    graded = [s for s, row in batch["grades"].items() if row["status"] not in ("corrupt",)]
    graded = [s for s in graded if batch["grades"][s]["status"] != "wrong-notebook"]
    for student in graded:
        page = course / "feedback" / student / CHAPTER / f"{CHAPTER}.html"
        text = BeautifulSoup(page.read_text(), "html.parser").get_text()
        assert not [line for line in hidden if line in text], student
        for cell in AUTO_CELLS:
            assert cell.grade_id in text
    blank = BeautifulSoup(
        (course / "feedback" / "blank" / CHAPTER / f"{CHAPTER}.html").read_text(), "html.parser"
    ).get_text()
    assert "✗ failed (0 of 2 points): NotImplementedError" in blank
    solved = (course / "feedback" / "solution" / CHAPTER / f"{CHAPTER}.html").read_text()
    assert solved.count("✓ passed") == len(AUTO_CELLS)


@needs_sandbox
def test_every_result_the_grader_ran_but_did_not_grade_keeps_its_log(batch):
    course = batch["course"]
    for student, row in batch["grades"].items():
        log = course / "autograded" / student / CHAPTER / "grader.log"
        ran = row["status"] not in ("corrupt", "wrong-notebook")
        assert log.exists() == (ran and row["status"] != "graded"), student


def autograded_images(course: Path, student: str) -> int:
    notebook = read(course / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb")
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    return sum("image/png" in output.get("data", {}) for output in outputs)


@needs_sandbox
def test_unchanged_demonstrations_are_not_run_by_default(batch):
    notebook = read(batch["course"] / "autograded" / "solution" / CHAPTER / f"{CHAPTER}.ipynb")
    skipped = [
        cell.source
        for cell in notebook.cells
        if [output.get("text") for output in cell.get("outputs", [])] == [SKIPPED_NOTE]
    ]
    release = read(student_path(CHAPTER))
    tagged = [c.source for c in release.cells if SKIP_TAG in c.metadata.get("tags", [])]
    assert skipped == tagged and tagged
    assert autograded_images(batch["course"], "solution") == 0


@needs_sandbox
def test_nbgrader_export_sees_the_merged_gradebook(batch):
    target = batch["course"] / "export.csv"
    run_course("export", "--to", target, cwd=batch["course"])
    with target.open(newline="") as file:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert exported == {s: float(row["score"]) for s, row in batch["grades"].items()}


@needs_sandbox
def test_regrading_a_zip_is_idempotent_and_takes_resubmissions(batch, tmp_path):
    course, inbox = batch["course"], batch["inbox"]
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(inbox / "blank.ipynb", f"blank_attempt_20260101T120000_{CHAPTER}.ipynb")
        zipped.write(inbox / "blank.ipynb", f"dave_attempt_20260101T120000_{CHAPTER}.ipynb")
        zipped.write(inbox / "solution.ipynb", f"dave_attempt_20260102T090000_{CHAPTER}.ipynb")
        zipped.write(inbox / "solution.ipynb", f"corrupt_attempt_20260103T090000_{CHAPTER}.ipynb")
    before = read_grades(course / "grades.csv")
    regexp = r"(?P<student_id>[a-z-]+)_attempt_(?P<timestamp>[0-9T]+)_(?P<file_id>.+)"
    result = run_course(
        "grade",
        CHAPTER,
        archive,
        "--jobs",
        2,
        "--regexp",
        regexp,
        "--figures",
        "--all-cells",
        cwd=course,
    )
    after = read_grades(course / "grades.csv")
    assert {s: after[s]["score"] for s in ("dave", "corrupt")} == {
        "dave": str(FULL),
        "corrupt": str(FULL),
    }
    assert "resubmitted" in after["dave"]["reason"]
    assert after["blank"] == {**before["blank"], "file": after["blank"]["file"]}
    assert {s: row for s, row in after.items() if s not in ("dave", "corrupt", "blank")} == {
        s: row for s, row in before.items() if s not in ("corrupt", "blank")
    }
    assert gradebook_scores(course, CHAPTER)["solution"] == batch["scores"]["solution"]
    assert "3 submissions" in result.stdout
    assert autograded_images(course, "dave") > 0, "--figures --all-cells draws them"


def test_a_class_graded_in_three_shards_merges_to_what_one_run_gives(small_class, tmp_path):
    inbox, single = small_class["inbox"], small_class["single"]
    sharded = make_course(tmp_path / "sharded", tiny=True)
    folders = [tmp_path / f"shard-{k}" for k in (1, 2, 3)]
    for k, folder in enumerate(folders, start=1):
        shard = ["--shard", f"{k}/3", "--shard-dir", folder]
        run_course("grade", CHAPTER, inbox, "--jobs", 2, *shard, cwd=sharded)
    assert not (sharded / "gradebook.db").exists(), "a shard leaves the course alone"
    assert [len(read_grades(folder / "grades.csv")) for folder in folders] == [2, 1, 1]
    result = run_course("merge", *folders, cwd=sharded)
    assert "merged 4 results of 3 shards" in result.stdout
    assert read_grades(sharded / "grades.csv") == read_grades(single / "grades.csv")
    assert gradebook_scores(sharded, CHAPTER) == gradebook_scores(single, CHAPTER)
    assert course_files(sharded) == course_files(single)
    files = tree_digest(sharded, skip=("gradebook.db",))
    again = run_course("merge", *folders, folders[0], cwd=sharded)  # a shard merged twice
    assert "merged 4 results of 3 shards" in again.stdout
    assert tree_digest(sharded, skip=("gradebook.db",)) == files
    assert gradebook_scores(sharded, CHAPTER) == gradebook_scores(single, CHAPTER)


def test_without_user_namespaces_the_report_says_so_and_limits_still_hold(tmp_path):
    """A bwrap that fails as it does where user namespaces are off: grading goes on, unsandboxed."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text(
        "#!/bin/sh\necho 'bwrap: No permissions to create new namespace, likely because the "
        "kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n"
    )
    (fake / "bwrap").chmod(0o755)
    course = make_course(tmp_path / "course", tiny=True)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    greedy = solved_with(ex00_one_hot=HOG_ONE_HOT, ex00_minibatches="while True:\n    pass\n")
    write_submission(inbox, "greedy", greedy)
    result = run_course("grade", CHAPTER, inbox, *LIMITS, cwd=course, path=fake)
    first = result.stdout.splitlines()[0]
    assert first.startswith("sandbox: NONE, bubblewrap cannot run here"), first
    assert "non-privileged user namespaces" in first
    row = read_grades(course / "grades.csv")["greedy"]
    assert (row["status"], float(row["score"])) == (
        "error",
        FULL - points_of("ex00_one_hot") - points_of("ex00_minibatches"),
    )
    assert "MemoryError" in row["reason"] and f"over {TIMEOUT} s" in row["reason"]


def test_probe_sandbox_names_a_missing_bubblewrap():
    usable, reason = sandbox.probe_sandbox("no-such-bwrap")
    assert not usable and "not installed" in reason


def test_an_unknown_chapter_is_refused_with_the_known_ones(tmp_path):
    course = make_course(tmp_path / "course", tiny=True)
    result = run_course("grade", "09_nothing", tmp_path, cwd=course, check=False)
    assert result.returncode == 2
    assert "unknown chapter '09_nothing'" in result.stderr and CHAPTER in result.stderr


def test_a_missing_submissions_folder_is_refused(tmp_path):
    course = make_course(tmp_path / "course", tiny=True)
    result = run_course("grade", CHAPTER, tmp_path / "nowhere", cwd=course, check=False)
    assert result.returncode == 2 and "no such submissions folder" in result.stderr


def test_course_outside_a_course_directory_says_what_to_do(tmp_path):
    result = run_course("export", cwd=tmp_path, check=False)
    assert result.returncode == 2 and "nbgrader_config.py" in result.stderr


def test_the_workshop_exchange_round_trip(tmp_path):
    """Release to an exchange, two students fetch and submit, collect, grade, return feedback."""
    course = make_course(tmp_path / "course", tiny=True)
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    run_course("release", CHAPTER, "--exchange", exchange, cwd=course)
    nbgrader_bin = Path(sys.executable).parent / "nbgrader"
    environment = processes.tool_environment()
    common = [f"--Exchange.root={exchange}", "--course=digits", "--log-level=ERROR"]
    answers = {"ann": SOLVED, "ben": {}}
    for student, replacements in answers.items():
        home = tmp_path / student
        home.mkdir()
        subprocess.run(
            [nbgrader_bin, "fetch_assignment", CHAPTER, *common],
            cwd=home,
            env=environment,
            check=True,
        )
        fetched = home / CHAPTER / f"{CHAPTER}.ipynb"
        notebook = nbformat.read(fetched, as_version=4)
        for cell in notebook.cells:
            if nbgrader(cell).get("grade_id") in replacements:
                cell.source = replacements[nbgrader(cell)["grade_id"]]
        nbformat.write(notebook, fetched)
        subprocess.run(
            [nbgrader_bin, "submit", CHAPTER, f"--student={student}", *common],
            cwd=home,
            env=environment,
            check=True,
        )
    run_course("collect", CHAPTER, "--exchange", exchange, cwd=course)
    graded = course / "submitted"
    run_course("grade", CHAPTER, graded, "--timeout", TIMEOUT, "--all-cells", cwd=course)
    grades = read_grades(course / "grades.csv")
    assert {s: (row["status"], float(row["score"])) for s, row in grades.items()} == {
        "ann": ("graded", FULL),
        "ben": ("graded", 0.0),
    }
    run_course("feedback", CHAPTER, "--exchange", exchange, cwd=course)
    subprocess.run(
        [nbgrader_bin, "fetch_feedback", CHAPTER, "--student=ann", *common],
        cwd=tmp_path / "ann",
        env=environment,
        check=True,
    )
    # On one machine every "student" is the same Unix user, so ann's fetch brings both pages.
    pages = [page.read_text() for page in (tmp_path / "ann" / CHAPTER).rglob("feedback/*/*.html")]
    assert sorted(page.count("✓ passed") for page in pages) == [0, len(AUTO_CELLS)]
    # --all-cells ran the demonstrations: figures made, but not drawn without --figures
    autograded = (course / "autograded" / "ann" / CHAPTER / f"{CHAPTER}.ipynb").read_text()
    assert "<Figure size" in autograded and autograded_images(course, "ann") == 0


def test_course_is_a_console_script():
    assert COURSE_BIN.exists(), "pip install -e . installs the `course` command"
    assert os.access(COURSE_BIN, os.X_OK)
