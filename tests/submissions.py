"""The submissions each chapter's class is graded with (tests/conftest.py, `graded_class`).

Besides the blank notebook and the solution, the class holds the chapter's known mistakes
(`tests/mistakes/<chapter>.py`) in packs: each pack is the solution with at most one mistake per
exercise (`mistake_packs`), so each mistake still loses points on its own exercise while a kernel
start (4 s of importing TensorFlow) is shared. That every exercise's points depend on its own
answer only is checked twice: every exercise without a mistake in a pack keeps its points, and a
solution with one exercise left as the student notebook has it (``without-<exercise>``) loses
that exercise's points and no other. The chapter's equivalent answers (``EQUIVALENTS`` in the
same file: right answers in another form) take the place of the solution's answer in those same
submissions, where their exercise is answered right (`equivalent_hosts`), and must get full marks
there, beside wrong or blank answers to other exercises: they cost no kernel of their own.
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


def right_exercises(chapter: str) -> dict[str, set[str]]:
    """The exercises each mistake pack and each exercise-left-blank submission answers right,
    by student id."""
    exercises = set(code_exercises(chapter))
    right = {
        pack_student(index): exercises - {cell for cell, _ in pack.values()}
        for index, pack in enumerate(mistake_packs(chapter))
    }
    return right | {without_student(exercise): exercises - {exercise} for exercise in exercises}


def equivalent_hosts(chapter: str) -> dict[str, str]:
    """The student id whose submission holds each equivalent answer, ``{name: student}``.

    An equivalent answer replaces the solution's answer in a submission of `right_exercises`
    that answers its exercise right and holds no other equivalent answer of that exercise; the
    exercises with most equivalent answers are placed first, each into the submission holding
    fewest so far. Where no such submission is left, it gets one of its own (``equivalent-<n>``,
    the solution with that answer).
    """
    answers = equivalents_of(chapter)
    right = right_exercises(chapter)
    taken: dict[str, set[str]] = {student: set() for student in right}
    per_exercise = Counter(cell for cell, _ in answers.values())
    hosts = {}
    for name, (cell, _) in sorted(answers.items(), key=lambda item: -per_exercise[item[1][0]]):
        free = [student for student in right if cell in right[student] - taken[student]]
        if not free:
            own = f"equivalent-{sum(student.startswith('equivalent-') for student in right) + 1}"
            right[own], taken[own], free = set(code_exercises(chapter)), set(), [own]
        hosts[name] = min(free, key=lambda student: len(taken[student]))
        taken[hosts[name]].add(cell)
    return hosts


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
    """The blank notebook, the solution, each pack of mistakes and each exercise left blank, with
    the equivalent answers in place of the solution's where `equivalent_hosts` puts them."""
    solved = answers_of(read(solution_path(chapter)))
    named = [*mistakes_of(chapter).values(), *equivalents_of(chapter).values()]
    unknown = {cell for cell, _ in named} - set(solved)
    assert not unknown, f"tests/mistakes/{chapter}.py names unknown answer cells {unknown}"
    other_forms: dict[str, dict[str, str]] = {}
    for name, student in equivalent_hosts(chapter).items():
        cell, source = equivalents_of(chapter)[name]
        other_forms.setdefault(student, {})[cell] = source
    students = {"blank": submission(chapter, {}), "solution": submission(chapter, solved)}
    for index, pack in enumerate(mistake_packs(chapter)):
        wrong = {cell: source for cell, source in pack.values()}
        student = pack_student(index)
        students[student] = submission(chapter, {**solved, **other_forms.pop(student, {}), **wrong})
    for exercise in code_exercises(chapter):
        answered = {cell: source for cell, source in solved.items() if cell != exercise}
        student = without_student(exercise)
        students[student] = submission(chapter, {**answered, **other_forms.pop(student, {})})
    for student, answers in other_forms.items():  # equivalent answers with no other host
        students[student] = submission(chapter, {**solved, **answers})
    return students


# Other submissions graded in the same run as a chapter's honest ones, by chapter: every hook
# on blank answers and on the solution, and in chapter 02 each attack alone (tests/attacks.py).
EXTRA: dict[str, Callable[[], dict[str, nbformat.NotebookNode]]] = {
    chapter: functools.partial(attacks.hooked_submissions, chapter) for chapter in CHAPTER_IDS
}
EXTRA[attacks.CHAPTER] = attacks.attack_submissions
