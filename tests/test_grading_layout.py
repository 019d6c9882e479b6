"""The layout of `course_grading`: small modules, each importing only the layers below it.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from course_grading import preprocessors

pytestmark = pytest.mark.unit


LAYERS = (
    "status",
    "course",
    "settings",
    "inputs",
    "submission_metadata",
    "checks",
    "crossing",
    "agent",
    "student",
    "checker",
    "limits",
    "sandbox",
    "preprocessors",
    "feedback",
    "worker",
    "preload",
    "processes",
    "workspace",
    "runner",
    "record",
    "shards",
    "batch",
    "lms",
    "exchange",
    "cli",
)
PACKAGE = Path(preprocessors.__file__).resolve().parents[1]


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return relative.parts[0]


def imported_layers(path: Path) -> set[str]:
    """The layers a module imports, or names as a string to be imported later (the fork server's
    preload), by ``course_grading.<layer>``."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "course_grading" and len(parts) > 1 and parts[1] in LAYERS:
                imported.add(parts[1])
    return imported


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_each_module_is_small_and_imports_only_the_layers_below_it(path):
    assert len(path.read_text().splitlines()) <= 300
    if path.name == "__init__.py" and path.parent == PACKAGE:
        return
    layer = layer_of(path)
    assert layer in LAYERS, f"add {layer} to LAYERS (and to the package docstring)"
    imported = imported_layers(path)
    below = set(LAYERS[: LAYERS.index(layer)])
    assert imported - {layer} <= below, f"{layer} imports {sorted(imported - {layer} - below)}"


def test_the_fork_servers_preload_counts_as_an_import_of_the_module_that_names_it():
    assert "preload" in imported_layers(PACKAGE / "processes.py")
