"""The package installs on Colab without touching what Colab ships: lower bounds only, each met by
the versions of the oldest supported Colab runtime."""

import importlib.metadata

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

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
