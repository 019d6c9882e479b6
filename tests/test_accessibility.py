"""Both editions of the book against WCAG 2.1 AA, in the browser a reader uses.

Each page is loaded in headless Chromium (driven by Playwright) and audited by axe-core (from the
``axe-playwright-python`` package) with its WCAG 2.0/2.1 A and AA rules, the experimental ones
included: no violation of impact serious or critical may remain, and moderate or minor ones are
listed in pytest's warnings summary. axe sees an image without ``alt``, not one whose ``alt`` is
its file name, so figure descriptions are checked here as well. Keyboard use, one ``h1``, heading
order, table headers, the page language and MathJax's assistive MathML are checked here too.
Requests that leave the machine are refused, as they would fail offline anyway.
"""

from __future__ import annotations

import itertools
import json
import re
import warnings
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup
from playwright.sync_api import Page

from tests.book_support import instructor_site, new_tab, page, student_site
from tests.notebooks import CHAPTER_IDS

EDITIONS = {"student": student_site, "instructor": instructor_site}
WORKER_PER = "edition"  # one browser for each edition's pages (tests/conftest.py)
PAGES = [
    "index",
    "intro",
    *(f"solutions/{chapter}/{chapter}" for chapter in CHAPTER_IDS),
    "guides/students",
    "guides/instructors",
    "search",
    "genindex",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": [*WCAG_TAGS, "experimental"]},
    "resultTypes": ["violations"],  # details of violations only: half the time on a chapter
}
BLOCKING = {"serious", "critical"}
FILE_NAME = re.compile(r"[\w-]+\.(png|jpe?g|gif|svg|webp)\b|/|\\")
MIN_DESCRIPTION_WORDS = 8
MATHJAX_CONFIG = re.compile(r"MathJax = (\{.*?\})\s*</script>", re.DOTALL)


@pytest.fixture
def tab(browser):
    tab = new_tab(browser)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def audited(browser):
    """``audited(edition, name)``: what one load of the page gives the tests (`audit`); each
    page of the module's edition is loaded once."""
    audits: dict[tuple[str, str], dict] = {}

    def get(edition: str, name: str) -> dict:
        if (edition, name) not in audits:
            tab = new_tab(browser)
            try:
                audits[edition, name] = audit(tab, site_page(edition, name).as_uri())
            finally:
                tab.close()
        return audits[edition, name]

    return get


def wcag_violations(tab: Page, url: str) -> list[dict]:
    """axe-core's violations of WCAG 2.0/2.1 A and AA rules on the page at ``url``."""
    tab.goto(url)
    if url.endswith("/index.html"):  # Sphinx's redirect to the root page
        tab.wait_for_url(f"**/{PAGES[1]}.html")
    response = Axe().run(tab, options=AXE_OPTIONS).response
    return [
        violation for violation in response["violations"] if set(violation["tags"]) & set(WCAG_TAGS)
    ]


def audit(tab: Page, url: str) -> dict:
    """The page at ``url``: its WCAG violations (`wcag_violations`), its language, how many
    ``h1`` a reader sees and the levels of the headings its main part shows, in order."""
    violations = wcag_violations(tab, url)
    headings = tab.locator("main :is(h1, h2, h3, h4, h5, h6):visible").evaluate_all(
        "headings => headings.map(h => h.tagName.toLowerCase())"
    )
    return {
        "violations": violations,
        "lang": tab.get_attribute("html", "lang"),
        "visible_h1": tab.locator("h1:visible").count(),
        "heading_levels": [int(tag[1]) for tag in headings],
    }


def undescribed_images(html: str) -> list[str]:
    """The images of a page with no ``alt``, or a file name as ``alt``; for the figures cells
    draw, also one too short to say what the figure shows."""
    soup = BeautifulSoup(html, "html.parser")
    figures = set(map(id, soup.select("main .cell_output img")))
    return [
        str(image)[:160]
        for image in soup.select("main img")
        if not (alt := image.get("alt", "").strip())
        or FILE_NAME.search(alt)
        or (id(image) in figures and len(alt.split()) < MIN_DESCRIPTION_WORDS)
    ]


def summary(violations: list[dict]) -> str:
    return "\n".join(
        f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}x): "
        f"{violation['help']}; first: {violation['nodes'][0]['html'][:160]}"
        for violation in violations
    )


def site_page(edition: str, name: str) -> Path:
    return EDITIONS[edition]() / f"{name}.html"


@pytest.mark.parametrize("edition", EDITIONS)
def test_audit_covers_every_page_of_the_site(edition):
    site = EDITIONS[edition]()
    pages = {
        path.relative_to(site).with_suffix("").as_posix()
        for path in site.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(path.relative_to(site).parts)
    }
    assert pages == set(PAGES)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("edition", EDITIONS)
def test_page_has_no_serious_or_critical_wcag_violation(edition, name, audited):
    violations = audited(edition, name)["violations"]
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING]
    assert not blocking, summary(blocking)
    if violations:
        warnings.warn(f"{edition} {name}: axe, not blocking:\n{summary(violations)}", stacklevel=1)


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_figure_has_a_description(edition, chapter):
    html = page(EDITIONS[edition](), chapter).read_text()
    assert BeautifulSoup(html, "html.parser").select("main .cell_output img"), "no figure"
    assert not undescribed_images(html)


def test_audit_fails_a_page_with_an_undescribed_figure(tab, tmp_path):
    image = next((student_site() / "_images").glob("*.png")).as_uri()
    described = "Grid of thirty digits in rows of ten, each titled with its label"
    alts = ["", f' alt="{image}"', ' alt="A plot"', f' alt="{described}"']
    figures = "".join(f'<div class="cell_output"><img src="{image}"{alt}></div>' for alt in alts)
    body = f"<main><h1>Figures</h1>{figures}</main>"
    figure = tmp_path / "figures.html"
    figure.write_text(f'<!DOCTYPE html><html lang="en"><title>t</title><body>{body}</body></html>')
    violations = wcag_violations(tab, figure.as_uri())
    assert [(v["id"], v["impact"], len(v["nodes"])) for v in violations] == [
        ("image-alt", "critical", 1)
    ]
    assert len(undescribed_images(figure.read_text())) == 3


@pytest.mark.parametrize("name", PAGES[1:])
@pytest.mark.parametrize("edition", EDITIONS)
def test_page_language_one_h1_and_headings_in_order(edition, name, audited):
    page_audit = audited(edition, name)
    assert page_audit["lang"] == "en"
    assert page_audit["visible_h1"] == 1
    levels = page_audit["heading_levels"]
    skips = [(before, after) for before, after in itertools.pairwise(levels) if after > before + 1]
    assert levels[0] == 1 and not skips, levels


@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_tables_have_header_cells(chapter):
    tables = BeautifulSoup(page(student_site(), chapter).read_text(), "html.parser")("table")
    assert tables and all(table.find("th") for table in tables)


def test_pages_with_maths_give_screen_readers_mathml():
    configs = [
        json.loads(match.group(1))
        for chapter in CHAPTER_IDS
        if (match := MATHJAX_CONFIG.search(page(student_site(), chapter).read_text()))
    ]
    assert configs, "no chapter page loads MathJax"
    assert all(config["options"]["enableAssistiveMml"] is True for config in configs)


def tab_until(tab: Page, selector: str, presses: int = 80) -> bool:
    """Press Tab until the focused element matches ``selector``; whether it ever did."""
    for _ in range(presses):
        tab.keyboard.press("Tab")
        if tab.evaluate("s => document.activeElement.matches(s)", selector):
            return True
    return False


@pytest.mark.parametrize("edition", EDITIONS)
def test_keyboard_reaches_the_sidebar_and_the_search(edition, tab):
    tab.goto(page(EDITIONS[edition](), CHAPTER_IDS[1]).as_uri())
    assert tab_until(tab, ".search-button__button"), "Tab never reaches the search button"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.matches('input[name=q]')"), "no search field"
    tab.keyboard.press("Escape")
    assert tab_until(tab, f"nav.bd-docs-nav a[href*='{CHAPTER_IDS[2]}']"), "sidebar unreachable"
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"**/{CHAPTER_IDS[2]}.html")


@pytest.mark.parametrize("control", ["Show code cell source", "Model answer"])
def test_keyboard_opens_the_instructor_editions_toggles(control, tab):
    tab.goto(page(instructor_site(), CHAPTER_IDS[1]).as_uri())
    toggle = f"summary:has-text('{control}')"
    assert tab.locator(toggle).count(), f"no {control!r} toggle on the page"
    for _ in range(tab.locator("summary").count()):
        assert tab_until(tab, "summary", presses=400), "Tab never reaches a toggle"
        if control in tab.evaluate("document.activeElement.textContent"):
            break
    else:
        pytest.fail(f"Tab never reaches {control!r}")
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.parentElement.open")
