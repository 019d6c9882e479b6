"""Grading throughput per chapter: `course grade --jobs N` as configured (demonstrations
skipped), beside `--all-cells` (every cell run, as before the skip-when-grading tags) and,
with ``--plain``, plain serial `nbgrader autograde`.

Run ``python -m bench.grading`` (or ``make bench-grading``). For every chapter (or those given
with ``--chapters``) it builds ``--copies`` copies each of the solution, the blank notebook and
a wrong submission (the chapter's first known mistake in ``tests/mistakes``), grades them in
temporary courses in the fast profile, and prints one row per chapter: seconds per submission
each way and the speed-up. The target is at most 8 s per submission with ``--jobs 2`` on
2 cores. Nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import copy
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

from course_grading import course as grading_course
from course_grading.checks import nbgrader_meta
from course_grading.processes import tool_environment

ROOT = Path(__file__).resolve().parents[1]


def filled_in(release: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The student notebook ``release`` with the answer cells ``answers`` names replaced."""
    notebook = copy.deepcopy(release)
    for cell in notebook.cells:
        cell.source = answers.get(nbgrader_meta(cell).get("grade_id"), cell.source)
    return notebook


def class_of(chapter: str, copies: int) -> dict[str, nbformat.NotebookNode]:
    """``copies`` each of the solution, the blank notebook and a typical mistake.

    The mistake is the first of ``tests/mistakes/<chapter>.py``, read as a data file: the
    benchmarks do not import the tests.
    """
    solution = nbformat.read(ROOT / "solutions" / chapter / f"{chapter}.ipynb", as_version=4)
    release = nbformat.read(grading_course.release_path(ROOT, chapter), as_version=4)
    solved = {
        nbgrader_meta(cell)["grade_id"]: cell.source
        for cell in solution.cells
        if nbgrader_meta(cell).get("solution")
    }
    mistakes = runpy.run_path(str(ROOT / "tests" / "mistakes" / f"{chapter}.py"))["MISTAKES"]
    cell, wrong = next(iter(mistakes.values()))
    kinds = {
        "solution": filled_in(release, solved),
        "blank": release,
        "wrong": filled_in(release, {**solved, cell: wrong}),
    }
    return {f"{kind}-{n:03d}": nb for kind, nb in kinds.items() for n in range(copies)}


def new_course(folder: Path) -> Path:
    shutil.copytree(ROOT / "solutions", folder / "solutions")
    shutil.copytree(ROOT / "chapters", folder / "chapters")
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    return folder


def time_course_grade(
    chapter, students, folder: Path, jobs: int, *options: str
) -> tuple[float, dict[str, int]]:
    """Seconds the ``course grade`` command takes, as an instructor runs it, and the statuses."""
    course = new_course(folder / "course")
    inbox = folder / "inbox"
    inbox.mkdir(exist_ok=True)
    for student, notebook in students.items():
        nbformat.write(notebook, inbox / f"{student}.ipynb")
    command = [grading_course.tool("course"), "--course", str(course), "grade", chapter, str(inbox)]
    command += ["--jobs", str(jobs), *options]
    start = time.perf_counter()
    subprocess.run(
        command,
        env=tool_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    return seconds, pd.read_csv(course / "grades.csv")["status"].value_counts().to_dict()


def time_plain_nbgrader(chapter, students, folder: Path) -> float:
    course = new_course(folder / "plain")
    for student, notebook in students.items():
        target = course / "submitted" / student / chapter
        target.mkdir(parents=True)
        nbformat.write(notebook, target / f"{chapter}.ipynb")
    environment = tool_environment()
    start = time.perf_counter()
    for command in (["generate_assignment", chapter, "--force"], ["autograde", chapter]):
        subprocess.run(
            [grading_course.tool("nbgrader"), *command, "--log-level=ERROR"],
            cwd=course,
            env=environment,
            capture_output=True,
        )
    return time.perf_counter() - start


def bench_chapter(chapter: str, copies: int, jobs: int, plain: bool) -> dict:
    """One row: seconds per submission of ``chapter`` graded each way."""
    students = class_of(chapter, copies)
    row = {"chapter": chapter, "submissions": len(students)}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as name:
        folder = Path(name)
        skipped, statuses = time_course_grade(chapter, students, folder / "skip", jobs)
        every, _ = time_course_grade(chapter, students, folder / "all", jobs, "--all-cells")
        row["s/sub, all cells"] = every / len(students)
        row["s/sub"] = skipped / len(students)
        row["speed-up"] = every / skipped
        if plain:
            row["s/sub, plain nbgrader"] = time_plain_nbgrader(chapter, students, folder) / len(
                students
            )
    row["statuses"] = ", ".join(f"{status} {count}" for status, count in sorted(statuses.items()))
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="+", default=list(grading_course.chapter_ids(ROOT)))
    parser.add_argument("--copies", type=int, default=2, help="copies of each kind")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--plain", action="store_true", help="also time serial nbgrader")
    arguments = parser.parse_args(argv)
    os.environ.setdefault("COURSE_PROFILE", "fast")
    pd.set_option("display.width", 160)
    print(
        f"course grade --jobs {arguments.jobs} on {os.cpu_count()} cores, fast profile", flush=True
    )
    rows = []
    for chapter in arguments.chapters:
        rows.append(bench_chapter(chapter, arguments.copies, arguments.jobs, arguments.plain))
        table = pd.DataFrame(rows).round(2).to_string(index=False).splitlines()
        print("\n".join(table if len(rows) == 1 else table[-1:]), flush=True)
    print()
    print(pd.DataFrame(rows).round(2).to_string(index=False))


if __name__ == "__main__":
    sys.exit(main())
