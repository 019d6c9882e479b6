"""A pytest plugin: the notebooks nbval ran without a failure go into the book's execution cache.

``pytest -p tests.book_cache --book-cache _build/.jupyter_cache-fast --nbval-lax solutions``
then ``jupyter-book build`` executes nothing: its notebooks match the cache (jupyter-cache keys a
notebook by its code and kernelspec), so nbval and the book share one execution. A notebook with a
failed or skipped cell is not cached, and the book build executes it as usual.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path

import pytest
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn


def pytest_addoption(parser):
    parser.addoption(
        "--book-cache",
        metavar="FOLDER",
        help="Jupyter cache of the book (_build/.jupyter_cache-<profile>) that receives every "
        "notebook nbval ran without a failure.",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if hasattr(item, "test_outputs") and (report.failed or report.skipped):
        item.parent.book_cache_complete = False


def executed_notebook(cells) -> object:
    """The notebook of nbval's cell items ``cells``, with the outputs they produced."""
    notebook = copy.deepcopy(cells[0].parent.nb)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for count, item in enumerate(cells, start=1):
        code[item.cell_num].outputs = item.test_outputs
        code[item.cell_num].execution_count = count
    return notebook


def pytest_sessionfinish(session):
    folder = session.config.getoption("--book-cache")
    if not folder:
        return
    by_notebook = defaultdict(list)
    for item in session.items:
        if hasattr(item, "test_outputs"):
            by_notebook[item.parent].append(item)
    cache = get_cache(str(Path(folder).resolve()))
    for notebook_file, cells in by_notebook.items():
        code_cells = sum(cell.cell_type == "code" for cell in notebook_file.nb.cells)
        ran = len(cells) == code_cells and all(cell.test_outputs is not None for cell in cells)
        if ran and getattr(notebook_file, "book_cache_complete", True):
            bundle = CacheBundleIn(executed_notebook(cells), str(notebook_file.path))
            cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
