"""The submissions each chapter's class is graded with (tests/conftest.py, `graded_class`).

Besides the blank notebook and the solution, the class holds the chapter's known mistakes
(`tests/mistakes/<chapter>.py`) in packs: each pack is the solution with at most one mistake per
exercise (`mistake_packs`), so each mistake still loses points on its own exercise while a kernel
start (4 s of importing TensorFlow) is shared. That every exercise's points depend on its own
answer only is checked twice: every exercise without a mistake in a pack keeps its points, and a
solution with one exercise left as the student notebook has it (``without-<exercise>``) loses
that exercise's points and no other. The chapter's equivalent answers (``EQUIVALENTS`` in the
same file: right answers in another form) are packed the same way, beside the solution's other
answers (``equivalent-<n>``), and must get full marks.
"""

from __future__ import annotations

import functools
import importlib
from collections import Counter
from collections.abc import Callable

import nbformat

from tests import attacks
from tests.notebooks import (
    CHAPTER_IDS,
    ROOT,
    answers_of,
    grade_cells,
    read,
    solution_path,
    submission,
)


def mistakes_of(chapter: str) -> dict[str, tuple[str, str]]:
    """The chapter's typical wrong answers: ``{name: (answer grade id, source)}``."""
    if not (ROOT / "tests" / "mistakes" / f"{chapter}.py").is_file():
        raise FileNotFoundError(
            f"solutions/{chapter} has no tests/mistakes/{chapter}.py: add the chapter's typical "
            "wrong answers there (CONTRIBUTING.md, 'Tests that discriminate')"
        )
    return importlib.import_module(f"tests.mistakes.{chapter}").MISTAKES


def equivalents_of(chapter: str) -> dict[str, tuple[str, str]]:
    """The chapter's right answers in another form than the solution's: ``{name: (answer grade
    id, source)}``; none when its mistakes file has no ``EQUIVALENTS``."""
    mistakes_of(chapter)
    return getattr(importlib.import_module(f"tests.mistakes.{chapter}"), "EQUIVALENTS", {})


def equivalent_packs(chapter: str) -> list[dict[str, tuple[str, str]]]:
    """The chapter's equivalent answers in packs, each with at most one per exercise."""
    answers = equivalents_of(chapter)
    return packs_of(answers, largest=len(code_exercises(chapter))) if answers else []


def equivalent_student(chapter: str, name: str) -> str:
    """The student id of the pack of `equivalent_packs` that holds the answer ``name``."""
    index = next(i for i, pack in enumerate(equivalent_packs(chapter)) if name in pack)
    return f"equivalent-{index + 1}"


def mistake_packs(chapter: str) -> list[dict[str, tuple[str, str]]]:
    """The chapter's mistakes in few packs, each with at most one mistake per exercise and at
    least one exercise without a mistake (so every pack also checks that an exercise keeps its
    points beside wrong answers to others).

    The mistakes of the exercises with most mistakes are placed first; each goes into the
    smallest pack that has no mistake of its exercise yet. Packs are added until none is full.
    """
    return packs_of(mistakes_of(chapter), largest=max(1, len(code_exercises(chapter)) - 1))


def packs_of(answers: dict[str, tuple[str, str]], largest: int) -> list[dict[str, tuple[str, str]]]:
    """``answers`` (``{name: (answer grade id, source)}``) in few packs of at most ``largest``,
    each with at most one answer per exercise, as `mistake_packs` places them."""
    per_exercise = Counter(cell for cell, _ in answers.values())
    placing_order = sorted(answers.items(), key=lambda item: -per_exercise[item[1][0]])
    count = max(max(per_exercise.values()), -(-len(answers) // largest))
    while True:
        packs: list[dict[str, tuple[str, str]]] = [{} for _ in range(count)]
        for name, (cell, source) in placing_order:
            free = [pack for pack in packs if cell not in {answer for answer, _ in pack.values()}]
            min(free, key=len)[name] = (cell, source)
        if max(map(len, packs)) <= largest:
            return packs
        count += 1


def pack_student(index: int) -> str:
    """The student id of the ``index``-th pack of `mistake_packs` (from 0)."""
    return f"mistakes-{index + 1}"


def pack_of(chapter: str, mistake: str) -> tuple[str, set[str]]:
    """The student id of the pack holding ``mistake`` and the exercises that pack gets wrong."""
    for index, pack in enumerate(mistake_packs(chapter)):
        if mistake in pack:
            return pack_student(index), {cell for cell, _ in pack.values()}
    raise KeyError(f"{mistake!r} is not a mistake of {chapter}")


def code_exercises(chapter: str) -> list[str]:
    """The answer cells of the chapter that autograded tests check (not the written answers)."""
    solution = read(solution_path(chapter))
    manual = {cell.grade_id for cell in grade_cells(solution)}
    return [cell for cell in answers_of(solution) if cell not in manual]


def without_student(exercise: str) -> str:
    return f"without-{exercise}"


def honest(chapter: str) -> dict[str, nbformat.NotebookNode]:
    """The blank notebook, the solution, each pack of mistakes or of equivalent answers, and each
    exercise left blank."""
    solved = answers_of(read(solution_path(chapter)))
    named = [*mistakes_of(chapter).values(), *equivalents_of(chapter).values()]
    unknown = {cell for cell, _ in named} - set(solved)
    assert not unknown, f"tests/mistakes/{chapter}.py names unknown answer cells {unknown}"
    students = {"blank": submission(chapter, {}), "solution": submission(chapter, solved)}
    for index, pack in enumerate(mistake_packs(chapter)):
        wrong = {cell: source for cell, source in pack.values()}
        students[pack_student(index)] = submission(chapter, {**solved, **wrong})
    for index, pack in enumerate(equivalent_packs(chapter)):
        other_form = {cell: source for cell, source in pack.values()}
        students[f"equivalent-{index + 1}"] = submission(chapter, {**solved, **other_form})
    for exercise in code_exercises(chapter):
        answered = {cell: source for cell, source in solved.items() if cell != exercise}
        students[without_student(exercise)] = submission(chapter, answered)
    return students


# Other submissions graded in the same run as a chapter's honest ones, by chapter: every hook
# on blank answers and on the solution, and in chapter 02 each attack alone (tests/attacks.py).
EXTRA: dict[str, Callable[[], dict[str, nbformat.NotebookNode]]] = {
    chapter: functools.partial(attacks.hooked_submissions, chapter) for chapter in CHAPTER_IDS
}
EXTRA[attacks.CHAPTER] = attacks.attack_submissions
