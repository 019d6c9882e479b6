"""Grading throughput: `course grade --jobs N` beside plain, serial `nbgrader autograde`.

Run ``python -m bench.grading`` (or ``make bench-grading``). Builds ``--copies`` copies each of
the solution, the blank notebook and a wrong submission (the chapter's first known mistake in
``tests/mistakes``) of ``--chapter`` (default a TensorFlow chapter), grades them both ways in
temporary courses in the fast profile, and prints one table: seconds in all, seconds per
submission and the speed-up. ``--copies 34`` is the 100-submission class of the target
(at most 8 minutes on 2 cores). Nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

from course_grading import course as grading_course
from tests.notebooks import ROOT, answers_of, read, solution_path, submission


def class_of(chapter: str, copies: int) -> dict[str, nbformat.NotebookNode]:
    """``copies`` each of the solution, the blank notebook and a typical mistake."""
    solved = answers_of(read(solution_path(chapter)))
    mistakes = importlib.import_module(f"tests.mistakes.{chapter}").MISTAKES
    cell, wrong = next(iter(mistakes.values()))
    kinds = {
        "solution": submission(chapter, solved),
        "blank": submission(chapter, {}),
        "wrong": submission(chapter, {**solved, cell: wrong}),
    }
    return {f"{kind}-{n:03d}": nb for kind, nb in kinds.items() for n in range(copies)}


def new_course(folder: Path) -> Path:
    shutil.copytree(ROOT / "solutions", folder / "solutions")
    shutil.copytree(ROOT / "chapters", folder / "chapters")
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    return folder


def time_course_grade(chapter, students, folder: Path, jobs: int) -> tuple[float, str]:
    """Seconds the ``course grade`` command takes, as an instructor runs it, and what it found."""
    course = new_course(folder / "course")
    inbox = folder / "inbox"
    inbox.mkdir()
    for student, notebook in students.items():
        nbformat.write(notebook, inbox / f"{student}.ipynb")
    command = [grading_course.tool("course"), "--course", str(course), "grade", chapter, str(inbox)]
    command += ["--jobs", str(jobs)]
    start = time.perf_counter()
    run = subprocess.run(
        command,
        env=grading_course.tool_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    counts = pd.read_csv(course / "grades.csv")["status"].value_counts().to_dict()
    return seconds, f"{run.stdout.splitlines()[0].split(' (')[0]}; {counts}"


def time_plain_nbgrader(chapter, students, folder: Path) -> float:
    course = new_course(folder / "plain")
    for student, notebook in students.items():
        target = course / "submitted" / student / chapter
        target.mkdir(parents=True)
        nbformat.write(notebook, target / f"{chapter}.ipynb")
    environment = grading_course.tool_environment()
    start = time.perf_counter()
    for command in (["generate_assignment", chapter, "--force"], ["autograde", chapter]):
        subprocess.run(
            [grading_course.tool("nbgrader"), *command, "--log-level=ERROR"],
            cwd=course,
            env=environment,
            capture_output=True,
        )
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="02_linear_classifier")
    parser.add_argument("--copies", type=int, default=3, help="copies of each kind")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--skip-plain", action="store_true", help="time course grade only")
    arguments = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    students = class_of(arguments.chapter, arguments.copies)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as name:
        folder = Path(name)
        seconds, note = time_course_grade(arguments.chapter, students, folder, arguments.jobs)
        rows.append((f"course grade --jobs {arguments.jobs}", seconds, note))
        if not arguments.skip_plain:
            plain = time_plain_nbgrader(arguments.chapter, students, folder)
            rows.append(("nbgrader autograde (serial)", plain, "no sandbox, no limits"))
    table = pd.DataFrame(rows, columns=["grader", "seconds", "notes"])
    table["s/submission"] = table["seconds"] / len(students)
    table["speed-up"] = table["seconds"].iloc[-1] / table["seconds"]
    per_100 = table["s/submission"].iloc[0] * 100 / 60
    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", 80)
    print(f"{arguments.chapter}: {len(students)} submissions on {os.cpu_count()} cores")
    print(table.round(2).to_string(index=False))
    print(f"course grade: {per_100:.1f} min per 100 submissions (target: 8 min on 2 cores)")


if __name__ == "__main__":
    sys.exit(main())
