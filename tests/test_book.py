"""The built book: every chapter page renders with real content, without stderr noise or hidden
tests, with solutions collapsed, and opens the student notebook in Colab.

`make test` builds the book (fast profile) first and passes its folder in ``BOOK_HTML``.
"""

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from tests.notebooks import CHAPTER_IDS, ROOT, hidden_test_lines, read, solution_path

TENSORFLOW_NOISE = ("oneDNN", "cuda", "TF_ENABLE_ONEDNN_OPTS", "absl::", "computation placer")


@pytest.fixture(scope="module")
def html_dir() -> Path:
    folder = ROOT / os.environ.get("BOOK_HTML", "_build/html")
    if not (folder / "index.html").exists():
        pytest.fail(f"no built book in {folder}: run `make book` (or `make test`, which builds it)")
    return folder


def page(html_dir: Path, chapter: str) -> Path:
    return html_dir / "solutions" / chapter / f"{chapter}.html"


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_page_has_no_stderr_output_or_tensorflow_noise(chapter, html_dir):
    text = page(html_dir, chapter).read_text()
    assert "output stderr" not in text
    assert not [noise for noise in TENSORFLOW_NOISE if noise in text]


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_page_hides_hidden_tests_and_collapses_solutions(chapter, html_dir):
    html = page(html_dir, chapter).read_text()
    assert "tag_hide-input" in html
    text = BeautifulSoup(html, "html.parser").get_text()
    assert "Hidden tests" not in text and "BEGIN HIDDEN TESTS" not in text
    hidden = hidden_test_lines(read(solution_path(chapter)))
    assert hidden and not [line for line in hidden if line in text]


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_page_links_colab_to_the_student_notebook(chapter, html_dir):
    text = page(html_dir, chapter).read_text()
    assert (
        f"colab.research.google.com/github/digits-course/digits/blob/main/chapters/{chapter}/{chapter}.ipynb"
        in text
    )


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed: `make chromium` installs Debian's package")
    return path


def render(chromium: str, url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=3000",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_page_renders_figures_and_text_in_chromium(chapter, html_dir, chromium, tmp_path):
    url = page(html_dir, chapter).as_uri()
    dom = render(chromium, url, tmp_path, "--dump-dom").stdout
    title = read(solution_path(chapter)).cells[0].source.splitlines()[0].lstrip("# ").strip()
    assert title.split("·")[-1].strip() in dom
    assert dom.count("<img") >= 3, "expected the chapter's figures in the page"

    screenshot = tmp_path / f"{chapter}.png"
    render(chromium, url, tmp_path, f"--screenshot={screenshot}", "--window-size=1280,2000")
    pixels = np.asarray(Image.open(screenshot).convert("L"), dtype=float)
    inked = (pixels < 200).mean()
    assert 0.02 < inked < 0.6, f"the screenshot looks blank or broken ({inked:.1%} dark pixels)"
    rows_with_content = ((pixels < 200).mean(axis=1) > 0.01).mean()
    assert rows_with_content > 0.3, "most of the page is empty"
