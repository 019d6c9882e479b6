"""The built book, in both editions.

The student edition (``make book``, safe to publish) renders every chapter with its outputs but
without solutions, hidden tests or model answers, anywhere in the site; its download button gives
the student notebook. The instructor edition (``make book-instructor``) shows solutions collapsed.

`make test` builds both editions (fast profile) first and passes their folders in ``BOOK_HTML`` and
``BOOK_HTML_INSTRUCTOR``.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from bs4 import BeautifulSoup
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from PIL import Image
from sphinx.errors import ConfigError
from sphinx.search.en import SearchEnglish

from tests.book_support import (
    instructor_site,
    load_extension,
    new_tab,
    page,
    student_site,
)
from tests.notebooks import (
    CHAPTER_IDS,
    answers_of,
    hidden_test_lines,
    model_answer_lines,
    nbgrader,
    read,
    secret_lines,
    solution_path,
    student_path,
)

TENSORFLOW_NOISE = ("oneDNN", "cuda", "TF_ENABLE_ONEDNN_OPTS", "absl::", "computation placer")
COLAB = "colab.research.google.com/github/digits-course/digits/blob/main"
SHOW_SOURCE = "Show code cell source"  # myst-nb's control that expands a hide-input cell


@pytest.fixture(scope="module")
def html_dir() -> Path:
    return student_site()


@pytest.fixture(scope="module")
def instructor_dir() -> Path:
    return instructor_site()


TYPOGRAPHY = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "*": "", "`": ""}
)


def normalise(text: str) -> str:
    """Text as a reader finds it: entities decoded, markdown emphasis and curly quotes undone,
    inline maths as written in markdown (MathJax's ``\\(x\\)`` is ``$x$``), spaces collapsed."""
    text = html.unescape(text).replace("\\(", "$").replace("\\)", "$")
    return " ".join(text.translate(TYPOGRAPHY).split())


def readable_texts(path: Path) -> list[str]:
    """Every form in which ``path`` can show text: raw, as page text, or as JSON strings."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []  # images and fonts
    texts = [raw]
    if path.suffix == ".html":
        texts.append(BeautifulSoup(raw, "html.parser").get_text())
    if path.suffix in (".ipynb", ".json"):
        texts.append("\n".join(json_strings(json.loads(raw))))
    return [normalise(text) for text in texts]


def json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in json_strings(item)]
    return []


def private_lines() -> list[str]:
    """Solution, hidden-test and model-answer lines, normalised, that no student notebook holds.

    (A line private to one chapter can be public in another, such as a seeded generator.)
    """
    public = normalise(
        "\n".join(
            cell.source for chapter in CHAPTER_IDS for cell in read(student_path(chapter)).cells
        )
    )
    lines = set()
    for chapter in CHAPTER_IDS:
        notebook = read(solution_path(chapter))
        private = [
            normalise(line) for line in secret_lines(notebook) + model_answer_lines(notebook)
        ]
        private = [line for line in private if line not in public]
        assert private, f"{chapter}: no private line found to look for"
        lines |= set(private)
    return sorted(lines)


def leaks(site: Path) -> list[str]:
    secrets = private_lines()
    found = []
    for path in sorted(site.rglob("*")):
        if path.is_file():
            texts = readable_texts(path)
            found += [
                f"{path.relative_to(site)}: {line[:60]}"
                for line in secrets
                if any(line in text for text in texts)
            ]
    return found


def test_student_edition_holds_no_solution_hidden_test_or_model_answer_in_any_file(html_dir):
    assert (html_dir / "searchindex.js").exists()
    found = leaks(html_dir)
    assert not found, f"{len(found)} private lines in the student site, e.g. {found[:5]}"


def test_student_edition_has_no_copy_of_the_solution_notebooks(html_dir):
    copies = [path for path in html_dir.rglob("*.ipynb") if "_sources" not in path.parts]
    assert not copies
    for chapter in CHAPTER_IDS:
        assert not list(html_dir.rglob(f"*{chapter}.ipynb.txt"))


def test_student_search_index_holds_only_words_the_pages_show(html_dir):
    index = (html_dir / "searchindex.js").read_text()
    terms = json.loads(index[index.index("(") + 1 : index.rindex(")")])["terms"]
    stemmer = SearchEnglish({})
    shown = set()
    for path in html_dir.rglob("*.html"):
        text = BeautifulSoup(path.read_text(), "html.parser").get_text(" ")
        shown |= {stemmer.stem(word.lower()) for word in re.findall(r"\w+", text)}
        shown |= {word.lower() for word in re.findall(r"\w+", text)}
    unshown = sorted({term.lower() for term in terms} - shown)
    assert not unshown, f"the search index holds words no page shows: {unshown[:20]}"


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_student_page_shows_each_answer_cell_as_the_student_notebook_has_it(chapter, html_dir):
    soup = BeautifulSoup(page(html_dir, chapter).read_text(), "html.parser")
    cells = [normalise(cell.get_text()) for cell in soup.select("div.cell")]
    student = read(student_path(chapter))
    for cell in student.cells:
        if cell.cell_type == "code" and nbgrader(cell).get("solution"):
            stub = normalise(cell.source)
            assert stub in cells, f"{nbgrader(cell)['grade_id']}: the student stub is not shown"
    assert "tag_hide-input" not in str(soup)
    written = [
        cell
        for cell in student.cells
        if cell.cell_type == "markdown" and nbgrader(cell).get("solution")
    ]
    text = normalise(soup.get_text())
    assert written and all(normalise(cell.source) in text for cell in written)


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_student_download_button_gives_the_student_notebook(chapter, html_dir):
    soup = BeautifulSoup(page(html_dir, chapter).read_text(), "html.parser")
    links = [
        a["href"]
        for a in soup.select("a[href]")
        if a["href"].endswith(".ipynb") and "://" not in a["href"]
    ]
    assert links, "the page offers no notebook download"
    for link in links:
        downloaded = read(page(html_dir, chapter).parent / link)
        assert [cell.source for cell in downloaded.cells] == [
            cell.source for cell in read(student_path(chapter)).cells
        ]


def test_student_edition_has_no_launch_button_into_solutions(html_dir):
    for path in html_dir.rglob("*.html"):
        text = path.read_text()
        assert "mybinder.org" not in text
        assert f"{COLAB}/solutions/" not in text, path


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_page_has_no_stderr_output_or_tensorflow_noise(chapter, html_dir):
    text = page(html_dir, chapter).read_text()
    assert "output stderr" not in text
    assert not [noise for noise in TENSORFLOW_NOISE if noise in text]


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_page_links_colab_to_the_student_notebook(chapter, html_dir):
    assert f"{COLAB}/chapters/{chapter}/{chapter}.ipynb" in page(html_dir, chapter).read_text()


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_instructor_page_collapses_solutions_and_shows_model_answers(chapter, instructor_dir):
    html_text = page(instructor_dir, chapter).read_text()
    assert "tag_hide-input" in html_text and SHOW_SOURCE in html_text
    text = normalise(BeautifulSoup(html_text, "html.parser").get_text())
    solution = read(solution_path(chapter))
    for grade_id, source in answers_of(solution).items():
        if "### BEGIN SOLUTION" in source:
            body = source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            assert normalise(body) in text, f"{grade_id}: the solution is not in the page"
    assert all(line in text for line in map(normalise, model_answer_lines(solution)))
    assert "Instructor edition" in text


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_instructor_page_still_leaves_out_hidden_tests(chapter, instructor_dir):
    text = normalise(
        BeautifulSoup(page(instructor_dir, chapter).read_text(), "html.parser").get_text()
    )
    assert "BEGIN HIDDEN TESTS" not in text
    hidden = [normalise(line) for line in hidden_test_lines(read(solution_path(chapter)))]
    assert hidden and not [line for line in hidden if line in text]


def test_editions_are_built_to_different_folders(html_dir, instructor_dir):
    assert html_dir.resolve() != instructor_dir.resolve()
    assert "Instructor edition" not in (html_dir / "intro.html").read_text()


@pytest.mark.unit
def test_unknown_edition_is_refused_with_the_names_of_both(monkeypatch):
    editions = load_extension("book_editions")
    monkeypatch.setenv("BOOK_EDITION", "teacher")
    with pytest.raises(ConfigError, match="'student' or 'instructor'; got 'teacher'"):
        editions.book_edition()
    monkeypatch.setenv("BOOK_EDITION", " Instructor ")
    assert editions.book_edition() == "instructor"


@pytest.mark.unit
def test_book_executes_only_what_its_cache_lacks_and_the_longest_notebook_first(tmp_path):
    execution = load_extension("book_execution")
    cache = get_cache(str(tmp_path / "cache"))
    paths = []
    for name, code in [("short", "1 + 1"), ("long", "2 + 2"), ("new", "3 + 3"), ("newer", "4")]:
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), path)
        paths.append(path)
    for path, seconds in [(paths[0], 5.0), (paths[1], 50.0)]:
        notebook = nbformat.read(path, as_version=4)
        bundle = CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds})
        cache.cache_notebook_bundle(bundle, check_validity=False)
    assert execution.stale_notebooks(cache, paths) == paths[2:]
    (tmp_path / "long.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    assert execution.stale_notebooks(cache, paths) == paths[1:]
    # Never run before: later first; then by the last run's seconds, whatever its code was.
    assert execution.longest_first(cache, paths) == [paths[3], paths[2], paths[1], paths[0]]


@pytest.fixture(scope="module")
def rendered(browser):
    """``rendered(url)``: the page at ``url`` in a 1280x2000 window once it has loaded, its DOM
    and the grey levels of its screenshot; each page is loaded once for the module's tests."""
    pages: dict[str, tuple[str, np.ndarray]] = {}

    def get(url: str) -> tuple[str, np.ndarray]:
        if url not in pages:
            tab = new_tab(browser, width=1280, height=2000)
            try:
                tab.goto(url, wait_until="networkidle")
                shot = Image.open(io.BytesIO(tab.screenshot())).convert("L")
                pages[url] = tab.content(), np.asarray(shot, dtype=float)
            finally:
                tab.close()
        return pages[url]

    return get


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_chapter_page_renders_figures_and_text_in_chromium(chapter, html_dir, rendered):
    dom, pixels = rendered(page(html_dir, chapter).as_uri())
    title = read(solution_path(chapter)).cells[0].source.splitlines()[0].lstrip("# ").strip()
    assert title.split("·")[-1].strip() in dom
    assert dom.count("<img") >= 3, "expected the chapter's figures in the page"
    inked = (pixels < 200).mean()
    assert 0.02 < inked < 0.6, f"the screenshot looks blank or broken ({inked:.1%} dark pixels)"
    rows_with_content = ((pixels < 200).mean(axis=1) > 0.01).mean()
    assert rows_with_content > 0.3, "most of the page is empty"


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_student_page_in_chromium_shows_stubs_and_no_show_solution_control(
    chapter, html_dir, rendered
):
    dom, _ = rendered(page(html_dir, chapter).as_uri())
    soup = BeautifulSoup(dom, "html.parser")
    assert "raise NotImplementedError" in soup.get_text()
    assert SHOW_SOURCE not in dom and not soup.select("details.hide")
    badge = soup.select_one('a[href*="colab.research.google.com"]')
    assert badge["href"].endswith(f"/chapters/{chapter}/{chapter}.ipynb")


def test_instructor_page_in_chromium_keeps_the_show_solution_control(instructor_dir, rendered):
    dom, _ = rendered(page(instructor_dir, CHAPTER_IDS[-1]).as_uri())
    assert SHOW_SOURCE in dom
