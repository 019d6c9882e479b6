"""The built book that `make test` hands to the book tests (test_book.py, test_accessibility.py).

`make test` builds both editions (fast profile) first and passes their folders in ``BOOK_HTML`` and
``BOOK_HTML_INSTRUCTOR``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.notebooks import ROOT


def built_site(variable: str, default: str) -> Path:
    folder = ROOT / os.environ.get(variable, default)
    if not (folder / "index.html").exists():
        pytest.fail(f"no built book in {folder}: run `make book` and `make book-instructor`")
    return folder


def student_site() -> Path:
    return built_site("BOOK_HTML", "_build/html")


def instructor_site() -> Path:
    return built_site("BOOK_HTML_INSTRUCTOR", "_build/instructor/_build/html")


def page(site: Path, chapter: str) -> Path:
    return site / "solutions" / chapter / f"{chapter}.html"


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed: `make chromium` installs Debian's package")
    return path


@contextlib.contextmanager
def headless_chromium() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright: the browser of the book tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


def new_tab(browser, width: int = 1280, height: int = 900):
    """A tab of ``browser`` that refuses every request leaving the machine (offline anyway)."""
    tab = browser.new_page(viewport={"width": width, "height": height})
    tab.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
    return tab


def load_extension(name: str):
    """The book's Sphinx extension ``_ext/<name>.py`` as a module (``_ext`` is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
