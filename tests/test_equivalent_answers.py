"""Answers to the Keras-model exercises that differ from the solution in form, not in what they
compute, get full marks (issue 21): a ReLU or a softmax as a layer of its own
(``layers.ReLU()``, ``layers.Activation("relu")``, ``layers.Softmax()``) instead of
``activation=...``, a ReLU after the pooling or the dropout instead of inside the layer before it
(`course_utils.testing.layer_steps` says which orders give the same result), a ``Reshape`` to
784 numbers instead of ``Flatten``, an L2 penalty written as ``keras.regularizers.L1L2(l2=...)``.

Each chapter's equivalent answers are graded as one class by ``course grade --jobs 2``, in packs
like the mistakes (`tests.submissions.mistake_packs`): the solution with at most one equivalent
answer per exercise (one pack per chapter today, so one more submission to grade); every
autograded cell of every pack must get full marks. `tests/test_layer_steps.py` checks more
forms on the helper alone.
"""

from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from course_grading.course import gradebook_url
from tests.course_support import (
    make_course,
    needs_sandbox,
    read_grades,
    run_course,
    write_submission,
)
from tests.notebooks import answers_of, grade_cells, read, solution_path, submission
from tests.submissions import code_exercises, packs_of

EQUIVALENTS = {
    "03_mlp": {
        "wide_mlp_activation_layers": (
            "ex03_wide_mlp",
            """
def make_wide_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((784,)),
        layers.Dense(1500),
        layers.ReLU(),
        layers.Dense(10),
        layers.Activation("softmax"),
    ])
""",
        ),
        "deep_mlp_relu_layers_around_dropout": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.RandomTranslation(0.05, 0.05, fill_mode="constant"),
        layers.Flatten(),
        layers.Dense(512),
        layers.ReLU(),
        layers.Dropout(0.2),
        layers.Dense(256),
        layers.Dropout(0.2),
        layers.ReLU(),
        layers.Dense(128),
        layers.Activation("relu"),
        layers.Dropout(0.2),
        layers.Dense(10),
        layers.Softmax(),
    ])
""",
        ),
    },
    "04_cnn": {
        "classic_cnn_functional_relu_after_the_pooling_and_the_dropout": (
            "ex04_classic_cnn",
            """
def make_classic_cnn():
    images = keras.Input(shape=(28, 28))
    x = layers.Reshape((28, 28, 1))(images)
    x = layers.ReLU()(layers.MaxPooling2D(2)(layers.Conv2D(32, 5, padding="same")(x)))
    x = layers.Conv2D(64, 5, padding="same")(x)
    x = layers.Flatten()(layers.MaxPooling2D(2)(layers.Activation("relu")(x)))
    x = layers.ReLU()(layers.Dropout(0.5)(layers.Dense(1024)(x)))
    return keras.Model(images, layers.Softmax()(layers.Dense(10)(x)))
""",
        ),
    },
    "05_dropout": {
        "regularised_mlp_l1l2_and_relu_layer": (
            "ex05_regularised_mlp",
            """
def make_regularised_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dropout(0.2),
        layers.Dense(800, kernel_regularizer=keras.regularizers.L1L2(l2=1e-4)),
        layers.Dropout(0.5), layers.ReLU(), layers.Dense(10), layers.Softmax(),
    ])
""",
        ),
    },
    "06_evaluation": {
        "small_cnn_relu_layers_before_and_after_the_pooling": (
            "ex06_small_cnn",
            """
def make_small_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(16, 3, padding="same"),
            layers.Activation("relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same"),
            layers.MaxPooling2D(2),
            layers.ReLU(),
            layers.Flatten(),
            layers.Dense(10),
            layers.Activation("softmax"),
        ]
    )
""",
        ),
    },
    "07_inside_the_network": {
        "deep_mlp_activation_layers": (
            "ex07_deep_mlp",
            """
def make_deep_mlp(activation="relu"):
    stack = [keras.Input(shape=(28, 28)), layers.Flatten()]
    for _ in range(6):
        stack += [layers.Dense(64), layers.Activation(activation)]
    return keras.Sequential(stack + [layers.Dense(10), layers.Softmax()])
""",
        ),
    },
}
CASES = [(chapter, name) for chapter, answers in EQUIVALENTS.items() for name in answers]


def packs(chapter: str) -> list[dict[str, tuple[str, str]]]:
    """The chapter's equivalent answers in packs, each with at most one per exercise."""
    return packs_of(EQUIVALENTS[chapter], largest=len(code_exercises(chapter)))


def pack_student(chapter: str, name: str) -> str:
    index = next(i for i, pack in enumerate(packs(chapter)) if name in pack)
    return f"equivalent-{index + 1}"


def grade_equivalents(chapter: str, folder) -> dict:
    """Grade the chapter's packs of equivalent answers in a fresh course under ``folder``."""
    course = make_course(folder / "course")
    inbox = folder / "inbox"
    inbox.mkdir()
    solved = answers_of(read(solution_path(chapter)))
    for index, pack in enumerate(packs(chapter)):
        answers = {**solved, **{cell: source for cell, source in pack.values()}}
        write_submission(inbox, f"equivalent-{index + 1}", submission(chapter, answers))
    run_course("grade", chapter, inbox, "--jobs", 2, cwd=course)
    with Gradebook(gradebook_url(course)) as gradebook:
        cells = {
            submitted.student.id: {g.name: g.score for g in submitted.notebooks[0].grades}
            for submitted in gradebook.find_assignment(chapter).submissions
        }
    return {"grades": read_grades(course / "grades.csv"), "cells": cells}


@pytest.fixture(scope="module")
def graded_equivalents(tmp_path_factory):
    """``graded_equivalents(chapter)``: the chapter's packs, graded on first use."""
    graded: dict[str, dict] = {}

    def get(chapter: str) -> dict:
        if chapter not in graded:
            graded[chapter] = grade_equivalents(chapter, tmp_path_factory.mktemp(chapter))
        return graded[chapter]

    return get


@pytest.mark.unit
@pytest.mark.parametrize("chapter", sorted(EQUIVALENTS))
def test_each_equivalent_answer_replaces_an_answer_of_the_solution(chapter):
    solved = answers_of(read(solution_path(chapter)))
    for cell, source in EQUIVALENTS[chapter].values():
        assert cell in solved and source.strip() != solved[cell].strip()


@needs_sandbox
@pytest.mark.parametrize(("chapter", "name"), CASES)
def test_an_equivalent_answer_gets_full_marks(chapter, name, graded_equivalents):
    graded = graded_equivalents(chapter)
    student = pack_student(chapter, name)
    assert (graded["grades"][student]["status"], graded["grades"][student]["reason"]) == (
        "graded",
        "",
    )
    autograded = [cell for cell in grade_cells(read(solution_path(chapter))) if cell.kind == "code"]
    got = graded["cells"][student]
    assert {cell.grade_id: got[cell.grade_id] for cell in autograded} == {
        cell.grade_id: cell.points for cell in autograded
    }
