"""The package installs on Colab without touching what Colab ships: lower bounds only, each met by
the versions of the oldest supported Colab runtime. The instructors' tool is another distribution,
course-grading: students get neither nbgrader nor a `course` command."""

import ast
import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

pytestmark = pytest.mark.unit

# Versions Google Colab ships: its published pip freeze of August 2026, and the oldest runtime
# still offered (2025.07) where it differs.
COLAB_RUNTIMES = {
    "2026-08": {
        "tensorflow": "2.20.0",
        "keras": "3.13.2",
        "numpy": "2.1.3",
        "pandas": "2.2.3",
        "scikit-learn": "1.6.1",
        "matplotlib": "3.10.0",
        "seaborn": "0.13.2",
        "mlxtend": "0.23.4",
    },
    "2025-07": {"tensorflow": "2.18.0", "keras": "3.8.0", "numpy": "2.0.2"},
}
METADATA = importlib.metadata.metadata("course-utils")
DEPENDENCIES = [
    requirement
    for requirement in map(Requirement, importlib.metadata.requires("course-utils"))
    if requirement.marker is None
]


@pytest.mark.parametrize("requirement", DEPENDENCIES, ids=str)
def test_dependency_has_only_a_lower_bound(requirement):
    assert [spec.operator for spec in requirement.specifier] == [">="]


@pytest.mark.parametrize("runtime", sorted(COLAB_RUNTIMES))
@pytest.mark.parametrize("requirement", DEPENDENCIES, ids=str)
def test_colab_runtime_already_satisfies_the_dependency(requirement, runtime):
    shipped = COLAB_RUNTIMES[runtime].get(
        requirement.name, COLAB_RUNTIMES["2026-08"][requirement.name]
    )
    assert requirement.specifier.contains(Version(shipped)), (
        f"Colab {runtime} ships {requirement.name} {shipped}; lower the bound {requirement}"
    )


def test_python_version_is_not_capped():
    assert METADATA["Requires-Python"].startswith(">=") and "," not in METADATA["Requires-Python"]


def test_instructor_tools_are_extras_only():
    names = {requirement.name for requirement in DEPENDENCIES}
    assert names and not names & {"nbgrader", "jupyter-book", "nbval", "notebook", "pytest"}


def test_course_utils_has_no_extra_for_grading_and_no_command():
    assert "grading" not in (METADATA.get_all("Provides-Extra") or [])
    scripts = importlib.metadata.distribution("course-utils").entry_points.select(
        group="console_scripts"
    )
    assert list(scripts) == []


def test_the_course_command_belongs_to_course_grading():
    grading = importlib.metadata.distribution("course-grading")
    (command,) = grading.entry_points.select(group="console_scripts", name="course")
    assert command.value == "course_grading.cli:main"
    requirements = {Requirement(r).name for r in grading.requires}
    assert {"course-utils", "nbgrader"} <= requirements


def test_no_module_of_course_utils_imports_nbgrader():
    package = Path(__file__).resolve().parents[1] / "course_utils"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                names.append(getattr(node, "module", None) or "")
                assert not [n for n in names if n.split(".")[0] == "nbgrader"], path.name
    code = "import sys, course_utils; assert 'nbgrader' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
